"""Excerpts: exact quotes with their place, found again in a new version (even moved), flagged where removed;
who may make, read, change and remove them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import Status
from evidence.models import Excerpt
from evidence.services.library import (
    excerpt_create,
    excerpt_delete,
    excerpt_locate,
    excerpt_update,
    latest_version,
    source_add_version,
)
from tests.evidence.factories import submitted_by

from .conftest import OWN_TEXT, upload

PASSAGE = "Users cannot audit what is matched."


def quote_of(source, user, passage=PASSAGE, **kwargs):
    version = latest_version(source)
    start = version.text.index(passage)
    kwargs.setdefault("stance", "lower")
    return excerpt_create(
        consultation=source.consultation,
        user=user,
        source=source,
        quote=passage,
        start=start,
        end=start + len(passage),
        **kwargs,
    )


def test_an_excerpt_keeps_its_quote_place_and_surroundings(own_source, expert, cell):
    excerpt = quote_of(own_source, expert, cells=[cell])
    text = latest_version(own_source).text
    assert text[excerpt.start : excerpt.end] == PASSAGE
    assert text[: excerpt.start].endswith(excerpt.prefix) and len(excerpt.prefix) == 64
    assert excerpt.suffix and text[excerpt.end :].startswith(excerpt.suffix)
    assert list(excerpt.cells.all()) == [cell]
    assert excerpt_locate(excerpt).status == "found"


def test_a_quote_that_is_not_the_text_at_its_place_is_refused(own_source, expert):
    text = latest_version(own_source).text
    start = text.index(PASSAGE)
    with pytest.raises(ValidationError) as error:
        excerpt_create(
            consultation=own_source.consultation,
            user=expert,
            source=own_source,
            quote="Users can audit what is matched.",
            start=start,
            end=start + len(PASSAGE),
            stance="lower",
        )
    assert "quote" in error.value.message_dict
    assert not Excerpt.objects.exists()


def test_an_excerpt_survives_a_new_version_where_the_passage_moved(own_source, secretariat, expert):
    excerpt = quote_of(own_source, expert)
    moved = "Preface added in the second version.\n\n" + OWN_TEXT
    version = source_add_version(source=own_source, user=secretariat, file=upload(moved, "v2.txt"))
    located = excerpt_locate(excerpt, version)
    assert located.status == "moved"
    assert version.text[located.start : located.end] == PASSAGE


def test_an_excerpt_is_found_in_place_when_the_new_version_only_adds_at_the_end(own_source, secretariat, expert):
    excerpt = quote_of(own_source, expert)
    source_add_version(source=own_source, user=secretariat, file=upload(OWN_TEXT + "\nAn appendix.\n", "v2.txt"))
    assert excerpt_locate(excerpt).status == "found"


def test_an_excerpt_is_flagged_where_its_passage_was_removed(own_source, secretariat, expert):
    excerpt = quote_of(own_source, expert)
    source_add_version(source=own_source, user=secretariat, file=upload(OWN_TEXT.replace(PASSAGE, ""), "v2.txt"))
    located = excerpt_locate(excerpt)
    assert (located.status, located.start) == ("missing", None)
    assert located.label == "no longer in the current version"


def test_a_reworded_passage_is_reported_as_changed(own_source, secretariat, expert):
    excerpt = quote_of(own_source, expert)
    reworded = OWN_TEXT.replace(PASSAGE, "Users cannot audit what gets matched.")
    source_add_version(source=own_source, user=secretariat, file=upload(reworded, "v2.txt"))
    assert excerpt_locate(excerpt).status == "changed"


def test_with_two_occurrences_the_one_with_the_same_surroundings_wins(own_source, secretariat, expert):
    excerpt = quote_of(own_source, expert)
    doubled = "Users cannot audit what is matched.\n\nAn unrelated note.\n\n" + OWN_TEXT
    version = source_add_version(source=own_source, user=secretariat, file=upload(doubled, "v2.txt"))
    located = excerpt_locate(excerpt, version)
    assert located.start == version.text.rindex(PASSAGE)


def test_observers_cannot_make_excerpts(own_source, observer):
    with pytest.raises(PermissionDenied):
        quote_of(own_source, observer)


def test_only_the_creator_or_the_secretariat_changes_or_removes_an_excerpt(
    own_source, expert, other_expert, secretariat
):
    excerpt = quote_of(own_source, expert)
    with pytest.raises(PermissionDenied):
        excerpt_update(excerpt=excerpt, user=other_expert, stance="higher")
    changed = excerpt_update(excerpt=excerpt, user=expert, stance="higher", expected_version=1)
    assert (changed.stance, changed.version) == ("higher", 2)
    with pytest.raises(StaleObjectError):
        excerpt_update(excerpt=changed, user=secretariat, stance="context", expected_version=1)
    with pytest.raises(PermissionDenied):
        excerpt_delete(excerpt=changed, user=other_expert)
    excerpt_delete(excerpt=changed, user=secretariat)
    assert not Excerpt.objects.exists()


def test_a_closed_consultation_takes_no_excerpt(own_source, expert, consultation):
    consultation.status = Status.CLOSED
    consultation.save()
    with pytest.raises(StateConflictError):
        quote_of(own_source, expert)


def test_links_must_belong_to_the_consultation(own_source, expert):
    from tests.factories import AssessmentFactory

    foreign = AssessmentFactory()
    with pytest.raises(ValidationError):
        quote_of(own_source, expert, cells=[foreign])


def test_an_excerpt_of_a_submission_is_read_only_by_those_who_read_the_submission(
    consultation, expert, other_expert, secretariat, observer, page_client
):
    submission = submitted_by(expert, consultation, body="First paragraph.\n\nHashes miss new material entirely.")
    passage = "Hashes miss new material"
    start = submission.body.index(passage)
    excerpt = excerpt_create(
        consultation=consultation,
        user=secretariat,
        submission=submission,
        quote=passage,
        start=start,
        end=start + len(passage),
        stance="context",
    )
    assert excerpt.submission_version.number == 1
    assert excerpt_locate(excerpt).status == "found"
    assert list(Excerpt.objects.visible_to(secretariat, consultation)) == [excerpt]
    assert list(Excerpt.objects.visible_to(expert, consultation)) == [excerpt]
    assert not Excerpt.objects.visible_to(other_expert, consultation).exists()
    assert not Excerpt.objects.visible_to(observer, consultation).exists()
    page = reverse("evidence:excerpt", args=[consultation.slug, excerpt.pk])
    assert page_client(other_expert).get(page).status_code == 404
    assert page_client(expert).get(page).status_code == 200
    # Another expert cannot quote input they may not read.
    with pytest.raises(ValidationError):
        excerpt_create(
            consultation=consultation,
            user=other_expert,
            submission=submission,
            quote=passage,
            start=start,
            end=start + len(passage),
            stance="context",
        )


def test_the_quote_page_of_a_submission_offers_the_excerpt_form(consultation, expert, page_client, observer):
    submission = submitted_by(expert, consultation, body="Some input text to quote.")
    quote_url = reverse("evidence:submission_quote", args=[consultation.slug, submission.pk])
    html = page_client(expert).get(quote_url).content.decode()
    assert 'data-start="0"' in html and "Quote selection" in html
    detail = page_client(expert).get(reverse("evidence:detail", args=[consultation.slug, submission.pk]))
    assert quote_url in detail.content.decode()
    assert page_client(observer).get(quote_url).status_code in (403, 404)


def test_saving_an_excerpt_from_the_page_takes_the_texts_own_characters(
    page_client, consultation, own_source, expert, cell
):
    text = latest_version(own_source).text
    start = text.index("Option")
    end = text.index("Medium") + len("Medium")
    selected = "Option Cost Risk\nHashing Low Medium"  # as a browser may render a table selection
    response = page_client(expert).post(
        reverse("evidence:excerpt_new", args=[consultation.slug]),
        {"source": own_source.pk, "start": start, "end": end, "quote": selected, "stance": "lower", "cells": [cell.pk]},
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get()
    assert excerpt.quote == text[start:end] and "\t" in excerpt.quote
    listing = page_client(expert).get(reverse("evidence:excerpts", args=[consultation.slug]) + "?stance=lower")
    html = listing.content.decode()
    assert "Argues for lower" in html and 'data-status="found"' in html and "1b × Privacy" in html


def test_the_excerpt_list_is_filtered_and_takes_the_same_queries_at_two_sizes(
    page_client, consultation, own_source, expert, secretariat, cell, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listing = reverse("evidence:excerpts", args=[consultation.slug])
    client = page_client(secretariat)
    for _ in range(2):
        quote_of(own_source, expert, cells=[cell])
    quote_of(own_source, secretariat, stance="supports")
    client.get(listing)
    with CaptureQueriesContext(connection) as small:
        client.get(listing)
    for _ in range(6):
        quote_of(own_source, expert, cells=[cell])
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(listing).content.decode()
    assert html.count('class="excerpt-item') == 9
    lower = client.get(listing + "?stance=lower&criterion=privacy&solution=1b").content.decode()
    assert lower.count('class="excerpt-item') == 8
    assert client.get(listing + "?stance=supports").content.decode().count('class="excerpt-item') == 1
    assert client.get(listing + "?source=abc").status_code == 200


def test_an_excerpt_page_says_when_its_passage_is_no_longer_there(
    page_client, consultation, own_source, secretariat, expert
):
    excerpt = quote_of(own_source, expert)
    source_add_version(source=own_source, user=secretariat, file=upload(OWN_TEXT.replace(PASSAGE, ""), "v2.txt"))
    html = page_client(expert).get(reverse("evidence:excerpt", args=[consultation.slug, excerpt.pk])).content.decode()
    assert "no longer in the current version" in html
    assert PASSAGE in html


def test_an_excerpt_of_input_follows_the_inputs_new_versions(consultation, expert, secretariat):
    from evidence.services.submissions import submission_edit

    body = "Opening words.\n\nHashes miss new material entirely."
    submission = submitted_by(expert, consultation, body=body)
    passage = "Hashes miss new material"
    start = body.index(passage)
    excerpt = excerpt_create(
        consultation=consultation,
        user=secretariat,
        submission=submission,
        quote=passage,
        start=start,
        end=start + len(passage),
        stance="context",
    )
    submission_edit(submission=submission, user=expert, body="A new opening.\n\n" + body)
    assert excerpt_locate(excerpt).status == "moved"
    submission.refresh_from_db()
    submission_edit(submission=submission, user=expert, body="Everything rewritten from scratch.")
    assert excerpt_locate(excerpt).status == "missing"
    assert excerpt.submission_version.number == 1
