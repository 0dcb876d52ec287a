"""The PDF renderer never fetches a URL from outside: not from user text, not from HTML handed to it directly."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO

import pytest

from consultation.models import Assessment
from consultation.services import assessment_revise
from evidence.exports.pdf import LocalOnlyFetcher, render_pdf
from evidence.services.submissions import submission_save_draft, submission_submit
from tests.factories import AssessmentFactory, CriterionFactory, SolutionFactory, SolutionGroupFactory

from .conftest import pdf_pages, run_export

# A 1×1 transparent PNG.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
    )
).decode()


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets (none are expected)."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(base64.b64decode(PIXEL))

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_the_renderer_refuses_http_and_file_urls_and_takes_data_uris(listener):
    base, seen = listener
    html = (
        f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body>'
        f'<img src="{base}/tracker.png"><img src="file:///etc/passwd">'
        f'<img src="data:image/png;base64,{PIXEL}"><p>Hello</p></body></html>'
    )

    fetcher = render_pdf(html, BytesIO())

    assert seen == []
    assert f"{base}/style.css" in fetcher.refused and f"{base}/tracker.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert not any(url.startswith("data:") for url in fetcher.refused)


def test_the_fetcher_reads_the_apps_own_stylesheet_from_disk():
    from django.conf import settings

    stylesheet = (settings.BASE_DIR / "static" / "css" / "export_pdf.css").as_uri()

    response = LocalOnlyFetcher().fetch(stylesheet)

    assert b"@page" in response.read()


@pytest.mark.django_db
def test_an_image_in_user_text_is_printed_as_text_and_never_fetched(listener, consultation, secretariat, expert):
    base, seen = listener
    trap = f'<img src="{base}/in-user-text.png">'
    group = SolutionGroupFactory(consultation=consultation, number=1)
    solution = SolutionFactory(consultation=consultation, group=group, code="1a", title=f"Scanning {trap}")
    criterion = CriterionFactory(consultation=consultation, key="privacy", name="Privacy")
    cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
    assessment_revise(assessment=cell, stars=3, level="Medium", rationale=f"See {trap}", reason="Imported")
    draft = submission_save_draft(
        consultation=consultation, author=expert, title=f"Look {trap}", body=trap, solutions=[solution]
    )
    submission_submit(submission=draft, user=expert)

    export, data = run_export(consultation, secretariat, "pdf")

    assert export.status == "done" and Assessment.objects.count() == 1
    assert seen == []
    assert f"{base}/in-user-text.png" in "".join("".join(page.split()) for page in pdf_pages(data))
