"""Importing a draft from a Word document (.docx), and which files an upload takes.

The Word documents are written here with python-docx from ``drafts/small_draft.txt``
as its authors would have written it in Word: a Title, numbered headings
(Heading 1 numbered by Word), sub-headings, the criteria and the references as
numbered lists, the assessments as bulleted lists on two levels, bold and
italic runs, a hyperlink, real Word footnotes and the overview table as a Word
table whose "Type" cells are merged down. What a PDF extraction added to the
text file (the repeated page, the page break cutting a rationale) is not in it.
"""

import dataclasses
import html
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement

from consultation.importing.docx import UNREADABLE, WordDocumentError, docx_to_text
from consultation.importing.parser import parse_draft
from consultation.importing.uploads import DraftUploadError, read_draft_upload
from consultation.models import DraftImport, DraftImportStatus, Solution
from tests.consultation.test_import_draft import as_markdown

DRAFT_PATH = Path(__file__).parent / "drafts" / "small_draft.txt"
SMALL = DRAFT_PATH.read_text(encoding="utf-8")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
API_IMPORT = "/api/v1/drafts/import/"


# --- writing Word documents ------------------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_runs(paragraph, text: str) -> None:
    """Runs for Markdown-ish text: **bold**, *italic*, [*title*](url) links, superscript digits as footnote marks."""
    pattern = re.compile(
        rf"\[\*(?P<link>.+?)\*\]\((?P<url>[^)]*)\)|\*\*(?P<bold>.+?)\*\*|\*(?P<italic>.+?)\*|(?P<note>[{SUPERSCRIPTS}]+)"
    )
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        if match.group("link") is not None:
            add_hyperlink(paragraph, match.group("link"), match.group("url"), italic=True)
        elif match.group("bold") is not None:
            paragraph.add_run(match.group("bold")).bold = True
        elif match.group("italic") is not None:
            paragraph.add_run(match.group("italic")).italic = True
        else:
            add_footnote_reference(
                paragraph, int(match.group("note").translate(str.maketrans(SUPERSCRIPTS, "0123456789")))
            )
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def add_hyperlink(paragraph, text: str, url: str, *, italic: bool = False) -> None:
    if not url.startswith("http"):  # "#": the extraction lost the link; in Word it is plain italic text
        paragraph.add_run(text).italic = italic
        return
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink", {qn("r:id"): rel_id})
    run = OxmlElement("w:r")
    if italic:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:i"))
        run.append(properties)
    run_text = OxmlElement("w:t")
    run_text.text = text
    run.append(run_text)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def add_footnote_reference(paragraph, note_id: int) -> None:
    run = paragraph.add_run()
    run.font.superscript = True
    run._r.append(OxmlElement("w:footnoteReference", {qn("w:id"): str(note_id)}))


def add_footnotes(document, notes: dict[int, list[str]]) -> None:
    """Word footnotes (the part python-docx does not write): Word's two separators, then one footnote per id."""
    body = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote>",
    ]
    for note_id, paragraphs in notes.items():
        xml = [f'<w:footnote w:id="{note_id}">']
        for index, text in enumerate(paragraphs):
            mark = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>' if index == 0 else ""
            xml.append(f'<w:p>{mark}<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p>')
        body.append("".join(xml) + "</w:footnote>")
    blob = f"<w:footnotes {nsdecls('w')}>{''.join(body)}</w:footnotes>".encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def numbering_of(document):
    return document.part.numbering_part.element


def restarted_list(document, style: str) -> int:
    """A new numbering instance of a list style's definition, starting again at 1: Word's "Restart at 1"."""
    numbering = numbering_of(document)
    style_num = int(document.styles[style].element.pPr.numPr.numId.val)
    definition = numbering.num_having_numId(style_num).abstractNumId.val
    instance = numbering.add_num(definition)
    instance.add_lvlOverride(ilvl=0).add_startOverride(1)
    return instance.numId


def numbered_headings(document) -> int:
    """Numbering "1.", "2.", ... for Heading 1 paragraphs, as Word's heading numbering does it."""
    numbering = numbering_of(document)
    definition = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
        "</w:abstractNum>"
    )
    numbering.insert(numbering.index(numbering.find(qn("w:num"))), definition)
    return numbering.add_num(90).numId


def set_numbering(paragraph, num_id: int, level: int = 0) -> None:
    properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    properties.get_or_add_numId().val = num_id
    properties.get_or_add_ilvl().val = level


# --- the small draft as written in Word ------------------------------------------------------------------------


