"""The draft itself (with the references its footnotes cite) and its open items."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from consultation.exceptions import ConsultationError
from consultation.forms import OpenItemChangeForm, OpenItemFilterForm
from consultation.models import Consultation, Footnote, OpenItem, OpenItemStatus, Reference
from consultation.rules import accepts_changes, can_change
from consultation.services import open_item_update

from .common import consultation_page, render_page


@consultation_page()
@require_safe
def draft_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The sections in order (table of contents, then text), each with its footnotes and the references they cite."""
    cited = Prefetch(
        "references",
        queryset=Reference.objects.order_by("group_order", "number").only(
            "pk", "group", "group_order", "number", "title"
        ),
    )
    sections = consultation.sections.order_by("order").prefetch_related(
        Prefetch("footnotes", queryset=Footnote.objects.order_by("number").prefetch_related(cited))
    )
    loose_footnotes = consultation.footnotes.filter(section__isnull=True).order_by("number").prefetch_related(cited)
    context = {"sections": list(sections), "loose_footnotes": list(loose_footnotes)}
    return render_page(request, consultation, "consultation/draft.html", context, active="draft")


@consultation_page()
@require_safe
def open_items_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The draft's open items, filtered by ``?status=``; an unknown status is reported and all are shown."""
    form = OpenItemFilterForm(request.GET or None)
    # The input answering each item: the evidence app's submissions, through the reverse relation (one query).
    answering = OpenItem._meta.get_field("answering_submissions").related_model.objects.only("pk").order_by("pk")
    items = (
        OpenItem.objects.filter(consultation=consultation)
        .select_related("section")
        .prefetch_related(Prefetch("answering_submissions", queryset=answering))
        .order_by("created_at", "pk")
    )
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
    items = list(items)
    if can_change(request.user, consultation) and accepts_changes(consultation):
        for item in items:
            item.change_form = OpenItemChangeForm(
                initial={"status": item.status, "resolution": item.resolution, "version": item.version},
                auto_id=f"id_item{item.pk}_%s",
            )
    context = {
        "form": form,
        "items": items,
        "status": status,
        "status_label": OpenItemStatus(status).label if status else "",
        "status_counts": status_counts,
        "total": sum(counts.values()),
    }
    return render_page(request, consultation, "consultation/open_items.html", context, active="open_items")


@consultation_page(permission="consultation.change_open_items")
@require_POST
def open_item_change(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The secretariat changes an item's status or resolution; a stale form or a closed consultation is refused."""
    item = get_object_or_404(OpenItem, consultation=consultation, pk=pk)
    form = OpenItemChangeForm(request.POST)
    if not accepts_changes(consultation):
        messages.error(
            request, f"The consultation is {consultation.get_status_display().lower()}: it cannot be changed."
        )
    elif not form.is_valid():
        errors = "; ".join(e for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, f"Open item not changed: {errors}")
    else:
        try:
            open_item_update(
                item=item,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                resolution=form.cleaned_data["resolution"].strip(),
            )
        except ConsultationError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Open item updated.")
    return redirect(reverse("consultation:open_items", args=[consultation.slug]) + f"#open-item-{item.pk}")
