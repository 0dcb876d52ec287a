"""Importing a draft: what the parser reads, what the preview shows, what an import (and a re-import) writes.

``drafts/small_draft.txt`` is a made-up draft in the layout of the reference
draft: two solution groups with three solutions, the five criteria, an
overview table, an open-item marker, a reference annex with two groups,
three footnotes (one cutting a rationale in two) and an introduction that the
extraction repeated.
"""

import re
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consultation.exceptions import StateConflictError
from consultation.importing import services
from consultation.importing.parser import parse_draft
from consultation.importing.services import (
    draft_import_apply,
    draft_import_confirm,
    draft_import_preview,
    import_draft_text,
)
from consultation.importing.types import DraftParseError
from consultation.matrix import build_matrix
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Criterion,
    DraftImport,
    Footnote,
    OpenItem,
    Reference,
    Section,
    Solution,
    SolutionGroup,
)

DRAFT_PATH = Path(__file__).parent / "drafts" / "small_draft.txt"
SMALL = DRAFT_PATH.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the fixture should hold {old!r} exactly once"
    return text.replace(old, new)


def without(text: str, start: str, end: str) -> str:
    """The text with everything from the line holding ``start`` up to (not including) the line holding ``end``."""
    lines = text.splitlines(keepends=True)
    first, last = line_of(text, start) - 1, line_of(text, end) - 1
    return "".join(lines[:first] + lines[last:])


def cells(draft):
    return {a.cell: a for a in draft.assessments}


# --- reading the draft -------------------------------------------------------------------------------------


def test_the_small_draft_is_read_completely():
    draft = parse_draft(SMALL, "small_draft.txt")

    assert draft.counts() == {
        "sections": 16,
        "footnotes": 3,
        "solution_groups": 2,
        "solutions": 3,
        "criteria": 5,
        "assessments": 15,
        "ratings": 15,
        "classifications": 3,
        "open_items": 1,
        "references": 4,
        "references_by_group": {"General": 2, "Client related": 2},
    }
    assert draft.title == "Ways to flag malicious links in end-to-end encrypted chat"
    assert draft.notice.startswith("Working note for discussion only")
    assert [(g.number, g.name) for g in draft.solution_groups] == [(0, "Baseline"), (1, "Client related")]
    assert [(s.code, s.title, s.section) for s in draft.solutions] == [
        ("0a", "Server-side link scanning", "3.0.a"),
        ("0b", "No scanning", "3.0.b"),
        ("1a", "Blocklist lookup on the phone", "3.1.a"),
    ]
    assert [(c.key, c.name, c.order) for c in draft.criteria] == [
        ("effectiveness", "Effectiveness", 1),
        ("feasibility", "Feasibility", 2),
        ("privacy", "Privacy", 3),
        ("security", "Security", 4),
        ("transparency", "Transparency", 5),
    ]


def test_sections_are_numbered_once_each_although_the_introduction_is_repeated():
    draft = parse_draft(SMALL)

    assert [(s.number, s.title, s.parent) for s in draft.sections] == [
        ("1", "Introduction", None),
        ("1.1", "Purpose", "1"),
        ("1.2", "Scope", "1"),
        ("1.3", "Approach", "1"),
        ("2", "Problem definition", None),
        ("3", "Possible solutions", None),
        ("3.0", "Baseline solutions", "3"),
        ("3.0.a", "Server-side link scanning", "3.0"),
        ("3.0.b", "No scanning", "3.0"),
        ("3.1", "Client related solutions", "3"),
        ("3.1.a", "Blocklist lookup on the phone", "3.1"),
        ("4", "Overview", None),
        ("5", "Recommendations", None),
        ("A2", "Annex 2: References", None),
        ("A2.0", "General", "A2"),
        ("A2.1", "Client related solutions", "A2"),
    ]
    assert [s.order for s in draft.sections] == list(range(1, 17))
    scope = next(s for s in draft.sections if s.number == "1.2")
    assert scope.text.count("one-to-one chats") == 1
    assert not any("Working note" in s.text for s in draft.sections)


def test_the_criterion_listed_after_the_repeated_block_keeps_its_question():
    draft = parse_draft(SMALL)

    questions = {c.key: c.question for c in draft.criteria}
    assert questions["transparency"] == "how easily can the use of the option be reported and audited?"
    assert questions["effectiveness"] == "how many malicious links does the option catch?"


