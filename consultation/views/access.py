"""The access trail page (secretariat): who read which page, file or export of the consultation, and its CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from consultation.access import access_events, access_record
from consultation.forms.access import AccessFilterForm
from consultation.models import AccessEvent, AccessKind, Consultation

from .common import consultation_page, render_page

PAGE_SIZE = 50
CSV_COLUMNS = ["time", "user_id", "username", "ip", "kind", "method", "path", "what", "details"]
# A cell starting with one of these is a formula to a spreadsheet: a file name such as "=HYPERLINK(...)" must
# be read as text, not run, when the secretariat opens the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer`` inside a streamed response."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(events: Iterable[AccessEvent]) -> Iterator[str]:
    """The CSV lines of ``events``: a header, then one line per event (times in the site's time zone)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                timezone.localtime(event.at).isoformat(),
                event.user_id or "",
                spreadsheet_safe(event.username),
                event.ip or "",
                event.kind,
                event.method,
                spreadsheet_safe(event.path),
                spreadsheet_safe(event.what),
                spreadsheet_safe(json.dumps(event.details, sort_keys=True)) if event.details else "",
            ]
        )


def _filter_form(request: HttpRequest, consultation: Consultation) -> tuple[AccessFilterForm, dict]:
    query = request.GET.copy()
    query.pop("page", None)
    form = AccessFilterForm(query or None, consultation=consultation)
    return form, form.filters()


@consultation_page(permission="consultation.view_access_trail")
@require_safe
def access_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The trail, newest first, filtered by user, kind, days and text; bad filters are named and ignored."""
    form, filters = _filter_form(request, consultation)
    page = Paginator(access_events(consultation, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "events": list(page.object_list),
        "filtered": bool(filters and any(value not in (None, "") for value in filters.values())),
        "query_string": query.urlencode(),
    }
    return render_page(request, consultation, "consultation/access.html", context, active="access")


@consultation_page(permission="consultation.view_access_trail")
@require_safe
def access_csv(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The filtered trail as CSV, streamed (a long trail is never held in memory). Making it is itself recorded."""
    form, filters = _filter_form(request, consultation)
    if form.is_bound and not form.is_valid():
        # Not the whole trail in place of the part asked for: say what to fix.
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        return HttpResponse(f"The filters could not be read: {problems}", status=400, content_type="text/plain")
    access_record(
        kind=AccessKind.EXPORT,
        consultation=consultation,
        request=request,
        what="Access trail (CSV)",
        details={"filters": dict(form.data.items()) if form.is_bound else {}},
    )
    events = access_events(consultation, **filters).iterator(chunk_size=2000)
    response = StreamingHttpResponse(csv_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-trail-{consultation.slug}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
