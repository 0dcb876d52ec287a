"""API of the evidence library: sources (multipart file or link), versions, excerpts; role by action, ETags."""

from __future__ import annotations

import pytest

from consultation.models import Status
from evidence.models import Excerpt, SourceDocument
from evidence.services.library import latest_version

from .conftest import OWN_TEXT, upload

PASSAGE = "Users cannot audit what is matched."


def base(consultation):
    return f"/api/v1/consultations/{consultation.slug}"


def test_a_round_trip_upload_read_quote_move_and_find(api_client, consultation, secretariat, expert, cell):
    client = api_client(secretariat)
    created = client.post(
        f"{base(consultation)}/sources/",
        {"title": "Own study", "reference": "TL 3/2026", "date": "2026-05-08", "file": upload(OWN_TEXT, "own.txt")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["text"].startswith("Study of on-device matching")
    assert [b["type"] for b in body["blocks"]].count("table") == 1
    assert created["ETag"] == f'"s{body["id"]}-1"'
    source_url = f"{base(consultation)}/sources/{body['id']}/"

    start = body["text"].index(PASSAGE)
    quoted = api_client(expert).post(
        f"{base(consultation)}/excerpts/",
        {
            "source": body["id"],
            "quote": PASSAGE,
            "position": {"start": start, "end": start + len(PASSAGE)},
            "stance": "lower",
            "cells": ["1b/privacy"],
            "solutions": ["1b"],
        },
        format="json",
    )
    assert quoted.status_code == 201, quoted.content
    excerpt = quoted.json()
    assert excerpt["cells"] == [{"solution": "1b", "criterion": "privacy", "key": "1b/privacy"}]
    assert excerpt["located"]["status"] == "found" and excerpt["source_version"] == 1

    moved = client.post(
        f"{source_url}versions/",
        {"file": upload("A new preface.\n\n" + OWN_TEXT, "own-v2.txt")},
        format="multipart",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert moved.status_code == 201 and moved.json()["number"] == 2
    again = api_client(expert).get(f"{base(consultation)}/excerpts/{excerpt['id']}/").json()
    assert again["located"]["status"] == "moved"
    assert latest_version(SourceDocument.objects.get()).text[again["located"]["start"] :].startswith(PASSAGE)

    listed = api_client(expert).get(f"{base(consultation)}/excerpts/?criterion=privacy&stance=lower").json()
    assert [e["id"] for e in listed["results"]] == [excerpt["id"]]
    assert api_client(expert).get(f"{base(consultation)}/excerpts/?stance=higher").json()["results"] == []
    versions = client.get(f"{source_url}versions/").json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    first = client.get(f"{source_url}?version=1").json()
    assert first["shown_version"] == 1 and first["text"] == body["text"]


def test_a_link_only_source_and_its_errors(api_client, consultation, secretariat):
    client = api_client(secretariat)
    ok = client.post(
        f"{base(consultation)}/sources/", {"title": "Linked", "url": "https://example.org/x"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["kind"] == "link" and ok.json()["latest_version"] is None
    none = client.post(f"{base(consultation)}/sources/", {"title": "Nothing"}, format="json")
    assert none.status_code == 400 and "file" in none.json()
    exe = client.post(
        f"{base(consultation)}/sources/",
        {"title": "Program", "file": upload(b"MZ\x90\x00xx", "a.txt")},
        format="multipart",
    )
    assert exe.status_code == 415


def test_patch_needs_a_matching_if_match(api_client, consultation, secretariat, own_source):
    client = api_client(secretariat)
    url = f"{base(consultation)}/sources/{own_source.pk}/"
    stale = client.patch(url, {"title": "New"}, format="json", HTTP_IF_MATCH='"s0-0"')
    assert stale.status_code == 412
    ok = client.patch(url, {"title": "New"}, format="json", HTTP_IF_MATCH=own_source.etag)
    assert ok.status_code == 200 and ok.json()["title"] == "New" and ok["ETag"] != own_source.etag


def test_a_quote_that_does_not_match_is_a_400(api_client, consultation, expert, own_source):
    response = api_client(expert).post(
        f"{base(consultation)}/excerpts/",
        {"source": own_source.pk, "quote": "Not there", "start": 0, "end": 9, "stance": "lower"},
        format="json",
    )
    assert response.status_code == 400 and "quote" in response.json()
    bad_cell = api_client(expert).post(
        f"{base(consultation)}/excerpts/",
        {"source": own_source.pk, "quote": "Study", "start": 0, "end": 5, "stance": "lower", "cells": ["9z/none"]},
        format="json",
    )
    assert bad_cell.status_code == 400 and "cells" in bad_cell.json()


ROLE_CASES = [
    # role, GET sources, POST source, PATCH source, POST excerpt
    ("secretariat", 200, 201, 200, 201),
    ("expert", 200, 403, 403, 201),
    ("observer", 200, 403, 403, 403),
    ("outsider", 404, 404, 404, 404),
    (None, 401, 401, 401, 401),
]


@pytest.mark.parametrize(("role", "read", "add", "change", "quote"), ROLE_CASES)
def test_permissions_role_by_action(role, read, add, change, quote, request, api_client, consultation, own_source):
    client = api_client(request.getfixturevalue(role) if role else None)
    assert client.get(f"{base(consultation)}/sources/").status_code == read
    assert client.get(f"{base(consultation)}/sources/{own_source.pk}/").status_code == read
    assert client.get(f"{base(consultation)}/excerpts/").status_code == read
    assert (
        client.post(f"{base(consultation)}/sources/", {"title": "L", "url": "https://e.org"}, format="json").status_code
        == add
    )
    assert (
        client.patch(f"{base(consultation)}/sources/{own_source.pk}/", {"marking": "X"}, format="json").status_code
        == change
    )
    start = latest_version(own_source).text.index(PASSAGE)
    payload = {
        "source": own_source.pk,
        "quote": PASSAGE,
        "start": start,
        "end": start + len(PASSAGE),
        "stance": "context",
    }
    assert client.post(f"{base(consultation)}/excerpts/", payload, format="json").status_code == quote


def test_another_expert_cannot_change_an_excerpt_and_a_closed_consultation_is_409(
    api_client, consultation, expert, other_expert, own_source, draft_paper
):
    start = latest_version(own_source).text.index(PASSAGE)
    payload = {
        "source": own_source.pk,
        "quote": PASSAGE,
        "start": start,
        "end": start + len(PASSAGE),
        "stance": "context",
    }
    created = api_client(expert).post(f"{base(consultation)}/excerpts/", payload, format="json").json()
    url = f"{base(consultation)}/excerpts/{created['id']}/"
    assert api_client(other_expert).patch(url, {"stance": "higher"}, format="json").status_code == 403
    assert api_client(other_expert).delete(url).status_code == 403
    changed = api_client(expert).patch(url, {"stance": "higher", "criteria": ["privacy"]}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["criteria"] == ["privacy"]
    consultation.status = Status.CLOSED
    consultation.save()
    assert api_client(expert).post(f"{base(consultation)}/excerpts/", payload, format="json").status_code == 409
    assert api_client(expert).delete(url).status_code == 409
    consultation.status = Status.OPEN
    consultation.save()
    assert api_client(expert).delete(url).status_code == 204
    assert not Excerpt.objects.exists()


def test_the_lists_take_the_same_queries_at_two_sizes(
    api_client, consultation, secretariat, expert, own_source, cell, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evidence.services.library import excerpt_create, source_create

    client = api_client(secretariat)
    start = latest_version(own_source).text.index(PASSAGE)

    def grow(n):
        for i in range(n):
            source_create(consultation=consultation, user=secretariat, title=f"S{i}", file=upload(OWN_TEXT, "a.txt"))
            excerpt_create(
                consultation=consultation,
                user=expert,
                source=own_source,
                quote=PASSAGE,
                start=start,
                end=start + len(PASSAGE),
                stance="lower",
                cells=[cell],
            )

    for path in ("sources/", "excerpts/"):
        grow(2)
        client.get(f"{base(consultation)}/{path}")
        with CaptureQueriesContext(connection) as small:
            client.get(f"{base(consultation)}/{path}")
        grow(5)
        with django_assert_num_queries(len(small.captured_queries)):
            assert client.get(f"{base(consultation)}/{path}").status_code == 200


def test_ids_beyond_the_databases_integers_are_a_400(api_client, consultation, expert, own_source):
    client = api_client(expert)
    huge = 10**30
    assert client.get(f"{base(consultation)}/excerpts/?source={huge}").status_code == 400
    response = client.post(
        f"{base(consultation)}/excerpts/",
        {"source": own_source.pk, "quote": "Study", "start": 0, "end": huge, "stance": "lower"},
        format="json",
    )
    assert response.status_code == 400
    assert client.get(f"{base(consultation)}/sources/{own_source.pk}/?version={huge}").status_code == 400
