"""Excerpts: quoting a selected passage of a source or a submission, the list of excerpts, one excerpt.

The source page and a submission's "Quote a passage" page render their text in leaves that carry their
offsets; ``static/js/excerpt.js`` turns a mouse selection into ``start``/``end`` and the quoted text, and
the form posts here. Each excerpt says whether its passage is still in the latest version of its document.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.models import Consultation, Criterion, Membership, Role, Solution
from consultation.rules import accepts_changes
from consultation.views.common import add_service_errors, consultation_page, frozen_message, render_page
from evidence.forms.library import ExcerptForm, ExcerptLinksForm, same_passage
from evidence.library.anchor import Located, locate
from evidence.library.render import render_blocks, render_plain
from evidence.models import Excerpt, SourceDocument, SourceVersion, Stance, Submission, SubmissionVersion
from evidence.rules import can_add_excerpt, can_change_excerpt, can_change_source
from evidence.services import library as services
from evidence.views.submissions import visible_submission

PAGE_SIZE = 50
LINKS = ("solutions", "criteria", "cells", "open_items", "sections")


def excerpts_with_links(queryset):
    return queryset.select_related("source", "submission", "source_version", "created_by").prefetch_related(
        "solutions", "criteria", "cells__solution", "cells__criterion", "open_items", "sections"
    )


def locate_all(excerpts: list[Excerpt]) -> None:
    """Set ``excerpt.located`` for each, against the latest version of its document, in two queries at most."""
    source_ids = {e.source_id for e in excerpts if e.source_id}
    latest: dict[int, str] = {}
    if source_ids:
        rows = (
            SourceVersion.objects.filter(source_id__in=source_ids)
            .order_by("source_id", "-number")
            .distinct("source_id")
            .values_list("source_id", "text")
        )
        latest = dict(rows)
    pairs = {(e.submission_id, e.submission.current_version) for e in excerpts if e.submission_id}
    bodies: dict[int, str] = {}
    if pairs:
        condition = Q()
        for submission_id, number in pairs:
            condition |= Q(submission_id=submission_id, number=number)
        bodies = dict(SubmissionVersion.objects.filter(condition).values_list("submission_id", "body"))
    for excerpt in excerpts:
        text = latest.get(excerpt.source_id) if excerpt.source_id else bodies.get(excerpt.submission_id)
        if text is None:
            excerpt.located = Located(None, None, "missing")
        else:
            excerpt.located = locate(
                quote=excerpt.quote,
                start=excerpt.start,
                end=excerpt.end,
                prefix=excerpt.prefix,
                suffix=excerpt.suffix,
                text=text,
            )


def creator_labels(user, consultation: Consultation, excerpts: list[Excerpt]) -> None:
    """Who made each excerpt: the name for the secretariat and for one's own, else the creator's role."""
    sees_names = can_change_source(user, consultation)  # the secretariat
    ids = {e.created_by_id for e in excerpts}
    roles = dict(Membership.objects.filter(consultation=consultation, user_id__in=ids).values_list("user_id", "role"))
    for excerpt in excerpts:
        if excerpt.created_by_id == user.pk:
            excerpt.creator_label = "you"
        elif sees_names:
            excerpt.creator_label = excerpt.created_by.get_full_name() or excerpt.created_by.get_username()
        else:
            role = roles.get(excerpt.created_by_id)
            excerpt.creator_label = "the secretariat" if role == Role.SECRETARIAT else "an expert"


def _target(request: HttpRequest, consultation: Consultation, data: dict):
    """The quoted document and its text from the form's ids (404 for one the user may not read)."""
    if data.get("source"):
        source = get_object_or_404(SourceDocument, consultation=consultation, pk=data["source"])
        version = None
        if data.get("source_version"):
            version = get_object_or_404(SourceVersion, source=source, pk=data["source_version"])
        version = version or services.latest_version(source)
        return {"source": source, "source_version": version}, (version.text if version else "")
    if data.get("submission"):
        submission = visible_submission(request, consultation, data["submission"])
        version = SubmissionVersion.objects.filter(submission=submission, number=submission.current_version).first()
        return {"submission": submission}, (version.body if version else "")
    raise Http404("Nothing to quote.")


