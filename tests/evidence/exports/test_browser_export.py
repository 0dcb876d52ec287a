"""In a real browser: the secretariat requests a PDF, watches the progress bar htmx polls, and downloads the file.

A real Celery worker makes the export. Needs Debian's chromium.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from consultation.models import AccessEvent, AccessKind
from evidence.models import Export
from tests.consultation.pages.test_browser_matrix import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, AssessmentFactory, CriterionFactory, SolutionFactory, SolutionGroupFactory

SCREENSHOT = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "export.png"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


def _query(read):
    """A database read while Playwright runs; its connection is closed so the test database can be dropped."""
    try:
        return read()
    finally:
        connections.close_all()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def test_the_secretariat_requests_a_pdf_watches_its_progress_and_downloads_it(
    live_server, consultation, secretariat, celery_worker, browser_page, tmp_path
):
    from playwright.sync_api import expect

    group = SolutionGroupFactory(consultation=consultation, number=1)
    solution = SolutionFactory(consultation=consultation, group=group, code="1a", title="On the device")
    AssessmentFactory(
        consultation=consultation, solution=solution, criterion=CriterionFactory(consultation=consultation)
    )
    connections.close_all()
    page = browser_page
    exports_path = reverse("evidence:exports", args=[consultation.slug])
    page.goto(live_server.url + exports_path)
    page.get_by_label("Username").fill(secretariat.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + exports_path)

    expect(page.get_by_label("PDF")).to_be_checked()
    page.get_by_role("button", name="Make the export").click()

    expect(page.get_by_role("heading", name="PDF export")).to_be_visible()
    expect(page.locator("#export-progress progress")).to_be_attached()
    download_link = page.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(page.locator("#export-progress progress")).to_have_attribute("value", "100")
    expect(page.locator("#export-announcer")).to_have_text("The export is ready to download.")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    with page.expect_download() as downloading:
        download_link.click()
    download = downloading.value
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)

    page.get_by_role("link", name="All your exports").click()
    expect(page.locator(".exports-table .export-status--done")).to_have_text("Done")
    page.screenshot(path=str(SCREENSHOT.with_name("exports.png")), full_page=True)

    assert download.suggested_filename.endswith(".pdf")
    assert saved.read_bytes().startswith(b"%PDF")
    export = _query(Export.objects.get)
    assert export.status == "done" and export.requested_by_id == secretariat.pk
    assert _query(AccessEvent.objects.filter(kind=AccessKind.EXPORT_DOWNLOAD, user=secretariat).count) == 1
