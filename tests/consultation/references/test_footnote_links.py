"""Each footnote of the draft that cites a reference is linked to it on import, and the pages show the link."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.importing.citations import cited_references
from consultation.importing.services import import_draft_text
from consultation.models import Footnote

pytestmark = pytest.mark.django_db

DEMO_DRAFT = Path(settings.BASE_DIR) / "consultation" / "demo" / "demo_draft.txt"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
REFERENCE_DRAFT = SEEDS / "000_38559a9845985580.txt"


def ref(pk, group, number, authors, title, year, url="", doi=""):
    return SimpleNamespace(
        pk=pk, group=group, group_order=0, number=number, authors=authors, title=title, year=year, url=url, doi=doi
    )


ANNEX = [
    ref(1, "General", 1, "Farid, H.", "Facebook's plan for end-to-end encryption", 2019),
    ref(2, "General", 2, "Levy, I.; Robinson, C.", "Principles for a More Informed Exceptional Access Debate", 2018),
    ref(3, "Encryption related", 1, "Farid, H., Singh, P.", "Robust Homomorphic Image Hashing", 2019),
    ref(4, "Device related", 1, "Mayer, J.", "Content Moderation", 2019, url="https://example.org/mayer/"),
    ref(5, "Device related", 2, "Green, M.", "Client-side detection", 2020, doi="10.1145/3133956"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As shown in doi:10.1145/3133956.", [5]),
        ("See https://doi.org/10.1145/3133956 for details.", [5]),
        ("See [the paper](https://example.org/mayer) for more.", [4]),
        ("See reference 1 of encryption related solutions in annex 2.", [3]),
        ("See reference 2 of the general references in the annex.", [2]),
        ("As argued in *Principles for a more informed exceptional-access debate*.", [2]),
        ("Levy and Robinson (2018) disagree.", [2]),
        ("Mayer (2019) and Green (2020) both say so.", [4, 5]),
    ],
)
def test_a_footnote_cites_by_doi_link_pointer_title_or_author_and_year(text, expected):
    assert [r.pk for r in cited_references(text, ANNEX)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The algorithm was developed by Professor Hany Farid in 2009.",  # a surname, but no reference of that year
        "Farid (2019) showed it.",  # two references by Farid in 2019: not clear which, so none
        "Detection happens on the device.",
        "See [here](#).",
        "See reference 9 of encryption related solutions in annex 2.",  # there is no such entry
    ],
)
def test_a_footnote_that_cites_nothing_clearly_is_linked_to_nothing(text):
    assert cited_references(text, ANNEX) == []


def links(consultation) -> dict[int, list[tuple[str, int]]]:
    return {
        f.number: [(r.group, r.number) for r in f.references.order_by("group_order", "number")]
        for f in Footnote.objects.filter(consultation=consultation).prefetch_related("references")
        if f.references.exists()
    }


@pytest.fixture
def demo(consultation, secretariat):
    draft_import = import_draft_text(
        consultation=consultation,
        filename="demo_draft.txt",
        content=DEMO_DRAFT.read_text(encoding="utf-8"),
        user=secretariat,
    )
    assert draft_import.status == "done", draft_import.error
    return draft_import


def test_the_demo_drafts_footnotes_are_linked_to_the_references_they_cite(demo, consultation):
    assert links(consultation) == {4: [("General", 4)], 9: [("Encryption related", 1)]}
    assert demo.result["citations"] == 2


def test_the_draft_page_shows_a_footnotes_references_linked_to_the_references_page(
    demo, consultation, client, observer
):
    client.force_login(observer)

    html = client.get(reverse("consultation:draft", args=[consultation.slug])).content.decode()

    footnote = re.search(r'<li value="9" id="footnote-9">(.*?)</li>', html, re.S).group(1)
    references_url = reverse("consultation:references", args=[consultation.slug])
    assert (
        f'<a href="{references_url}#ref-3-1" title="Robust Homomorphic Image Hashing">Encryption related [1]</a>'
        in (footnote)
    )
    other = re.search(r'<li value="5" id="footnote-5">(.*?)</li>', html, re.S).group(1)
    assert "Cites:" not in other


def test_the_references_page_names_the_footnotes_citing_an_entry(demo, consultation, client, observer):
    client.force_login(observer)

    html = client.get(reverse("consultation:references", args=[consultation.slug])).content.decode()

    entry = re.search(r'<li value="1" id="ref-3-1">(.*?)</li>', html, re.S).group(1)
    draft_url = reverse("consultation:draft", args=[consultation.slug])
    assert "Cited in footnote\n" in entry and f'<a href="{draft_url}#footnote-9">9</a>' in entry


def test_a_reimport_follows_a_footnote_whose_citation_changed(demo, consultation, secretariat):
    text = DEMO_DRAFT.read_text(encoding="utf-8").replace("See Farid and Singh (2019).", "See Gentry (2009).")

    import_draft_text(consultation=consultation, filename="v2.txt", content=text, user=secretariat)

    assert links(consultation) == {4: [("General", 4)], 9: [("Encryption related", 4)]}


@pytest.mark.seeds
@pytest.mark.skipif(not REFERENCE_DRAFT.exists(), reason=f"the reference draft is not in {SEEDS}")
def test_the_reference_drafts_footnotes_citing_annex_entries_are_linked_exactly(consultation, secretariat):
    imported = import_draft_text(
        consultation=consultation,
        filename=REFERENCE_DRAFT.name,
        content=REFERENCE_DRAFT.read_text(encoding="utf-8"),
        user=secretariat,
    )
    assert imported.status == "done", imported.error

    # 7 names the Carnegie working group's paper by title, 29 points at "reference 1 of encryption related
    # solutions", 31 gives the CryptoImg paper's title; the other footnotes cite no annex entry.
    assert links(consultation) == {
        7: [("General", 12)],
        29: [("Encryption related", 1)],
        31: [("Encryption related", 6)],
    }