def test_levels_are_normalised_and_the_rationale_is_the_text_after_the_level():
    found = cells(parse_draft(SMALL))

    assert (found["0a/security"].level, found["0a/security"].rationale) == (
        "Medium/Medium-low",
        "the blocklist could quietly be extended to other sites.",
    )
    assert (found["0b/effectiveness"].level, found["0b/effectiveness"].rationale) == (
        "None",
        "as no link is ever checked.",
    )
    assert (found["0b/feasibility"].level, found["0b/feasibility"].rationale) == (
        "Not applicable",
        "(there is nothing to deploy).",
    )
    assert found["0b/security"].rationale == "since there is no mechanism to misuse."
    assert found["1a/feasibility"].level == "Low/Medium-low"
    assert found["1a/effectiveness"].level == "Medium-high"


def test_a_rationale_cut_by_a_footnote_block_is_joined_again():
    draft = parse_draft(SMALL)

    assert cells(draft)["1a/security"].rationale == (
        "a modified app could skip the check entirely, and the list itself could be extracted and studied by "
        "attackers. Rotating the list limits the damage."
    )
    footnote = next(f for f in draft.footnotes if f.number == 3)
    assert (footnote.text, footnote.section) == ("Signing the list would make tampering with it harder.", "3.1.a")
    # The section keeps its own body text; the assessment lives on as ratings, the footnote as a footnote.
    assert next(s.text for s in draft.sections if s.number == "3.1.a") == (
        "The app downloads a hashed blocklist and checks each link before showing it.\n\n"
        "The phone could also report how many links matched without saying which."
    )


def test_a_footnote_runs_over_plain_paragraphs_only_up_to_the_next_footnote():
    draft = parse_draft(SMALL)

    footnotes = {f.number: f for f in draft.footnotes}
    assert footnotes[1].text == (
        "Links posted in public channels raise other questions and are not covered here.\n\n"
        "They may be the subject of a later note."
    )
    assert footnotes[1].section == "1.2"
    scope = next(s.text for s in draft.sections if s.number == "1.2")
    assert "later note" not in scope


def test_stars_and_classifications_come_from_the_overview_table():
    draft = parse_draft(SMALL)
    found = cells(draft)

    assert found["0b/effectiveness"].stars is None
    assert found["0b/privacy"].stars == 5
    assert found["1a/feasibility"].stars == 1
    assert found["1a/effectiveness"].stars == 5
    assert {k.solution: k.value for k in draft.classifications} == {"0a": "na", "0b": "na", "1a": "needs_research"}


def test_the_open_item_marker_is_found_where_it_stands():
    draft = parse_draft(SMALL)

    [item] = draft.open_items
    assert (item.marker, item.section, item.place) == (1, "5", 'After "On possible solutions"')
    assert "experts' input" in item.prompt
    assert item.line == line_of(SMALL, "To be further completed")


def test_references_are_split_into_their_parts_and_linked_to_their_solution_group():
    draft = parse_draft(SMALL)

    references = {(r.group_order, r.number): r for r in draft.references}
    assert references[(0, 2)].authors == "Roe, R.; Poe, P."
    assert references[(0, 2)].title == "Encrypted Chat at Scale"
    assert references[(0, 2)].year == 2022
    assert references[(0, 2)].venue == "Proceedings of the Example Workshop"
    assert references[(0, 2)].url == "https://example.org/chat-at-scale"
    assert references[(1, 1)].url == ""
    assert (references[(1, 2)].authors, references[(1, 2)].title, references[(1, 2)].year) == (
        "Example Lab",
        "Hashed link lists in practice",
        2019,
    )
    assert {r.group: r.solutions for r in draft.references} == {"General": (), "Client related": ("1a",)}


def test_a_reference_group_spelled_differently_still_informs_its_solutions():
    draft = parse_draft(
        edited(SMALL, "\n1) Client related solutions\n\n1. Lee", "\n1) Client-related solutions\n\n1. Lee")
    )

    assert {r.group: r.solutions for r in draft.references} == {"General": (), "Client-related": ("1a",)}