def as_written_in_word(text: str) -> tuple[list[str], dict[int, list[str]]]:
    """The draft's paragraphs and footnotes without what the PDF extraction added.

    The extraction repeated the first page and a page break left footnote ³ in
    the middle of a rationale, whose rest ("extracted and ...") follows it.
    """
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    repeat = paragraphs.index(paragraphs[0], 1)
    length = next(n for n in range(len(paragraphs)) if paragraphs[n] != paragraphs[repeat + n])
    paragraphs = paragraphs[:repeat] + paragraphs[repeat + length :]
    kept: list[str] = []
    notes: dict[int, list[str]] = {}
    last_note = None
    for index, paragraph in enumerate(paragraphs):
        if match := re.match(rf"^([{SUPERSCRIPTS}]+) (.*)$", paragraph, re.S):
            last_note = int(match.group(1).translate(str.maketrans(SUPERSCRIPTS, "0123456789")))
            notes[last_note] = [match.group(2)]
        elif last_note is not None and paragraph[0].islower():  # the rest of the cut rationale
            kept[-1] = f"{kept[-1]} {paragraph}"
            last_note = None
        elif last_note is not None and re.match(rf"^[{SUPERSCRIPTS}]", paragraphs[index + 1]):
            notes[last_note].append(paragraph)  # a footnote's second paragraph
        else:
            kept.append(paragraph)
            last_note = None
    return kept, notes


def small_draft_docx(text: str = SMALL) -> bytes:
    paragraphs, notes = as_written_in_word(text)
    document = docx.Document()
    headings = numbered_headings(document)
    references = None
    for index, paragraph in enumerate(paragraphs):
        lines = paragraph.split("\n")
        if "\t" in lines[0]:
            add_overview_table(document, [line.split("\t") for line in lines])
            continue
        for line in lines:
            if index == 1:
                document.add_heading(line, level=0)
            elif match := re.match(r"^\d\. ([A-Z][A-Z ]+)$", line):
                set_numbering(document.add_heading(match.group(1).capitalize(), level=1), headings)
            elif match := re.match(r"^ANNEX (\d): ([A-Z]+)$", line):
                document.add_heading(f"Annex {match.group(1)}: {match.group(2).capitalize()}", level=1)
                references = "annex"
            elif re.match(r"^\d\) ", line) or re.match(r"^[A-Z][a-z]+$", line):
                document.add_heading(line, level=2)
                if references:
                    references = restarted_list(document, "List Number")
            elif re.match(r"^[a-z]\. [A-Z]", line):
                document.add_heading(line, level=3)
            elif match := re.match(r"^\d\. (.*)$", line):
                item = document.add_paragraph(style="List Number")
                add_runs(item, match.group(1))
                if references:
                    set_numbering(item, references)
            elif match := re.match(r"^(?:- |➤ )(.*)$", line):
                add_runs(document.add_paragraph(style="List Bullet"), match.group(1))
            elif match := re.match(r"^ - (.*)$", line):
                add_runs(document.add_paragraph(style="List Bullet 2"), match.group(1))
            else:
                add_runs(document.add_paragraph(), line)
    add_footnotes(document, notes)
    return docx_bytes(document)


def add_overview_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).paragraphs[0].add_run(value).bold = r == 0
    for r in range(1, len(rows)):
        if not rows[r][0]:  # the group's cell is merged down over its further solutions
            top = next(t for t in range(r, 0, -1) if rows[t][0])
            table.cell(top, 0).merge(table.cell(r, 0))


def without_lines(draft):
    """The parsed draft with what differs between the two files set aside: line numbers, spacing, and the
    text file's "[title](#)", a link that the PDF extraction lost and that the Word document does not have."""

    def strip(records):
        return [dataclasses.replace(record, line=0) for record in records]

    def text(value: str) -> str:
        return " ".join(re.sub(r"\[(\*[^]]+\*)\]\(#\)", r"\1", value).split())

    return {
        "title": draft.title,
        "notice": draft.notice,
        "counts": draft.counts(),
        "sections": [(s.number, s.title, s.parent, s.order, text(s.text)) for s in draft.sections],
        "footnotes": [(f.number, f.section, text(f.text)) for f in draft.footnotes],
        "solution_groups": draft.solution_groups,
        "solutions": strip(draft.solutions),
        "criteria": strip(draft.criteria),
        "assessments": strip(draft.assessments),
        "classifications": strip(draft.classifications),
        "open_items": strip(draft.open_items),
        "references": strip(draft.references),
    }


@pytest.fixture(scope="module")
def small_docx() -> bytes:
    return small_draft_docx()


# --- what the Word document is read into ----------------------------------------------------------------------


