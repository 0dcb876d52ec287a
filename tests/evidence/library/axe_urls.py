"""The evidence library's pages for the accessibility check (tests/consultation/pages/test_browser_accessibility.py):
a source with its structured text, the excerpt list, an excerpt, the forms."""

from __future__ import annotations

from django.urls import reverse

from consultation.models import Assessment
from evidence.services.library import excerpt_create, latest_version, source_create
from tests.evidence.factories import submitted_by

from .conftest import OWN_TEXT, upload


def library_urls(consultation, secretariat) -> dict[str, str]:
    slug = consultation.slug
    source = source_create(
        consultation=consultation, user=secretariat, title="Axe study", file=upload(OWN_TEXT, "axe.txt")
    )
    text = latest_version(source).text
    passage = "Users cannot audit what is matched."
    start = text.index(passage)
    excerpt = excerpt_create(
        consultation=consultation,
        user=secretariat,
        source=source,
        quote=passage,
        start=start,
        end=start + len(passage),
        stance="lower",
        cells=list(Assessment.objects.filter(consultation=consultation)[:1]),
    )
    submission = submitted_by(secretariat, consultation, title="Own input to quote", body="A passage.\n\nAnother.")
    return {
        "sources": reverse("evidence:sources", args=[slug]),
        "add a source": reverse("evidence:source_new", args=[slug]),
        "source": reverse("evidence:source", args=[slug, source.pk]),
        "change a source": reverse("evidence:source_edit", args=[slug, source.pk]),
        "new source version": reverse("evidence:source_version_new", args=[slug, source.pk]),
        "excerpts": reverse("evidence:excerpts", args=[slug]),
        "excerpt": reverse("evidence:excerpt", args=[slug, excerpt.pk]),
        "new excerpt": reverse("evidence:excerpt_new", args=[slug])
        + f"?source={source.pk}&start={start}&end={start + len(passage)}&quote=x",
        "quote a submission": reverse("evidence:submission_quote", args=[slug, submission.pk]),
    }
