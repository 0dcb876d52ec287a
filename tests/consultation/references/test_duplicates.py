"""Duplicate references: the same DOI in any notation, or a near-identical title of the same year."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultation.bibliography import is_duplicate, normalise_doi, same_title
from consultation.models import Reference
from consultation.services.references import DuplicateReferenceError, reference_create, reference_update

from .conftest import references_api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "notation",
    [
        "10.1093/cybsec/tyad020",
        "10.1093/CYBSEC/TYAD020",
        "doi:10.1093/cybsec/tyad020",
        "DOI: 10.1093/cybsec/tyad020",
        "https://doi.org/10.1093/cybsec/tyad020",
        "http://dx.doi.org/10.1093/cybsec/tyad020 ",
    ],
)
def test_a_doi_in_any_notation_is_stored_bare_and_lower_case(notation):
    assert normalise_doi(notation) == "10.1093/cybsec/tyad020"


@pytest.mark.parametrize("bad", ["10.12/x", "cybsec/tyad020", "https://example.org/10.1093/x", "10.1093/"])
def test_something_that_is_not_a_doi_is_refused_with_an_example(bad):
    with pytest.raises(ValidationError) as error:
        normalise_doi(bad)
    assert "should look like 10.1145/3133956" in error.value.message_dict["doi"][0]


@pytest.mark.parametrize(
    "notation", ["10.1093/CYBSEC/TYAD020", "doi:10.1093/cybsec/tyad020", "https://doi.org/10.1093/cybsec/tyad020"]
)
def test_the_same_doi_in_another_notation_is_a_duplicate(consultation, annex, notation):
    with pytest.raises(DuplicateReferenceError) as error:
        reference_create(consultation=consultation, group="Device related", title="Another title", doi=notation)

    assert error.value.duplicates == [annex["first"]]
    assert "General [1]" in error.value.message
    assert Reference.objects.count() == 2


@pytest.mark.parametrize(
    "title",
    [
        "bugs in our pockets: the risks of client-side scanning",
        "BUGS IN OUR POCKETS -- THE RISKS OF CLIENT SIDE SCANNING!",
        "Bugs  in our Pockets. The Risks of Client‐Side Scanning",
        "Bugs in our Pockets: The Risks of Cliént-Side Scanning",
        "Bugs in our Pocket: The Risks of Client-Side Scanning",  # one letter off in a long title
    ],
)
def test_the_same_title_with_other_case_punctuation_or_accents_in_the_same_year_is_a_duplicate(
    consultation, annex, title
):
    with pytest.raises(DuplicateReferenceError) as error:
        reference_create(consultation=consultation, group="General", title=title, year=2021)

    assert error.value.duplicates == [annex["first"]]


def test_the_same_title_in_another_year_is_not_a_duplicate(consultation, annex):
    reference = reference_create(
        consultation=consultation,
        group="General",
        title="Bugs in our pockets: the risks of client-side scanning",
        year=2024,
    )

    assert (reference.group, reference.number) == ("General", 3)


def test_short_titles_must_match_exactly_to_be_duplicates():
    assert same_title("Keys under doormats", "keys under doormats.")
    assert not same_title("Crypto war", "Crypto wars")


def test_two_different_dois_are_different_works_whatever_their_titles(annex):
    class Entry:
        pk = None
        title = annex["first"].title
        year = 2021
        doi = "10.1093/cybsec/other"

    assert not is_duplicate(Entry, annex["first"])


def test_allow_duplicate_adds_it_all_the_same(consultation, annex):
    reference = reference_create(
        consultation=consultation, group="General", title=annex["first"].title, year=2021, allow_duplicate=True
    )

    assert reference.number == 3


def test_an_edit_that_makes_a_duplicate_is_refused_too(annex):
    with pytest.raises(DuplicateReferenceError):
        reference_update(reference=annex["second"], doi="https://doi.org/10.1093/cybsec/tyad020")

    annex["second"].refresh_from_db()
    assert annex["second"].doi == ""


# --- on the page and in the API ---------------------------------------------------------------------------------


def test_the_references_page_points_out_possible_duplicates(client_for, consultation, annex, observer):
    Reference.objects.create(
        consultation=consultation, group="Device related", group_order=1, number=1, title="x", doi=annex["first"].doi
    )

    html = client_for(observer).get(reverse("consultation:references", args=[consultation.slug])).content.decode()

    entry = re.search(r'<li value="1" id="ref-1-1">(.*?)</li>', html, re.S).group(1)
    assert "Possible duplicate of" in entry and 'href="#ref-0-1">General [1]</a>' in entry
    assert "2 references look like the duplicate of another" in html
    second = re.search(r'<li value="2" id="ref-0-2">(.*?)</li>', html, re.S).group(1)
    assert "Possible duplicate" not in second


def test_the_add_form_shows_the_duplicate_and_adds_only_once_confirmed(client_for, consultation, annex, secretariat):
    client = client_for(secretariat)
    url = reverse("consultation:reference_new", args=[consultation.slug])
    data = {"group": "General", "title": "BUGS IN OUR POCKETS: the risks of client side scanning", "year": "2021"}

    refused = client.post(url, data)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "It looks like this reference of the annex" in html
    assert f'href="/c/{consultation.slug}/references/#ref-0-1">General [1]</a>' in html
    assert 'name="allow_duplicate"' in html and "Add it anyway" in html
    assert Reference.objects.count() == 2

    added = client.post(url, {**data, "allow_duplicate": "on"})

    assert added.status_code == 302
    assert Reference.objects.filter(title=data["title"]).count() == 1


def test_the_api_answers_409_with_the_duplicates_ids_unless_allowed(as_role, consultation, annex):
    client = as_role("secretariat")
    body = {"group": "General", "title": "Another title", "doi": "doi:10.1093/CYBSEC/tyad020"}

    refused = client.post(references_api(consultation), body, format="json")

    assert refused.status_code == 409
    assert refused.json()["duplicates"] == [annex["first"].pk]
    assert "looks like a reference the annex has already" in refused.json()["detail"]

    allowed = client.post(references_api(consultation), {**body, "allow_duplicate": True}, format="json")

    assert allowed.status_code == 201, allowed.content
    assert allowed.json()["doi"] == "10.1093/cybsec/tyad020"


def test_a_bad_doi_in_the_api_is_a_400_on_the_doi_field(as_role, consultation, annex):
    response = as_role("secretariat").post(
        references_api(consultation), {"group": "General", "title": "T", "doi": "not a doi"}, format="json"
    )

    assert response.status_code == 400
    assert "is not a DOI" in response.json()["doi"][0]