def test_the_word_form_of_the_small_draft_is_read_exactly_like_its_text(small_docx):
    from_text = parse_draft(SMALL, "small_draft.txt")
    from_word = parse_draft(docx_to_text(small_docx), "small_draft.docx")

    assert from_word.counts() == from_text.counts()
    assert without_lines(from_word) == without_lines(from_text)
    assert [(a.cell, a.level, a.stars) for a in from_word.assessments] == [
        (a.cell, a.level, a.stars) for a in from_text.assessments
    ]
    assert [(c.solution, c.value) for c in from_word.classifications] == [
        ("0a", "na"),
        ("0b", "na"),
        ("1a", "needs_research"),
    ]


def test_the_text_read_from_word_has_markdown_headings_numbers_bullets_and_the_table(small_docx):
    text = docx_to_text(small_docx)

    assert text.startswith(
        "Working note for discussion only; please do not pass it on without the authors' agreement.\n\n"
        "# Ways to flag malicious links in end-to-end encrypted chat\n\n# 1. Introduction\n\n## Purpose\n\n"
    )
    assert "\n\n1. **Effectiveness**: how many malicious links does the option catch?\n\n" in text
    assert "\n\n5. **Transparency:** how easily can the use of the option be reported and audited?\n\n" in text
    assert "\n\n# 2. Problem definition\n\n" in text and "\n\n# Annex 2: References\n\n" in text
    assert "\n\n- Effectiveness:\n\n - High: every link is checked against the complete blocklist.\n\n" in text
    # Footnotes follow the paragraph that refers to them; the references are numbered again from 1 per group.
    assert (
        "malware¹ sent in **one-to-one chats**². Group channels are left aside for now.\n\n"
        "¹ Links posted in public channels raise other questions and are not covered here.\n"
        "They may be the subject of a later note.\n\n² Volumes of phishing links"
    ) in text
    assert "- Security³:\n\n³ Signing the list would make tampering with it harder.\n\n - Medium-low:" in text
    assert "\tN/A\n\tb. No scanning\tN/A\tN/A\t★★★★★\tN/A\tN/A\tN/A\n1) Client related\ta. Phone" in text
    assert "2. Roe, R.; Poe, P.; [*Encrypted Chat at Scale*](https://example.org/chat-at-scale), Proceed" in text
    assert "\n\n## 1) Client related solutions\n\n1. Lee, K., *Local Blocklists on Mobile Devices*, Ex" in text


def test_word_paragraphs_become_the_plain_text_form_the_parser_reads():
    document = docx.Document()
    document.add_paragraph("Notice.")
    document.add_heading("A title", level=0)
    document.add_heading("1. INTRODUCTION", level=1)
    paragraph = document.add_paragraph("Plain, ")
    paragraph.add_run("bo").bold = True
    paragraph.add_run("ld ").bold = True  # Word splits runs anywhere: one bold span all the same
    paragraph.add_run("and ")
    both = paragraph.add_run("both")
    both.bold = both.italic = True
    paragraph.add_run(" and a mark")
    paragraph.add_run("4").font.superscript = True
    paragraph.add_run(".")
    typed_note = document.add_paragraph()
    typed_note.add_run("4").font.superscript = True
    typed_note.add_run(" A footnote typed as a paragraph.")
    lettered = numbered_headings(document)
    set_numbering(document.add_paragraph("First"), lettered, level=1)
    set_numbering(document.add_paragraph("Second"), lettered, level=1)
    document.add_heading("A fourth-level heading", level=4)
    document.add_paragraph("")  # empty paragraphs leave nothing
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["Type", "Solution", "Overall"], strict=True):
        cell.text = value
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Spanning two"
    table.cell(1, 2).text = "Top 3"

    assert docx_to_text(docx_bytes(document)) == (
        "Notice.\n\n# A title\n\n# 1. INTRODUCTION\n\n"
        "Plain, **bold** and ***both*** and a mark⁴.\n\n⁴ A footnote typed as a paragraph.\n\n"
        " a) First\n\n b) Second\n\nA fourth-level heading\n\n"
        "Type\tSolution\tOverall\nSpanning two\t\tTop 3\n"
    )


def test_deleted_text_of_tracked_changes_is_left_out_and_inserted_text_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("Kept ")
    inserted = OxmlElement("w:ins", {qn("w:id"): "1", qn("w:author"): "A"})
    inserted.append(document.add_paragraph("inserted")._p.r_lst[0])
    deleted = parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="A"><w:r><w:delText> deleted</w:delText></w:r></w:del>'
    )
    paragraph._p.append(inserted)
    paragraph._p.append(deleted)
    document.element.body.remove(document.paragraphs[1]._p)

    assert docx_to_text(docx_bytes(document)) == "Kept inserted\n"


