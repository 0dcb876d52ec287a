"""The summary as a print-quality PDF (A4), rendered by WeasyPrint from templates/evidence/exports/summary_pdf.html.

The consultation's marking is in the header of every page (a ``@page`` margin box),
the watermark (recipient and time) on every page, page numbers in the footer, and a
table of contents with page numbers (``target-counter``). WeasyPrint fetches nothing
from the network: ``LocalOnlyFetcher`` answers ``data:`` URIs and the app's own static
files read from disk, and refuses every other URL (server-side request forgery through
a link or image in user text, CVE-2025-68616, cannot happen).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from evidence.exports import ExportContext, Progress
from evidence.exports.content import summary_content

TEMPLATE = "evidence/exports/summary_pdf.html"
STYLESHEET = "css/export_pdf.css"


class ExternalURLRefused(ValueError):
    """A URL the PDF renderer is not allowed to fetch."""


def static_folders() -> list[Path]:
    return [Path(folder).resolve() for folder in settings.STATICFILES_DIRS]


class LocalOnlyFetcher(URLFetcher):
    """Fetch ``data:`` URIs and files inside the app's static folders; refuse everything else.

    ``refused`` lists what was asked for and refused (WeasyPrint logs and skips a failed
    resource, so the document still renders, only without it).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allowed_protocols={"data"}, allow_redirects=False, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(folder) for folder in static_folders()):
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path)})
        self.refused.append(url)
        raise ExternalURLRefused(f"Refused to fetch {url!r}: exports load nothing from outside.")


def _content_type(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


def render_pdf(html: str, out: BinaryIO, *, fetcher: LocalOnlyFetcher | None = None) -> LocalOnlyFetcher:
    """Write ``html`` as PDF to ``out`` with the local-only fetcher; relative URLs resolve in the static folder."""
    fetcher = fetcher or LocalOnlyFetcher()
    base_url = static_folders()[0].as_uri() + "/"
    HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(out)
    return fetcher


def summary_html(context: ExportContext, progress: Progress | None = None) -> str:
    summary = summary_content(context, progress)
    return render_to_string(TEMPLATE, {"summary": summary, "stylesheet": STYLESHEET})


def write(context: ExportContext, out: BinaryIO, progress: Progress) -> None:
    """Write the summary of ``context`` as PDF to ``out``."""
    html = summary_html(context, progress)
    progress(50, "Laying out the pages")
    render_pdf(html, out)
    progress(95, "PDF written")