def as_markdown(text: str) -> str:
    """The plain-text draft with Markdown headings, a pipe table and Windows line ends."""
    lines = []
    for line in text.split("\n"):
        if re.match(r"^(\d\. [A-Z ]+|ANNEX 2: REFERENCES)$", line):
            lines.append("# " + line.capitalize())
        elif line in ("Purpose", "Scope", "Approach") or re.match(r"^\d\) .*solutions$", line):
            lines.append("## " + line)
        elif re.match(r"^[a-z]\. [A-Z]", line):
            lines.append("### " + line)
        elif "\t" in line:
            lines.append("| " + " | ".join(line.split("\t")) + " |")
            if line.startswith("Type"):
                lines.append("|---" * 8 + "|")
        else:
            lines.append(line)
    return "\r\n".join(lines)


def test_the_markdown_form_of_a_draft_is_read_like_the_plain_text():
    plain, markdown = parse_draft(SMALL), parse_draft(as_markdown(SMALL))

    assert markdown.counts() == plain.counts()
    assert [s.number for s in markdown.sections] == [s.number for s in plain.sections]
    assert markdown.assessments == plain.assessments
    assert [s.title for s in markdown.sections] == [s.title for s in plain.sections]


# --- drafts the parser cannot read -------------------------------------------------------------------------


def unknown_level():
    text = edited(SMALL, " - Low: the provider sees every link that is sent.", " - Great stuff")
    line = line_of(text, "Great stuff")
    return (
        text,
        line,
        f'Line {line}: expected a level such as "High:" or "Medium-low:" after "- Privacy:", found "Great stuff".',
    )


def six_stars():
    text = edited(SMALL, "a. Phone blocklist lookup\t★★★★★\t", "a. Phone blocklist lookup\t★★★★★★\t")
    line = line_of(text, "Phone blocklist lookup")
    return text, line, f'Line {line}: expected 1 to 5 stars or "N/A" for 1a in the Effectiveness column, found 6 stars.'


def missing_criterion():
    text = edited(SMALL, "- Privacy:\n - Low: the provider sees every link that is sent.\n", "")
    line = line_of(text, "b. No scanning")
    begun = line_of(text, "Assessment:")
    return (
        text,
        line,
        f'Line {line}: expected "- Privacy:" in the assessment of solution 0a (begun on line {begun}), '
        f'found "b. No scanning".',
    )


def missing_row():
    text = without(SMALL, "\tb. No scanning\t", "1) Client related\t")
    line = line_of(text, "Type\tSolution\t")
    return (
        text,
        line,
        f'Line {line}: expected a row for solution 0b ("No scanning") in the overview table, found no such row.',
    )


MALFORMED = {
    "unknown level": unknown_level,
    "six stars": six_stars,
    "missing criterion": missing_criterion,
    "missing row": missing_row,
}


@pytest.mark.parametrize("variant", MALFORMED)
def test_a_draft_it_cannot_read_is_refused_naming_the_line_and_what_was_expected(variant):
    text, line, message = MALFORMED[variant]()

    with pytest.raises(DraftParseError) as refused:
        parse_draft(text, "broken.txt")

    assert refused.value.line == line
    assert str(refused.value) == message


@pytest.mark.django_db
@pytest.mark.parametrize("variant", MALFORMED)
def test_a_draft_it_cannot_read_saves_nothing(variant, consultation, secretariat):
    text, _line, _message = MALFORMED[variant]()

    with pytest.raises(DraftParseError):
        draft_import_preview(consultation=consultation, filename="broken.txt", content=text, user=secretariat)

    assert not DraftImport.objects.exists()
    assert not Section.objects.exists()
    assert not Solution.objects.exists()


def test_a_text_without_numbered_headings_is_refused_at_its_first_line():
    with pytest.raises(DraftParseError, match=r'^Line 2: expected a numbered heading .*, found "Just a note."'):
        parse_draft("\nJust a note.\n")


# --- previewing and importing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_shows_what_would_be_created_before_anything_is_saved(consultation, secretariat):
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )

    assert draft_import.status == "previewed"
    assert draft_import.preview["counts"]["solutions"] == 3
    assert draft_import.preview["created"] == {
        "sections": 16,
        "footnotes": 3,
        "solution_groups": 2,
        "solutions": 3,
        "criteria": 5,
        "assessments": 15,
        "classifications": 3,
        "open_items": 1,
        "references": 4,
    }
    assert draft_import.preview["changed"] == []
    assert draft_import.preview["unchanged"] is False
    assert {"cell": "1a/effectiveness", "level": "Medium-high", "stars": 5, "expected": "4★"} in (
        draft_import.preview["disagreements"]
    )
    assert not Solution.objects.exists()
    assert not AssessmentRevision.objects.exists()


