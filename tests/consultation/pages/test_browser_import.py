"""The secretariat imports the reference draft from the web page; a real Celery worker applies it.

Upload, preview with the counts, confirm, watch the progress bar that htmx
polls, then read the matrix the import produced. Needs ``../shared/seeds``
(skipped with a reason where it is absent) and Debian's chromium.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from consultation.models import Assessment, DraftImport
from tests.factories import PASSWORD

from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
REFERENCE_DRAFT = SEEDS / "000_38559a9845985580.txt"
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "import.png"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.seeds,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery"),
    pytest.mark.skipif(not REFERENCE_DRAFT.exists(), reason=f"the reference draft is not at {REFERENCE_DRAFT}"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


def _query(read):
    """Run a database read while Playwright runs, then close the connection it opened.

    Inside Playwright's sync API the ORM works in another async context, so it
    opens a connection of its own that nothing else would close, and the test
    database could not be dropped at the end of the run.
    """
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
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB").new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def test_secretariat_imports_the_reference_draft_from_the_web_page(
    live_server, consultation, secretariat, celery_worker, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    import_path = reverse("consultation:import", args=[consultation.slug])
    page.goto(live_server.url + import_path)
    page.get_by_label("Username").fill(secretariat.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + import_path)

    page.locator("input[type=file]").set_input_files(str(REFERENCE_DRAFT))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expected_counts = {
        "solutions": "11",
        "criteria": "5",
        "assessments": "55",
        "ratings": "55",
        "classifications": "11",
        "open_items": "2",
        "references": "39",
        "footnotes": "33",
    }
    for kind, value in expected_counts.items():
        expect(
            page.locator(f"section[aria-labelledby='preview-counts-heading'] [data-count='{kind}']").first
        ).to_have_text(value)
    assert _query(Assessment.objects.filter(consultation=consultation).count) == 0  # nothing saved before confirming

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator("#import-progress progress")).to_be_attached()
    expect(page.get_by_role("link", name="Open the matrix")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-result='revisions']")).to_have_text("55 ratings, 11 classifications")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_role("link", name="Open the matrix").click()
    expect(page.get_by_role("heading", name="Overview matrix")).to_be_visible()
    expect(page.get_by_role("link", name="1b, Effectiveness: 5 of 5 stars Medium-high")).to_be_visible()
    assert _query(lambda: DraftImport.objects.get(consultation=consultation).status) == "done"
    assert _query(Assessment.objects.filter(consultation=consultation).count) == 55