@consultation_page(permission="evidence.add_excerpt")
@require_http_methods(["GET", "HEAD", "POST"])
def excerpt_new(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Save the passage selected on a source's or a submission's page, with its links and stance."""
    problem, status = "", 200
    form = ExcerptForm(request.POST or None, consultation=consultation, initial=request.GET.dict())
    if request.method == "POST":
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            target, text = _target(request, consultation, data)
            quote = data["quote"]
            start, end = data["start"], data["end"]
            # The browser's copy of a selection differs in whitespace only: the text's own characters count.
            if 0 <= start < end <= len(text) and same_passage(quote, text[start:end]):
                quote = text[start:end]
            try:
                excerpt = services.excerpt_create(
                    consultation=consultation,
                    user=request.user,
                    quote=quote,
                    start=start,
                    end=end,
                    stance=data["stance"],
                    note=data["note"],
                    **target,
                    **{name: data[name] for name in LINKS},
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            except ConsultationError as error:
                problem, status = error.message, 409
            else:
                messages.success(request, "Excerpt saved.")
                return redirect("evidence:excerpt", consultation.slug, excerpt.pk)
    context = {"form": form, "problem": problem}
    return render_page(
        request, consultation, "evidence/library/excerpt_new.html", context, active="sources", status=status
    )


def _filters(request: HttpRequest, consultation: Consultation) -> dict:
    get = request.GET
    source = get.get("source", "")
    chosen = {
        "stance": get.get("stance", "") if get.get("stance", "") in Stance.values else "",
        "solution": get.get("solution", "")[:20],
        "criterion": get.get("criterion", "")[:60],
        "source": source if source.isascii() and source.isdigit() and len(source) <= 9 else "",
    }
    return chosen


@consultation_page(permission="evidence.view_sources")
@require_safe
def excerpt_list(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Every excerpt the user may read, newest first; filter by stance, solution, criterion and source."""
    chosen = _filters(request, consultation)
    queryset = Excerpt.objects.visible_to(request.user, consultation)
    if chosen["stance"]:
        queryset = queryset.filter(stance=chosen["stance"])
    if chosen["solution"]:
        queryset = queryset.filter(
            Q(solutions__code=chosen["solution"]) | Q(cells__solution__code=chosen["solution"])
        ).distinct()
    if chosen["criterion"]:
        queryset = queryset.filter(
            Q(criteria__key=chosen["criterion"]) | Q(cells__criterion__key=chosen["criterion"])
        ).distinct()
    if chosen["source"]:
        queryset = queryset.filter(source_id=int(chosen["source"]))
    page = Paginator(excerpts_with_links(queryset.order_by("-created_at", "-pk")), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    excerpts = list(page.object_list)
    locate_all(excerpts)
    creator_labels(request.user, consultation, excerpts)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "excerpts": excerpts,
        "chosen": chosen,
        "query": query.urlencode(),
        "stances": Stance.choices,
        "solutions": Solution.objects.filter(consultation=consultation).order_by("order", "code"),
        "criteria": Criterion.objects.filter(consultation=consultation).order_by("order", "key"),
        "sources": SourceDocument.objects.filter(consultation=consultation).order_by("title", "pk"),
    }
    return render_page(request, consultation, "evidence/library/excerpt_list.html", context, active="sources")


def visible_excerpt(request: HttpRequest, consultation: Consultation, pk: int) -> Excerpt:
    excerpt = excerpts_with_links(Excerpt.objects.visible_to(request.user, consultation)).filter(pk=pk).first()
    if excerpt is None:
        raise Http404("No such excerpt.")
    return excerpt


@consultation_page(permission="evidence.view_sources")
@require_http_methods(["GET", "HEAD", "POST"])
def excerpt_detail(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """One excerpt in its document's latest version (highlighted where it is found), and its links."""
    excerpt = visible_excerpt(request, consultation, pk)
    may_change = can_change_excerpt(request.user, excerpt) and accepts_changes(consultation)
    problem, status = "", 200
    if request.method == "POST":
        if not can_change_excerpt(request.user, excerpt):
            raise PermissionDenied("Only whoever made this excerpt, or the secretariat, can change it.")
        form = ExcerptLinksForm(request.POST, consultation=consultation)
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                services.excerpt_update(
                    excerpt=excerpt,
                    user=request.user,
                    expected_version=data["version"],
                    stance=data["stance"],
                    note=data["note"],
                    **{name: data[name] for name in LINKS},
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            except StaleObjectError:
                problem, status = "Someone else changed this excerpt in the meantime: nothing was saved.", 412
            except ConsultationError as error:
                problem, status = error.message, 409
            else:
                messages.success(request, "Excerpt changed.")
                return redirect("evidence:excerpt", consultation.slug, excerpt.pk)
    else:
        form = ExcerptLinksForm(
            consultation=consultation,
            initial={"version": excerpt.version, "stance": excerpt.stance, "note": excerpt.note}
            | {name: list(getattr(excerpt, name).all()) for name in LINKS},
        )
    locate_all([excerpt])
    creator_labels(request.user, consultation, [excerpt])
    context_html = ""
    located = excerpt.located
    if excerpt.source_id:
        latest = services.latest_version(excerpt.source)
        if latest is not None and located.start is not None:
            context_html = render_blocks(latest.text, latest.blocks, highlight=(located.start, located.end))
    context = {
        "excerpt": excerpt,
        "located": located,
        "document_html": context_html,
        "form": form if may_change else None,
        "problem": problem,
    }
    return render_page(
        request, consultation, "evidence/library/excerpt_detail.html", context, active="sources", status=status
    )


@consultation_page(permission="evidence.add_excerpt")
@require_POST
def excerpt_delete(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    excerpt = visible_excerpt(request, consultation, pk)
    try:
        services.excerpt_delete(excerpt=excerpt, user=request.user)
    except ConsultationError as error:
        messages.error(request, error.message)
        return redirect("evidence:excerpt", consultation.slug, excerpt.pk)
    messages.success(request, "Excerpt removed.")
    return redirect("evidence:excerpts", consultation.slug)


@consultation_page(permission="evidence.add_excerpt")
@require_safe
def submission_quote(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """A submission's current text, ready to select a passage from and quote it as an excerpt."""
    submission: Submission = visible_submission(request, consultation, pk)
    version = SubmissionVersion.objects.filter(submission=submission, number=submission.current_version).first()
    if version is None:
        raise Http404("Only submitted input can be quoted.")
    may_quote = can_add_excerpt(request.user, consultation) and accepts_changes(consultation)
    context = {
        "submission": submission,
        "content": render_plain(version.body),
        "excerpt_form": ExcerptForm(
            consultation=consultation, initial={"submission": submission.pk}, auto_id="excerpt_%s"
        )
        if may_quote
        else None,
        "back": reverse("evidence:detail", args=[consultation.slug, submission.pk]),
    }
    return render_page(request, consultation, "evidence/library/submission_quote.html", context, active="sources")
