"""The matrix in a real browser: Debian's chromium driven by Playwright against pytest-django's live server.

Static files, with DEBUG off and no ``collectstatic``: the test settings turn
on WhiteNoise's finders (``WHITENOISE_USE_FINDERS``), and pytest-django's
``live_server`` also wraps the site in Django's ``StaticFilesHandler`` (as
``StaticLiveServerTestCase`` does); either way ``/static/`` is served from
``STATICFILES_DIRS``. The vendored Bootstrap and the app's CSS therefore load as
in production, and the test checks that they were applied and that no request
of the page failed.

Run alone with ``pytest -m browser``; chromium comes from ``make chromium``
(``apt-get install chromium``), since Playwright's own download does not work
on this network. The test is skipped when chromium is missing.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "matrix.png"

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by fixtures) refuses to run
# in a thread with a running loop unless told it is safe, which it is here: nothing else shares the loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


@pytest.fixture
def browser_page():
    """A chromium page. Request it after the fixtures that write to the database: once Playwright's sync API
    runs, the main thread is in another async context, so Django would open a second connection for it that
    nobody closes, and the test database could not be dropped at the end of the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def test_expert_signs_in_and_sees_marking_stars_and_disagreement_on_the_matrix(
    live_server, consultation, paper, expert, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    failed = []  # every response of our own site that went wrong (a missing stylesheet, a 500)
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(response),
    )
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    matrix_path = reverse("consultation:matrix", args=[consultation.slug])

    page.goto(live_server.url + matrix_path)
    # Signed out: the matrix sends us to the sign-in form first, then back.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(expert.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(live_server.url + matrix_path)
    expect(page.get_by_role("heading", name="Overview matrix")).to_be_visible()
    top_banner = page.locator(".marking-banner--top")
    expect(top_banner).to_be_visible()
    expect(top_banner).to_have_text(consultation.marking)
    star_cell = page.get_by_role("link", name="0a, Effectiveness: 5 of 5 stars High")
    expect(star_cell).to_be_visible()
    expect(star_cell.locator(".stars__on")).to_have_text("★★★★★")
    disagreement = page.locator(".matrix-cell--disagrees .disagreement-badge")
    expect(disagreement).to_be_visible()
    expect(disagreement).to_contain_text("text says Medium-high (4★)")
    expect(page.locator("#disagreement-count")).to_contain_text("1 disagreement")
    # The vendored Bootstrap and the app's stylesheet were served and applied (no CDN involved).
    assert page.evaluate("getComputedStyle(document.querySelector('.marking-banner')).textTransform") == "uppercase"
    assert page.evaluate("getComputedStyle(document.querySelector('.visually-hidden')).position") == "absolute"

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    assert [(r.status, r.url) for r in failed] == []
    assert script_errors == []
