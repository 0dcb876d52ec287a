"""The draft itself, its open items and its references: read-only pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from consultation.forms import OpenItemFilterForm
from consultation.models import Consultation, Footnote, OpenItem, OpenItemStatus, Solution

from .common import consultation_page, render_page


@consultation_page()
@require_safe
def draft_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The sections in order (table of contents, then text), each with its footnotes."""
    sections = consultation.sections.order_by("order").prefetch_related(
        Prefetch("footnotes", queryset=Footnote.objects.order_by("number"))
    )
    loose_footnotes = consultation.footnotes.filter(section__isnull=True).order_by("number")
    context = {"sections": list(sections), "loose_footnotes": list(loose_footnotes)}
    return render_page(request, consultation, "consultation/draft.html", context, active="draft")


@consultation_page()
@require_safe
def open_items_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The draft's open items, filtered by ``?status=``; an unknown status is reported and all are shown."""
    form = OpenItemFilterForm(request.GET or None)
    items = OpenItem.objects.filter(consultation=consultation).select_related("section").order_by("created_at", "pk")
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    counts = dict(
        OpenItem.objects.filter(consultation=consultation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    status_counts = [(value, label, counts.get(value, 0)) for value, label in OpenItemStatus.choices]
    if status:
        items = items.filter(status=status)
    context = {
        "form": form,
        "items": list(items),
        "status": status,
        "status_label": OpenItemStatus(status).label if status else "",
        "status_counts": status_counts,
        "total": sum(counts.values()),
    }
    return render_page(request, consultation, "consultation/open_items.html", context, active="open_items")


@consultation_page()
@require_safe
def references_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The reference annex, by group, with the solutions each entry is linked to."""
    references = consultation.references.order_by("group_order", "group", "number").prefetch_related(
        Prefetch("solutions", queryset=Solution.objects.order_by("order", "code").only("pk", "code", "title"))
    )
    return render_page(
        request, consultation, "consultation/references.html", {"references": list(references)}, active="references"
    )