@pytest.mark.django_db
def test_importing_the_small_draft_writes_the_whole_structure(consultation, secretariat):
    draft_import = import_draft_text(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )

    assert (draft_import.status, draft_import.progress) == ("done", 100)
    assert Section.objects.filter(consultation=consultation).count() == 16
    assert Section.objects.get(consultation=consultation, number="3.1.a").parent.number == "3.1"
    assert Footnote.objects.get(consultation=consultation, number=3).section.number == "3.1.a"
    assert SolutionGroup.objects.filter(consultation=consultation).count() == 2
    assert list(Solution.objects.filter(consultation=consultation).values_list("code", flat=True)) == [
        "0a",
        "0b",
        "1a",
    ]
    assert Criterion.objects.filter(consultation=consultation).count() == 5
    cell = Assessment.objects.get(solution__code="0a", criterion__key="security")
    assert (cell.level, cell.stars, cell.revision, cell.changed_by) == ("Medium/Medium-low", 2, 1, secretariat)
    revision = cell.revisions.get()
    assert (revision.source, revision.reason, revision.draft_import) == (
        "import",
        "Imported from small_draft.txt",
        draft_import,
    )
    assert Classification.objects.get(solution__code="1a").value == "needs_research"
    item = OpenItem.objects.get(consultation=consultation)
    assert (item.import_marker, item.section.number, item.status) == (1, "5", "open")
    assert Reference.objects.filter(consultation=consultation).count() == 4
    assert sorted(Solution.objects.get(code="1a").references.values_list("title", flat=True)) == [
        "Hashed link lists in practice",
        "Local Blocklists on Mobile Devices",
    ]
    matrix = build_matrix(consultation)
    assert [(s.code, c.key) for s, c, _cell in matrix.disagreements] == [("1a", "effectiveness")]


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_no_revision(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)

    again = import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)

    assert again.preview["unchanged"] is True
    assert again.preview["changed"] == []
    assert again.result["revisions"] == {"assessments": 0, "classifications": 0}
    assert AssessmentRevision.objects.count() == 15
    assert ClassificationRevision.objects.count() == 3
    assert Section.objects.count() == 16


