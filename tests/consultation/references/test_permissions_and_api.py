"""Who may do what with references (secretariat writes; experts and observers read; non-members see nothing),
and the reference API's details: ETag and If-Match, partial changes, constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultation.models import Reference, Status

from .conftest import references_api

pytestmark = pytest.mark.django_db

BIB = "@misc{k, title = {A new study of things}, year = {2023}}"


def pages(consultation, reference) -> dict[str, tuple[str, dict]]:
    slug = consultation.slug
    return {
        "new": (reverse("consultation:reference_new", args=[slug]), {"group": "General", "title": "New one"}),
        "edit": (
            reverse("consultation:reference_edit", args=[slug, reference.pk]),
            {"group": "General", "title": "Changed", "version": reference.version},
        ),
        "import": (
            reverse("consultation:references_import", args=[slug]),
            {"text": BIB, "format": "auto", "group": "G", "confirm": "1"},
        ),
    }


@pytest.mark.parametrize("page", ["new", "edit", "import"])
@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404), ("observer", 403), ("expert", 403)])
def test_only_the_secretariat_opens_or_posts_the_reference_forms(
    client_for, request, consultation, annex, page, who, status
):
    client = client_for(None if who == "anonymous" else request.getfixturevalue(who))
    url, data = pages(consultation, annex["first"])[page]

    assert client.get(url).status_code == status
    assert client.post(url, data).status_code == status
    assert Reference.objects.count() == 2
    assert Reference.objects.get(pk=annex["first"].pk).title.startswith("Bugs")


@pytest.mark.parametrize("page", ["new", "edit", "import"])
def test_the_secretariat_uses_the_reference_forms(client_for, consultation, annex, secretariat, page):
    client = client_for(secretariat)
    url, data = pages(consultation, annex["first"])[page]

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(reverse("consultation:references", args=[consultation.slug]))


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404)])
def test_non_members_get_neither_the_page_nor_the_export(client_for, request, consultation, annex, who, status):
    client = client_for(None if who == "anonymous" else request.getfixturevalue(who))

    for name in ("consultation:references", "consultation:references_export"):
        assert client.get(reverse(name, args=[consultation.slug])).status_code == status


@pytest.mark.parametrize("who", ["observer", "expert", "secretariat"])
def test_every_member_reads_the_annex_and_exports_it(client_for, request, consultation, annex, who):
    client = client_for(request.getfixturevalue(who))

    page = client.get(reverse("consultation:references", args=[consultation.slug])).content.decode()
    exported = client.get(reverse("consultation:references_export", args=[consultation.slug])).content.decode()

    assert "Bugs in our" in page and "tyad020" in page
    assert "doi = {10.1093/cybsec/tyad020}" in exported
    assert ("Add a reference" in page) == (who == "secretariat")
    assert (f"/references/{annex['first'].pk}/edit/" in page) == (who == "secretariat")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("outsider", 404), ("observer", 403), ("expert", 403)])
def test_the_api_refuses_reference_writes_to_all_but_the_secretariat(as_role, consultation, annex, who, status):
    client = as_role(who)
    base = references_api(consultation)

    assert client.post(base, {"group": "G", "title": "T"}, format="json").status_code == status
    assert client.patch(f"{base}{annex['first'].pk}/", {"title": "T"}, format="json").status_code == status
    assert client.post(f"{base}import/", {"text": BIB}, format="json").status_code == status
    assert Reference.objects.count() == 2


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("outsider", 404)])
def test_the_api_hides_the_annex_from_non_members(as_role, consultation, annex, who, status):
    client = as_role(who)
    base = references_api(consultation)

    for url in (base, f"{base}{annex['first'].pk}/", f"{base}bibtex/"):
        assert client.get(url).status_code == status


def test_writes_to_a_closed_consultation_are_409(as_role, consultation, annex):
    consultation.status = Status.CLOSED
    consultation.save()
    client = as_role("secretariat")
    base = references_api(consultation)

    assert client.post(base, {"group": "G", "title": "T"}, format="json").status_code == 409
    assert client.patch(f"{base}{annex['first'].pk}/", {"title": "T"}, format="json").status_code == 409
    assert client.post(f"{base}import/", {"text": BIB}, format="json").status_code == 409


def test_a_reference_reads_with_its_etag_and_changes_with_if_match(as_role, consultation, annex):
    client = as_role("secretariat")
    url = f"{references_api(consultation)}{annex['second'].pk}/"
    read = client.get(url)
    etag = read["ETag"]
    assert read.json()["doi"] == "" and read.json()["version"] == 1

    changed = client.patch(
        url,
        {"doi": "https://doi.org/10.48550/arXiv.2207.09506", "solutions": ["1a"]},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert changed.status_code == 200, changed.content
    assert (changed.json()["doi"], changed.json()["solutions"], changed.json()["version"]) == (
        "10.48550/arxiv.2207.09506",
        ["1a"],
        2,
    )
    stale = client.patch(url, {"title": "Too late"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    annex["second"].refresh_from_db()
    assert annex["second"].title.startswith("Thoughts")


def test_moving_a_reference_to_another_group_numbers_it_last_there(as_role, consultation, annex):
    url = f"{references_api(consultation)}{annex['first'].pk}/"

    body = as_role("secretariat").patch(url, {"group": "Device related"}, format="json").json()

    assert (body["group"], body["group_order"], body["number"]) == ("Device related", 1, 1)


def test_the_edit_page_keeps_what_was_typed_when_someone_changed_it_meanwhile(
    client_for, consultation, annex, secretariat
):
    reference = annex["first"]
    url = reverse("consultation:reference_edit", args=[consultation.slug, reference.pk])
    client_for(secretariat).get(url)
    Reference.objects.filter(pk=reference.pk).update(version=5)

    response = client_for(secretariat).post(url, {"group": "General", "title": "My new title", "version": 1})

    assert response.status_code == 400
    html = response.content.decode()
    assert "changed by someone else" in html and 'value="My new title"' in html


def test_the_reference_list_api_takes_the_same_queries_for_2_and_20_entries(
    as_role, consultation, annex, django_assert_max_num_queries, django_assert_num_queries
):
    client = as_role("observer")
    url = references_api(consultation)
    client.get(url)  # warm the session and role caches alike for both counts
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for n in range(18):
        Reference.objects.create(consultation=consultation, group="G", group_order=1, number=n + 1, title=f"T {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 20


def test_the_references_page_takes_the_same_queries_for_2_and_20_entries(
    client_for, consultation, annex, observer, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(observer)
    url = reverse("consultation:references", args=[consultation.slug])
    client.get(url)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for n in range(18):
        Reference.objects.create(consultation=consultation, group="G", group_order=1, number=n + 1, title=f"T {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