# --- files that are refused -------------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A small zip that unpacks to 60 MB of zeros in word/document.xml."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w") as member,
    ):
        for _ in range(60):
            member.write(bytes(1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda docx_file: docx_file[: len(docx_file) // 2], id="cut short"),
        pytest.param(lambda docx_file: zip_of({"notes.txt": b"not a Word document"}), id="another zip"),
        pytest.param(
            lambda docx_file: docx_file.replace(b"word/document.xml", b"word/documenx.xml"), id="damaged inside"
        ),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused_with_a_clear_message(small_docx, data):
    with pytest.raises(WordDocumentError) as refused:
        docx_to_text(data(small_docx))

    assert str(refused.value).startswith(f"{UNREADABLE}: ")
    assert "Save the draft again as .docx, .md or .txt" in str(refused.value)


def test_a_zip_bomb_is_refused_before_python_docx_opens_it(monkeypatch):
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    monkeypatch.setattr(docx, "Document", lambda *args: pytest.fail("python-docx opened the zip bomb"))

    with pytest.raises(WordDocumentError) as refused:
        docx_to_text(bomb)

    assert str(refused.value).startswith(f"{UNREADABLE}: it would unpack to 60.0\xa0MB")
    assert refused.value.code == "docx_too_large"


def test_an_archive_of_more_than_a_thousand_files_is_refused():
    with pytest.raises(WordDocumentError, match="it holds 1,001 files inside; a Word document may hold at most 1,000"):
        docx_to_text(zip_of({f"word/media/{n}.xml": b"" for n in range(1001)}))


def test_uploads_are_told_apart_by_content_not_by_name(small_docx):
    assert read_draft_upload("draft.txt", small_docx) == docx_to_text(small_docx)
    assert read_draft_upload("draft.docx", "\ufeff1. INTRODUCTION\n".encode()) == "1. INTRODUCTION\n"
    assert read_draft_upload("draft.md", b"# 1. Introduction\r\n") == "# 1. Introduction\r\n"


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("draft.txt", "Caf\xe9".encode("latin-1"), "not_utf8", "The file is not UTF-8 text (byte 0xe9 at position 3"),
        ("draft.txt", b"1. INTRO\x00DUCTION", "binary", "The file looks like a binary document"),
        ("draft.pdf", b"%PDF-1.7\n...", "binary", "The file is a PDF"),
        ("draft.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "binary", "The file is an older Word document (.doc)"),
        ("draft.docx", b"\xff\xfe not a zip", "not_docx", f"{UNREADABLE}, nor UTF-8 text."),
        ("draft.txt", b" \n\n", "empty", "The file is empty."),
    ],
)
def test_an_upload_that_is_neither_word_nor_utf8_text_is_refused_saying_why(name, data, code, message):
    with pytest.raises(DraftUploadError) as refused:
        read_draft_upload(name, data)

    assert refused.value.code == code
    assert str(refused.value).startswith(message)


def test_a_word_document_without_text_is_refused():
    with pytest.raises(DraftUploadError, match=r"^The Word document holds no text\.$"):
        read_draft_upload("empty.docx", docx_bytes(docx.Document()))


# --- through the upload page, the API and the command -----------------------------------------------------------


@pytest.fixture
def upload_url(consultation):
    return reverse("consultation:import", args=[consultation.slug])


def upload_page(client, url: str, data: bytes, name: str):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def field_error(response) -> str:
    """The text of the error under the file field."""
    match = re.search(r'<div class="field-error" id="id_file_error">(.*?)</div>', response.content.decode(), re.S)
    assert match, "no error under the file field"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


@pytest.mark.django_db
def test_the_upload_page_says_it_takes_word_documents(client, secretariat, upload_url):
    client.force_login(secretariat)
    html = client.get(upload_url).content.decode()

    assert re.search(r'accept="[^"]*\.docx', html)
    assert ".txt, .md or .docx" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["small_draft.docx", "renamed.txt"])
def test_a_word_document_uploaded_on_the_page_is_previewed_like_the_text(
    client, consultation, secretariat, upload_url, small_docx, name
):
    client.force_login(secretariat)
    response = upload_page(client, upload_url, small_docx, name)

    draft_import = DraftImport.objects.get(consultation=consultation)
    assert response.status_code == 302, field_error(response)
    assert response.url == reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    assert (draft_import.status, draft_import.filename) == (DraftImportStatus.PREVIEWED, name)
    assert draft_import.content == docx_to_text(small_docx)
    assert draft_import.preview["counts"] == parse_draft(SMALL).counts()
    assert not Solution.objects.filter(consultation=consultation).exists()


@pytest.mark.django_db
def test_the_markdown_draft_uploaded_on_the_page_is_previewed_like_the_text(
    client, consultation, secretariat, upload_url
):
    client.force_login(secretariat)
    response = upload_page(client, upload_url, as_markdown(SMALL).encode(), "small_draft.md")

    assert response.status_code == 302
    assert DraftImport.objects.get(consultation=consultation).preview["counts"] == parse_draft(SMALL).counts()


def with_unknown_level(text: str) -> str:
    assert text.count(" - Low: the provider sees every link that is sent.") == 1
    return text.replace(" - Low: the provider sees every link that is sent.", " - Great stuff")


@pytest.mark.django_db
def test_a_line_error_in_a_word_document_names_the_line_of_the_text_read_from_it(
    client, consultation, secretariat, upload_url
):
    broken = small_draft_docx(with_unknown_level(SMALL))
    line = docx_to_text(broken).splitlines().index(" - Great stuff") + 1
    client.force_login(secretariat)

    response = upload_page(client, upload_url, broken, "broken.docx")

    assert response.status_code == 200
    assert (
        f'Line {line} of the text read from the Word document: expected a level such as "High:" or "Medium-low:" '
        'after "- Privacy:", found "Great stuff".'
    ) in field_error(response)
    assert not DraftImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: small_draft_docx()[:5000], f"{UNREADABLE}: it looks like a binary document"),
        (zip_bomb, f"{UNREADABLE}: it would unpack to 60.0\xa0MB"),
    ],
    ids=["damaged", "zip bomb"],
)
def test_a_damaged_word_document_or_a_zip_bomb_is_refused_on_the_page_and_nothing_is_saved(
    client, secretariat, upload_url, data, message
):
    client.force_login(secretariat)

    response = upload_page(client, upload_url, data(), "draft.docx")

    assert response.status_code == 200
    assert message in field_error(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not DraftImport.objects.exists()


@pytest.mark.django_db
def test_text_read_from_a_word_document_is_held_to_the_upload_limit(client, secretariat, upload_url, settings):
    document = docx.Document()
    document.add_heading("1. INTRODUCTION", level=1)
    for _ in range(2000):
        document.add_paragraph("The same sentence again, which compresses very well in a zip archive.")
    data = docx_bytes(document)
    settings.DRAFT_UPLOAD_MAX_BYTES = len(data) + 1000
    client.force_login(secretariat)

    response = upload_page(client, upload_url, data, "long.docx")

    assert re.search(
        r"The text read from the Word document is [0-9.]+\xa0KB; drafts can be at most", field_error(response)
    )
    assert not DraftImport.objects.exists()


@pytest.mark.django_db
def test_the_api_previews_a_word_document(client, consultation, secretariat, small_docx):
    client.force_login(secretariat)

    response = client.post(
        f"{API_IMPORT}?commit=false",
        {"file": SimpleUploadedFile("small_draft.docx", small_docx), "consultation": consultation.slug},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["filename"]) == ("previewed", "small_draft.docx")
    assert body["preview"]["counts"] == parse_draft(SMALL).counts()
    assert not Solution.objects.filter(consultation=consultation).exists()


@pytest.mark.django_db
def test_the_api_refuses_a_zip_bomb_with_a_400_and_saves_nothing(client, consultation, secretariat):
    client.force_login(secretariat)

    response = client.post(
        f"{API_IMPORT}?commit=false",
        {"file": SimpleUploadedFile("draft.docx", zip_bomb()), "consultation": consultation.slug},
    )

    assert response.status_code == 400, response.content
    assert response.json()["file"][0].startswith(f"{UNREADABLE}: it would unpack to 60.0\xa0MB")
    assert not DraftImport.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_word_document_and_refuses_a_damaged_one(consultation, small_docx, tmp_path):
    path = tmp_path / "small_draft.docx"
    path.write_bytes(small_docx)
    out = io.StringIO()

    call_command("import_draft", str(path), "--consultation", consultation.slug, "--dry-run", stdout=out)

    assert out.getvalue().startswith("Read 16 sections, 3 footnotes, 2 solution groups, 3 solutions, 5 criteria")
    path.write_bytes(small_docx[:5000])
    with pytest.raises(CommandError, match=re.escape(f"small_draft.docx: {UNREADABLE}: ")):
        call_command("import_draft", str(path), "--consultation", consultation.slug)
    assert not DraftImport.objects.exists()
