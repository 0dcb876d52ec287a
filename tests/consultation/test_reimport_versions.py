"""Re-importing a later draft: the preview's cell-by-cell diff, revisions only for what changed, a new named version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultation.diffs import diff, import_preview_changes
from consultation.importing.services import draft_import_apply, draft_import_preview, import_draft_text
from consultation.models import DraftVersion

from .test_import_draft import SMALL, edited, without

pytestmark = pytest.mark.django_db

LATER_STARS = ("a. Server-side scanning\t★★★★★\t★★★★★\t★\t", "a. Server-side scanning\t★★★★★\t★★★★★\t★★\t")


def test_confirming_a_later_draft_publishes_a_version_named_after_the_file(consultation, secretariat):
    first = import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    later = edited(SMALL, *LATER_STARS)

    second = import_draft_text(consultation=consultation, filename="v2.txt", content=later, user=secretariat)

    versions = list(DraftVersion.objects.filter(consultation=consultation).order_by("published_at"))
    assert [v.draft_import_id for v in versions] == [first.pk, second.pk]
    assert versions[1].label.startswith("Imported v2.txt ")
    assert second.result["version"] == versions[1].label
    changes = diff(consultation, versions[0].published_at, versions[1].published_at)
    assert [(c.key, c.before.stars, c.after.stars, c.direction) for c in changes.cells] == [("0a/privacy", 1, 2, "up")]
    assert [s.reason for s in changes.cells[0].steps] == ["Imported from v2.txt"]


def test_the_same_file_twice_gets_a_unique_label_and_an_unchanged_one_none(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="d.txt", content=SMALL, user=secretariat)
    import_draft_text(
        consultation=consultation, filename="d.txt", content=edited(SMALL, *LATER_STARS), user=secretariat
    )
    import_draft_text(
        consultation=consultation, filename="d.txt", content=edited(SMALL, *LATER_STARS), user=secretariat
    )

    labels = list(DraftVersion.objects.order_by("published_at").values_list("label", flat=True))
    assert len(labels) == 2  # the third import changed nothing: no version
    assert labels[1] == labels[0] + " (2)"


def test_the_preview_lists_the_cells_that_would_change_against_the_current_state(consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    preview = draft_import_preview(
        consultation=consultation, filename="v2.txt", content=edited(SMALL, *LATER_STARS), user=secretariat
    )

    rows = import_preview_changes(consultation, preview.preview)

    assert [(r.key, r.before.stars, r.after.stars, r.direction, r.fields) for r in rows] == [
        ("0a/privacy", 1, 2, "up", ["stars"])
    ]


def test_the_preview_page_shows_the_diff_table(client, consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    preview = draft_import_preview(
        consultation=consultation, filename="v2.txt", content=edited(SMALL, *LATER_STARS), user=secretariat
    )
    client.force_login(secretariat)

    html = client.get(reverse("consultation:import_detail", args=[consultation.slug, preview.pk])).content.decode()

    assert "Ratings that would change, cell by cell" in html
    assert 'id="diff-0a-privacy"' in html
    assert "▲</span> up" in html


def test_a_dropped_solution_keeps_its_history_in_the_diff_and_on_its_page(client, consultation, secretariat):
    import_draft_text(consultation=consultation, filename="small_draft.txt", content=SMALL, user=secretariat)
    later = without(SMALL, "b. No scanning", "1) Client related solutions")
    later = without(later, "\tb. No scanning\t", "1) Client related\t")
    draft_import = draft_import_preview(consultation=consultation, filename="v2.txt", content=later, user=secretariat)
    draft_import_apply(draft_import_id=draft_import.pk)

    first, second = DraftVersion.objects.order_by("published_at")
    changes = diff(consultation, first.published_at, second.published_at)
    assert [s.code for s in changes.retired_solutions] == ["0b"]
    client.force_login(secretariat)
    page = client.get(reverse("consultation:solution", args=[consultation.slug, "0b"])).content.decode()
    assert "A later draft dropped this solution" in page
    assert "Imported from small_draft.txt" in page
