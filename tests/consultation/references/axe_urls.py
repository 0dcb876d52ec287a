"""The reference pages for the accessibility check (test_browser_accessibility.py), with data that fills them."""

from __future__ import annotations

from django.urls import reverse

from consultation.models import Reattachment


def reference_urls(consultation, secretariat) -> dict[str, str]:
    """The add, edit and import forms of the annex, and the "Needs re-attaching" page with one link waiting."""
    slug = consultation.slug
    urls = {
        "add a reference": reverse("consultation:reference_new", args=[slug]),
        "import references": reverse("consultation:references_import", args=[slug]),
        "needs re-attaching": reverse("consultation:reattach", args=[slug]),
    }
    reference = consultation.references.order_by("pk").first()
    if reference is not None:
        urls["edit a reference"] = reverse("consultation:reference_edit", args=[slug, reference.pk])
    section = consultation.sections.order_by("order").first()
    item = consultation.open_items.order_by("pk").first()
    if section is not None and item is not None:
        Reattachment.objects.create(
            consultation=consultation,
            holder_kind="open_item",
            holder_id=item.pk,
            holder_label=f"Open item: {item.prompt[:60]}",
            target_kind="section",
            old_target_id=section.pk,
            old_target_label=f"Section {section.number} {section.title}",
            why="The new draft has no such section.",
            suggested_target_id=section.pk,
        )
    return urls
