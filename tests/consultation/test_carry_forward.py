"""Re-importing an edited draft carries every link into the old draft forward, or lists it for the secretariat.

The demo draft is imported, excerpts, input and open items are linked to its
sections, solutions, criteria and cells, then an edited draft is imported:
a section inserted (the later ones renumbered), a solution dropped, a
criterion renamed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.importing.services import import_draft_text
from consultation.models import (
    Assessment,
    Criterion,
    OpenItem,
    Reattachment,
    ReattachmentStatus,
    Section,
    Solution,
)
from evidence.models import Excerpt, SourceDocument, SourceVersion, Stance
from tests.evidence.factories import draft_of

pytestmark = pytest.mark.django_db

DEMO = (Path(settings.BASE_DIR) / "consultation" / "demo" / "demo_draft.txt").read_text(encoding="utf-8")

# A new sub-heading after "Purpose": Scope and Approach move from 1.2/1.3 to 1.3/1.4.
NEW_SUBHEADING = "Background\n\nThe question has been debated for some years among engineers and lawmakers.\n\n"


def edited_demo() -> str:
    text = DEMO.replace("Scope\n\nThe paper deals", NEW_SUBHEADING + "Scope\n\nThe paper deals", 1)
    # Drop solution 2b: its section up to 2c, and its row of the overview table.
    start, end = text.index("b. Single third-party matching"), text.index("c. Multiple third-parties matching")
    text = text[:start] + text[end:]
    row_start = text.index("\tb. One outside matcher\t")
    text = text[:row_start] + text[text.index("\n", row_start) + 1 :]
    # Rename a criterion: Transparency becomes Accountability everywhere (a new key, the old one retired).
    text = text.replace("Transparency", "Accountability")
    assert text != DEMO
    return text


def section(consultation, number: str) -> Section:
    return Section.objects.get(consultation=consultation, number=number)


def cell(consultation, code: str, key: str) -> Assessment:
    return Assessment.objects.get(consultation=consultation, solution__code=code, criterion__key=key)


def excerpt_in(consultation, user) -> Excerpt:
    source = SourceDocument.objects.create(consultation=consultation, title="A later paper", added_by=user)
    version = SourceVersion.objects.create(source=source, number=1, text="Scanning before encryption.", created_by=user)
    return Excerpt.objects.create(
        consultation=consultation,
        source=source,
        source_version=version,
        quote="Scanning before encryption",
        start=0,
        end=26,
        stance=Stance.LOWER,
        created_by=user,
    )


@pytest.fixture
def linked(consultation, secretariat, expert):
    """The demo draft with an excerpt, a piece of input and an open item linked into it."""
    first = import_draft_text(consultation=consultation, filename="demo_draft.txt", content=DEMO, user=secretariat)
    assert first.status == "done", first.error
    scope, approach = section(consultation, "1.2"), section(consultation, "1.3")
    assert (scope.title, approach.title) == ("Scope", "Approach")
    excerpt = excerpt_in(consultation, secretariat)
    excerpt.sections.add(scope)
    excerpt.solutions.add(Solution.objects.get(consultation=consultation, code="2b"))
    excerpt.criteria.add(Criterion.objects.get(consultation=consultation, key="transparency"))
    excerpt.cells.add(cell(consultation, "1b", "transparency"), cell(consultation, "1b", "privacy"))
    submission = draft_of(expert, consultation, title="On the approach")
    submission.sections.add(approach)
    submission.solutions.add(Solution.objects.get(consultation=consultation, code="1b"))
    item = OpenItem.objects.create(
        consultation=consultation,
        section=scope,
        prompt="Is the scope right?",
        assessment=cell(consultation, "2b", "privacy"),
    )
    return {"excerpt": excerpt, "submission": submission, "item": item, "scope": scope, "approach": approach}


@pytest.fixture
def reimported(linked, consultation, secretariat):
    second = import_draft_text(
        consultation=consultation, filename="demo_v2.txt", content=edited_demo(), user=secretariat
    )
    assert second.status == "done", second.error
    return {**linked, "import": second}


def test_a_renumbered_section_takes_its_links_along_by_its_title(reimported, consultation):
    scope_now, approach_now = section(consultation, "1.3"), section(consultation, "1.4")
    assert (scope_now.title, approach_now.title) == ("Scope", "Approach")

    excerpt, submission, item = reimported["excerpt"], reimported["submission"], reimported["item"]
    assert list(excerpt.sections.all()) == [scope_now]
    assert list(submission.sections.all()) == [approach_now]
    item.refresh_from_db()
    assert item.section == scope_now
    moved = Reattachment.objects.filter(status=ReattachmentStatus.REATTACHED, automatic=True, target_kind="section")
    assert {(r.holder_kind, r.new_target_label) for r in moved} == {
        ("excerpt", "Section 1.3 Scope"),
        ("submission", "Section 1.4 Approach"),
        ("open_item", "Section 1.3 Scope"),
    }


def test_a_renamed_solution_with_the_same_code_keeps_its_links(reimported, consultation):
    submission = reimported["submission"]
    assert [s.code for s in submission.solutions.all()] == ["1b"]
    assert not Reattachment.objects.filter(holder_kind="submission", target_kind="solution").exists()


def test_links_to_a_dropped_solution_are_listed_not_lost(reimported, consultation):
    excerpt, item = reimported["excerpt"], reimported["item"]
    dropped = Solution.objects.get(consultation=consultation, code="2b")
    assert dropped.retired_at is not None
    # Still linked (nothing silently removed), and listed for the secretariat.
    assert list(excerpt.solutions.all()) == [dropped]
    pending = Reattachment.objects.get(status=ReattachmentStatus.PENDING, holder_kind="excerpt", target_kind="solution")
    assert pending.old_target_label == "Solution 2b Single third-party matching"
    assert pending.suggested_target_id is None
    item.refresh_from_db()
    assert item.assessment == cell(consultation, "2b", "privacy")
    assert Reattachment.objects.filter(
        status=ReattachmentStatus.PENDING, holder_kind="open_item", target_kind="cell", old_target_id=item.assessment_id
    ).exists()


def test_links_to_a_renamed_criterion_are_listed_with_the_new_one_suggested(reimported, consultation):
    accountability = Criterion.objects.get(consultation=consultation, key="accountability")
    criterion_row = Reattachment.objects.get(holder_kind="excerpt", target_kind="criterion")
    assert criterion_row.status == ReattachmentStatus.PENDING
    assert criterion_row.suggested_target_id == accountability.pk
    assert "Accountability" in criterion_row.why
    cell_rows = Reattachment.objects.filter(holder_kind="excerpt", target_kind="cell")
    # The privacy cell of 1b did not move; its transparency cell is listed with the accountability cell suggested.
    assert [(r.status, r.suggested_target_id) for r in cell_rows] == [
        (ReattachmentStatus.PENDING, cell(consultation, "1b", "accountability").pk)
    ]


def test_the_import_result_counts_what_was_carried_and_what_waits(reimported):
    assert reimported["import"].result["carried"] == {"reattached": 3, "pending": 4}


def test_importing_the_same_draft_again_lists_nothing_twice(reimported, consultation, secretariat):
    again = import_draft_text(
        consultation=consultation, filename="demo_v2.txt", content=edited_demo(), user=secretariat
    )

    assert again.result["carried"] == {"reattached": 0, "pending": 0}
    assert Reattachment.objects.filter(status=ReattachmentStatus.PENDING).count() == 4


# --- the "Needs re-attaching" page ----------------------------------------------------------------------------


def reattach_url(consultation) -> str:
    return reverse("consultation:reattach", args=[consultation.slug])


def test_the_secretariat_sees_each_waiting_link_with_the_suggestion_selected(reimported, client, secretariat):
    consultation = reimported["excerpt"].consultation
    client.force_login(secretariat)

    html = client.get(reattach_url(consultation)).content.decode()

    assert "4 links waiting" in html
    assert "Solution 2b Single third-party matching" in html
    accountability = Criterion.objects.get(consultation=consultation, key="accountability")
    assert f'<option value="{accountability.pk}" selected>Accountability (suggested)</option>' in html


def test_the_secretariat_reattaches_a_link_to_the_chosen_place(reimported, client, secretariat):
    consultation = reimported["excerpt"].consultation
    excerpt = reimported["excerpt"]
    row = Reattachment.objects.get(holder_kind="excerpt", target_kind="criterion")
    client.force_login(secretariat)

    response = client.post(
        reverse("consultation:reattach_resolve", args=[consultation.slug, row.pk]),
        {"action": "reattach", "target": str(row.suggested_target_id)},
    )

    assert response.status_code == 302
    assert [c.key for c in excerpt.criteria.all()] == ["accountability"]
    row.refresh_from_db()
    assert (row.status, row.resolved_by, row.new_target_label) == ("reattached", secretariat, "Accountability")
    page = client.get(reattach_url(consultation)).content.decode()
    assert "3 links waiting" in page and "now points at Accountability" in page


def test_a_dismissed_link_stays_where_it_points_and_is_not_raised_again(reimported, client, secretariat):
    consultation = reimported["excerpt"].consultation
    row = Reattachment.objects.get(holder_kind="excerpt", target_kind="solution")
    client.force_login(secretariat)

    client.post(reverse("consultation:reattach_resolve", args=[consultation.slug, row.pk]), {"action": "dismiss"})

    assert [s.code for s in reimported["excerpt"].solutions.all()] == ["2b"]
    row.refresh_from_db()
    assert row.status == "dismissed"


def test_reattaching_without_a_choice_says_so_and_changes_nothing(reimported, client, secretariat):
    consultation = reimported["excerpt"].consultation
    row = Reattachment.objects.get(holder_kind="excerpt", target_kind="solution")
    client.force_login(secretariat)

    response = client.post(
        reverse("consultation:reattach_resolve", args=[consultation.slug, row.pk]),
        {"action": "reattach", "target": ""},
        follow=True,
    )

    assert "Choose where the link should point now." in response.content.decode()
    row.refresh_from_db()
    assert row.status == "pending"


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404), ("observer", 403), ("expert", 403)])
def test_only_the_secretariat_may_open_or_use_the_reattach_page(reimported, client, request, who, status):
    consultation = reimported["excerpt"].consultation
    row = Reattachment.objects.filter(status="pending").first()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    page = client.get(reattach_url(consultation))
    post = client.post(
        reverse("consultation:reattach_resolve", args=[consultation.slug, row.pk]), {"action": "dismiss"}
    )

    assert (page.status_code, post.status_code) == (status, status)
    row.refresh_from_db()
    assert row.status == "pending"


def test_the_reattach_page_takes_the_same_queries_for_2_and_20_waiting_links(
    linked, consultation, client, secretariat, django_assert_max_num_queries, django_assert_num_queries
):
    scope, item = linked["scope"], linked["item"]

    def waiting(start: int, end: int) -> None:
        for i in range(start, end):
            Reattachment.objects.create(
                consultation=consultation,
                holder_kind="open_item",
                holder_id=item.pk,
                holder_label="Open item",
                target_kind="section" if i % 2 else "cell",
                old_target_id=scope.pk + 1000 + i,
                old_target_label=f"Section {i}",
            )

    client.force_login(secretariat)
    waiting(0, 2)
    client.get(reattach_url(consultation))
    with django_assert_max_num_queries(40) as few:
        client.get(reattach_url(consultation))
    waiting(2, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        assert "20 links waiting" in client.get(reattach_url(consultation)).content.decode()