@pytest.mark.django_db
def test_an_edited_copy_creates_revisions_only_for_what_changed(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    later = edited(SMALL, "a. Server-side scanning\t★★★★★\t★★★★★\t★\t", "a. Server-side scanning\t★★★★★\t★★★★★\t★★\t")
    later = edited(later, "★★\t★★\tNeeds research", "★★\t★★\tTop 3")

    preview = draft_import_preview(consultation=consultation, filename="v2.txt", content=later, user=secretariat)
    draft_import_apply(draft_import_id=preview.pk)

    assert preview.preview["changed"] == [
        {"kind": "assessment", "key": "0a/privacy", "field": "stars", "from": 1, "to": 2},
        {"kind": "classification", "key": "1a", "field": "value", "from": "needs_research", "to": "top3"},
    ]
    assert AssessmentRevision.objects.count() == 16
    privacy = Assessment.objects.get(solution__code="0a", criterion__key="privacy")
    assert (privacy.stars, privacy.revision) == (2, 2)
    assert privacy.revisions.get(number=2).reason == "Imported from v2.txt"
    assert ClassificationRevision.objects.count() == 4
    assert Classification.objects.get(solution__code="1a").get_value_display() == "Top 3"


@pytest.mark.django_db
def test_a_solution_dropped_from_a_later_draft_is_retired_not_deleted(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    later = without(SMALL, "b. No scanning", "1) Client related solutions")
    later = without(later, "\tb. No scanning\t", "1) Client related\t")

    draft_import = import_draft_text(consultation=consultation, filename="v2.txt", content=later, user=secretariat)

    assert draft_import.preview["retired"] == {"solutions": ["0b"], "criteria": []}
    dropped = Solution.objects.get(consultation=consultation, code="0b")
    assert dropped.retired_at is not None
    assert dropped.assessments.count() == 5
    assert [s.code for s in build_matrix(consultation).solutions] == ["0a", "1a"]
    # The section stays (input may point at it) but moves after the draft's own.
    assert Section.objects.get(consultation=consultation, number="3.0.b").order == 16


@pytest.mark.django_db
def test_reimporting_keeps_what_the_secretariat_decided_about_an_open_item(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    OpenItem.objects.filter(consultation=consultation).update(
        status="resolved", resolution="Settled at the May meeting.", prompt="Which pilots first?"
    )
    later = edited(SMALL, "On possible solutions:", "On the options:")

    import_draft_text(consultation=consultation, filename="v2.txt", content=later, user=secretariat)

    item = OpenItem.objects.get(consultation=consultation)
    assert (item.status, item.resolution, item.prompt) == (
        "resolved",
        "Settled at the May meeting.",
        "Which pilots first?",
    )
    assert item.place == 'After "On the options"'


@pytest.mark.django_db
def test_applying_an_import_twice_changes_nothing_the_second_time(consultation, secretariat):
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )
    draft_import_apply(draft_import_id=draft_import.pk)

    again = draft_import_apply(draft_import_id=draft_import.pk)

    assert again.status == "done"
    assert AssessmentRevision.objects.count() == 15


@pytest.mark.django_db
def test_a_failure_while_writing_marks_the_import_failed_and_keeps_nothing(consultation, secretariat, monkeypatch):
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the reference table is unavailable")

    monkeypatch.setattr(services, "_write_references", broken)

    result = draft_import_apply(draft_import_id=draft_import.pk)

    draft_import.refresh_from_db()
    assert (result.status, draft_import.status) == ("failed", "failed")
    assert draft_import.error == "the reference table is unavailable"
    assert not Section.objects.exists()
    assert not Solution.objects.exists()
    assert not AssessmentRevision.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_others_see_the_progress_while_the_import_runs_but_none_of_its_data(consultation, secretariat, monkeypatch):
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )
    seen = {}
    write_references = services._write_references

    def watched(*args, **kwargs):
        def look_from_another_connection():
            try:
                watched_import = DraftImport.objects.get(pk=draft_import.pk)
                seen["status"], seen["progress"] = watched_import.status, watched_import.progress
                seen["sections"] = Section.objects.filter(consultation=consultation).count()
            finally:
                connection.close()

        watcher = threading.Thread(target=look_from_another_connection)
        watcher.start()
        watcher.join()
        write_references(*args, **kwargs)

    monkeypatch.setattr(services, "_write_references", watched)

    draft_import_apply(draft_import_id=draft_import.pk)

    assert seen["status"] == "running"
    assert 50 < seen["progress"] < 100
    assert seen["sections"] == 0
    draft_import.refresh_from_db()
    assert (draft_import.status, draft_import.progress) == ("done", 100)


@pytest.mark.django_db
def test_confirming_queues_the_import_once_committed_and_only_once(
    consultation, secretariat, django_capture_on_commit_callbacks
):
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirmed = draft_import_confirm(draft_import=draft_import, user=secretariat)

    assert confirmed.status == "queued"
    assert len(callbacks) == 1
    with pytest.raises(StateConflictError, match="only a previewed import can be confirmed"):
        draft_import_confirm(draft_import=draft_import, user=secretariat)


# --- the management command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_with_dry_run_reports_and_saves_nothing(consultation):
    out = StringIO()

    call_command("import_draft", str(DRAFT_PATH), "--consultation", consultation.slug, "--dry-run", stdout=out)

    assert "Read 16 sections, 3 footnotes" in out.getvalue()
    assert "Text and stars disagree: 1a/effectiveness is Medium-high but shows 5 stars." in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert not DraftImport.objects.exists()
    assert not Solution.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_the_draft_as_the_given_user(consultation, secretariat):
    out = StringIO()

    call_command("import_draft", str(DRAFT_PATH), "--consultation", consultation.slug, "--user", "sec", stdout=out)

    assert "15 rating and 3 classification revisions" in out.getvalue()
    assert DraftImport.objects.get().created_by == secretariat
    assert AssessmentRevision.objects.filter(created_by=secretariat).count() == 15


@pytest.mark.django_db
def test_the_command_names_the_line_it_cannot_read(consultation, tmp_path):
    text, _line, message = unknown_level()
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_draft", str(path), "--consultation", consultation.slug)

    assert str(refused.value) == f"broken.txt: {message}"
    assert not Solution.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_consultation_and_a_file_that_is_not_utf8(consultation, tmp_path):
    with pytest.raises(CommandError, match='No consultation with the slug "nope"'):
        call_command("import_draft", str(DRAFT_PATH), "--consultation", "nope")

    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Résumé".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_draft", str(latin1), "--consultation", consultation.slug)
