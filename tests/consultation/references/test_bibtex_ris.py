"""Import from BibTeX and RIS, export to BibTeX: round trips keep every field; bad input saves nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from consultation.bibliography import parse_bibliography
from consultation.models import AccessEvent, Reference
from consultation.services.references import references_import
from tests.factories import ConsultationFactory

from .conftest import API

pytestmark = pytest.mark.django_db

BIBTEX = r"""
@article{abelson2024bugs,
  author = {Abelson, Harold and Anderson, Ross and {Carnegie Endowment for International Peace}},
  title = {Bugs in our Pockets: The Risks of Client-Side {Scanning}},
  journal = {Journal of Cybersecurity},
  year = 2024,
  doi = {https://doi.org/10.1093/CYBSEC/tyad020},
  url = {https://academic.oup.com/cybersecurity/article/10/1/tyad020/7590463?login=false&x=1}
}

@inproceedings{bursztein2019rethinking,
  author = {Bursztein, Elie and Bright, Travis},
  title = {Rethinking the Detection of Child Sexual Abuse Imagery on the Internet},
  booktitle = {Proceedings of the World Wide Web Conference (WWW '19)},
  year = {2019}
}

@misc{gruppo,
  author = {G{\"o}del, Kurt and M\"uller, J.},
  title = {Sicherheit \& Privatsph{\"a}re: 50\% mehr},
  howpublished = {Bericht},
  year = {2020},
  group = {Device related}
}
"""

RIS = """TY  - JOUR
AU  - Farid, Hany
AU  - Singh, Priyanka
TI  - Robust Homomorphic Image Hashing
JO  - IEEE Workshop on Information Forensics
PY  - 2019///
DO  - 10.1109/WIFS47025.2019.9035093
UR  - https://example.org/farid-singh
ER  -

TY  - RPRT
AU  - Stanford Internet Observatory
TI  - Mitigating Abuse in an End-to-End World
PB  - Stanford University
PY  - 2020
ER  -
""".replace("ER  -\n", "ER  - \n")  # the RIS end tag, as reference managers write it (with a trailing space)


def fields(entries) -> list[tuple]:
    return [(e.group, e.authors, e.title, e.year, e.venue, e.url, e.doi) for e in entries]


def annex_rows(consultation) -> list[tuple]:
    return list(
        Reference.objects.filter(consultation=consultation)
        .order_by("group_order", "number")
        .values_list("group", "authors", "title", "year", "venue", "url", "doi")
    )


def export(client, consultation) -> str:
    response = client.get(reverse("consultation:references_export", args=[consultation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{consultation.slug}-references-')
    return response.content.decode()


def test_bibtex_entries_are_read_with_latex_decoded_and_doi_normalised():
    entries = parse_bibliography(BIBTEX)

    assert fields(entries) == [
        (
            "",
            "Abelson, Harold; Anderson, Ross; Carnegie Endowment for International Peace",
            "Bugs in our Pockets: The Risks of Client-Side Scanning",
            2024,
            "Journal of Cybersecurity",
            "https://academic.oup.com/cybersecurity/article/10/1/tyad020/7590463?login=false&x=1",
            "10.1093/cybsec/tyad020",
        ),
        (
            "",
            "Bursztein, Elie; Bright, Travis",
            "Rethinking the Detection of Child Sexual Abuse Imagery on the Internet",
            2019,
            "Proceedings of the World Wide Web Conference (WWW '19)",
            "",
            "",
        ),
        ("Device related", "Gödel, Kurt; Müller, J.", "Sicherheit & Privatsphäre: 50% mehr", 2020, "Bericht", "", ""),
    ]


def test_bibtex_import_export_import_gives_the_same_entries(consultation, secretariat, client_for):
    report = references_import(consultation=consultation, text=BIBTEX, group="General")
    assert len(report.created) == 3
    first = annex_rows(consultation)

    exported = export(client_for(secretariat), consultation)
    other = ConsultationFactory()
    references_import(consultation=other, text=exported, group="Something else")

    assert annex_rows(other) == first
    assert [g for g, *_ in first] == ["General", "General", "Device related"]
    # And once more: the export of the re-import is the same file.
    assert export(client_for(secretariat), consultation) == exported.replace(other.slug, consultation.slug)


def test_ris_import_then_bibtex_export_keeps_every_field(consultation, secretariat, client_for):
    references_import(consultation=consultation, text=RIS, group="Encryption related")
    imported = annex_rows(consultation)
    assert imported == [
        (
            "Encryption related",
            "Farid, Hany; Singh, Priyanka",
            "Robust Homomorphic Image Hashing",
            2019,
            "IEEE Workshop on Information Forensics",
            "https://example.org/farid-singh",
            "10.1109/wifs47025.2019.9035093",
        ),
        (
            "Encryption related",
            "Stanford Internet Observatory",
            "Mitigating Abuse in an End-to-End World",
            2020,
            "Stanford University",
            "",
            "",
        ),
    ]

    exported = export(client_for(secretariat), consultation)

    assert "author = {{Stanford Internet Observatory}}" in exported
    assert "doi = {10.1109/wifs47025.2019.9035093}" in exported
    assert fields(parse_bibliography(exported)) == imported


def test_entries_already_in_the_annex_or_twice_in_the_file_are_skipped_and_reported(consultation):
    references_import(consultation=consultation, text=RIS)
    twice = (
        RIS
        + RIS.replace("Robust Homomorphic Image Hashing", "A different one").replace(
            "10.1109/WIFS47025.2019.9035093", "10.1109/other.1"
        )
        + RIS.replace("10.1109/WIFS47025.2019.9035093", "10.1109/other.1").replace(
            "Robust Homomorphic Image Hashing", "Yet another"
        )
    )

    report = references_import(consultation=consultation, text=twice)

    assert [e.title for e in report.to_create] == ["A different one"]
    assert len(report.duplicates) == 5
    same_file = [(entry.title, match.title) for entry, match in report.duplicates if not isinstance(match, Reference)]
    assert same_file == [("Yet another", "A different one")]  # the same DOI as an earlier entry of the file
    assert Reference.objects.count() == 3


def test_a_preview_saves_nothing(consultation):
    report = references_import(consultation=consultation, text=BIBTEX, commit=False)

    assert (len(report.to_create), report.committed, Reference.objects.count()) == (3, False, 0)


# --- bad input: a clear message, nothing saved ------------------------------------------------------------------


def test_unreadable_bibtex_is_refused_naming_its_line_and_nothing_is_saved(client_for, consultation, secretariat):
    broken = BIBTEX + "\n@misc{broken, title = {never closed\n@misc{next, title={x}}\n"

    response = client_for(secretariat).post(
        reverse("consultation:references_import", args=[consultation.slug]),
        {"text": broken, "format": "bibtex", "group": "General", "confirm": "1"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The BibTeX entry starting on line 26 cannot be read" in html
    assert "Nothing was imported." in html
    assert Reference.objects.count() == 0


def test_an_entry_without_a_title_or_with_a_bad_doi_refuses_the_whole_file(as_role, consultation):
    bad = BIBTEX + "@misc{notitle, author = {A, B.}, year = {2020}}\n@misc{baddoi, title = {T}, doi = {12.3/x}}\n"

    response = as_role("secretariat").post(
        f"{API}/consultations/{consultation.slug}/references/import/", {"text": bad}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["file"]
    assert any("notitle (line 25): it has no title" in e for e in errors)
    assert any('baddoi (line 26): "12.3/x" is not a DOI' in e for e in errors)
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"just some words, no entries", "No BibTeX entries"),
        (b"TY  - JOUR\nTI  - never ended\n", 'No RIS records ("TY  - ..." up to "ER  -")'),
    ],
)
def test_files_that_are_not_bibliographies_get_a_clear_400(as_role, consultation, payload, message):
    upload = io.BytesIO(payload)
    upload.name = "refs.bib"

    response = as_role("secretariat").post(
        f"{API}/consultations/{consultation.slug}/references/import/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert message in " ".join(response.json()["file"])
    assert Reference.objects.count() == 0


# --- the page and the API, end to end ---------------------------------------------------------------------------


def test_the_import_page_previews_then_imports_on_confirmation(client_for, consultation, secretariat):
    client = client_for(secretariat)
    url = reverse("consultation:references_import", args=[consultation.slug])
    upload = io.BytesIO(RIS.encode())
    upload.name = "farid.ris"

    preview = client.post(url, {"file": upload, "format": "auto", "group": "Encryption related"})

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview: nothing is saved yet" in html and "Robust Homomorphic Image Hashing" in html
    assert "Import 2 entries" in html
    assert Reference.objects.count() == 0

    done = client.post(url, {"text": RIS, "format": "auto", "group": "Encryption related", "confirm": "1"})

    assert done.status_code == 302
    assert Reference.objects.filter(group="Encryption related").count() == 2


def test_the_api_imports_and_previews(as_role, consultation):
    client = as_role("secretariat")
    url = f"{API}/consultations/{consultation.slug}/references/import/"

    preview = client.post(f"{url}?commit=false", {"text": BIBTEX, "group": "General"}, format="json")
    assert preview.status_code == 200
    assert (preview.json()["committed"], len(preview.json()["to_create"]), Reference.objects.count()) == (False, 3, 0)

    done = client.post(url, {"text": BIBTEX, "group": "General"}, format="json")

    assert done.status_code == 201
    assert done.json()["created"][0]["title"] == "Bugs in our Pockets: The Risks of Client-Side Scanning"
    again = client.post(url, {"text": BIBTEX}, format="json").json()
    assert again["created"] == [] and len(again["duplicates"]) == 3
    assert again["duplicates"][0]["duplicate_of"] == Reference.objects.order_by("group_order", "number").first().pk


def test_the_api_exports_bibtex_and_records_the_download(as_role, consultation, observer):
    references_import(consultation=consultation, text=RIS)

    response = as_role("observer").get(f"{API}/consultations/{consultation.slug}/references/bibtex/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert fields(parse_bibliography(response.content.decode()))[0][2] == "Robust Homomorphic Image Hashing"
    assert AccessEvent.objects.filter(consultation=consultation, user=observer, kind="download").exists()
