"""The secretariat's inbox: every submitted piece of input, filtered, searched and paginated."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from consultation.models import Consultation, Criterion, OpenItem, Section, Solution
from consultation.views.common import consultation_page, render_page
from evidence.forms.triage import InboxFilterForm
from evidence.linked_input import display_name
from evidence.models import (
    SUBMISSION_SEARCH_CONFIG,
    SUBMISSION_SEARCH_VECTOR,
    Submission,
    SubmissionStatus,
    Tag,
)

PAGE_SIZE = 25


def filter_inbox(submissions: QuerySet[Submission], filters: dict) -> QuerySet[Submission]:
    """Apply the inbox's filters (``InboxFilterForm.cleaned_data``) to ``submissions``.

    Links are matched as the API matches them (``SubmissionQuerySet.linked_to``).
    The text search uses ``SUBMISSION_SEARCH_VECTOR``, the expression of the GIN
    index, and orders by rank.
    """
    if filters.get("status"):
        submissions = submissions.filter(status=filters["status"])
    if filters.get("expert_type"):
        submissions = submissions.filter(author__profile__expert_type=filters["expert_type"])
    if filters.get("withdrawn") == "yes":
        submissions = submissions.filter(withdrawn_at__isnull=False)
    elif filters.get("withdrawn") == "no":
        submissions = submissions.filter(withdrawn_at__isnull=True)
    submissions = submissions.linked_to(
        solution=filters.get("solution") or None,
        criterion=filters.get("criterion") or None,
        section=filters.get("section") or None,
        open_item=filters.get("open_item") or None,
    )
    if tag := filters.get("tag"):
        submissions = submissions.filter(pk__in=Submission.tags.through.objects.filter(tag=tag).values("submission"))
    if words := (filters.get("q") or "").strip():
        query = SearchQuery(words, search_type="websearch", config=SUBMISSION_SEARCH_CONFIG)
        submissions = (
            submissions.annotate(search=SUBMISSION_SEARCH_VECTOR, rank=SearchRank(SUBMISSION_SEARCH_VECTOR, query))
            .filter(search=query)
            .order_by("-rank", "-submitted_at", "-pk")
        )
    else:
        submissions = submissions.order_by("-submitted_at", "-pk")
    return submissions


def with_listing_data(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """What each row shows, in a fixed number of queries whatever the number of rows."""
    return submissions.select_related("author", "author__profile").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("solutions", queryset=Solution.objects.order_by("order", "code").only("pk", "code", "title")),
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "key").only("pk", "key", "name")),
        Prefetch("sections", queryset=Section.objects.order_by("order").only("pk", "number", "title")),
        Prefetch("open_items", queryset=OpenItem.objects.order_by("pk").only("pk", "prompt")),
    )


@consultation_page(permission="evidence.triage")
@require_safe
def inbox_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Every submitted submission, newest first (or by relevance when searching); bad filters are reported."""
    form = InboxFilterForm(request.GET or None, consultation=consultation)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    visible = Submission.objects.visible_to(request.user, consultation).submitted()
    submissions = with_listing_data(filter_inbox(visible, filters))
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    rows = list(page.object_list)
    for submission in rows:
        submission.author_name = display_name(submission.author)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "submissions": rows,
        "filtered": bool(filters and any(filters.values())),
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in SubmissionStatus.choices],
        "total": sum(counts.values()),
        "query_string": query.urlencode(),
        "searching": bool((filters.get("q") or "").strip()),
    }
    return render_page(request, consultation, "evidence/inbox.html", context, active="inbox")
