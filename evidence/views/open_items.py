"""Resolving an open item with the input that answers it (secretariat)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.models import Consultation, OpenItem
from consultation.rules import accepts_changes
from consultation.views.common import consultation_page, frozen_message, render_page
from evidence.forms.triage import ResolveForm
from evidence.linked_input import display_name
from evidence.models import Submission
from evidence.services.triage import open_item_answers_set, open_item_resolve

STALE = (
    "Someone else changed this open item since you opened the page: nothing was saved. "
    "Your choice is still below; check the item, then save again."
)


def _candidates(request: HttpRequest, consultation: Consultation, item: OpenItem):
    """Submitted input that can answer the item: what the experts linked to it (or already answers it) comes first."""
    related = Submission.objects.filter(Q(open_items=item) | Q(answers_open_items=item)).values("pk")
    return (
        Submission.objects.visible_to(request.user, consultation)
        .submitted()
        .select_related("author", "author__profile")
        .annotate(
            related_first=Case(When(pk__in=related, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("related_first", "-submitted_at", "-pk")
    )


@consultation_page(permission="evidence.triage")
def open_item_resolve_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Pick the input that answers an open item and write its resolution; "link" saves the links alone."""
    item = get_object_or_404(OpenItem.objects.select_related("section"), consultation=consultation, pk=pk)
    candidates = _candidates(request, consultation, item)
    problem, status = "", 200
    if request.method == "POST":
        form = ResolveForm(request.POST, submissions=candidates)
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                if data["action"] == "link":
                    open_item_answers_set(
                        item=item, user=request.user, submissions=data["submissions"], expected_version=data["version"]
                    )
                else:
                    open_item_resolve(
                        item=item,
                        user=request.user,
                        submissions=data["submissions"],
                        resolution=data["resolution"],
                        expected_version=data["version"],
                    )
            except StaleObjectError:
                problem, status = STALE, 409
            except ConsultationError as error:
                problem, status = error.message, 409
            except ValidationError as error:
                problem, status = "; ".join(error.messages), 400
            else:
                messages.success(
                    request, "Open item resolved." if data["action"] == "resolve" else "Linked input saved."
                )
                return redirect(reverse("consultation:open_items", args=[consultation.slug]) + f"#open-item-{item.pk}")
    else:
        form = ResolveForm(
            submissions=candidates,
            initial={
                "submissions": list(item.answering_submissions.values_list("pk", flat=True)),
                "resolution": item.resolution,
                "version": item.version,
            },
        )
    experts_linked = set(item.submissions.values_list("pk", flat=True))
    rows = []
    for submission in candidates:
        rows.append(
            {
                "submission": submission,
                "author": display_name(submission.author),
                "linked_by_expert": submission.pk in experts_linked,
            }
        )
    chosen = {str(v) for v in (form["submissions"].value() or [])}
    context = {
        "item": item,
        "form": form,
        "rows": rows,
        "chosen": chosen,
        "problem": problem,
        "editable": accepts_changes(consultation),
        "frozen_message": frozen_message(consultation),
    }
    return render_page(
        request, consultation, "evidence/open_item_resolve.html", context, active="open_items", status=status
    )
