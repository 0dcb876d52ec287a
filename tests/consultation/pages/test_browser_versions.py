"""In a real browser: the secretariat adopts a cell with a reason, publishes a version, compares it with the
previous one and sees the change (chromium through Playwright, as in test_browser_matrix.py)."""

import os

import pytest
from django.db import connections
from django.urls import reverse

from consultation.services.versions import version_publish
from tests.factories import PASSWORD

from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB").new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def test_secretariat_adopts_a_cell_publishes_a_version_and_sees_the_change(
    live_server, consultation, paper, secretariat, browser_page
):
    from playwright.sync_api import expect

    version_publish(consultation=consultation, user=secretariat, label="v1 as circulated")
    connections.close_all()
    page = browser_page
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(secretariat.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("consultation:list"))

    # Adopt 1a's privacy rating: two stars become four, with a reason.
    page.goto(live_server.url + reverse("consultation:solution", args=[consultation.slug, "1a"]))
    cell = page.locator("#criterion-privacy")
    cell.get_by_text("Change this rating").click()
    cell.get_by_label("Stars").select_option("4")
    cell.get_by_label("Level in the text").fill("Medium-high")
    cell.get_by_label("Reason for the change").fill("The experts' pilot showed less data leaves the device")
    cell.get_by_role("button", name="Record the change").click()
    expect(page.locator("#criterion-privacy .change-notice")).to_contain_text("Revision 2 recorded")

    # Publish the next version.
    page.get_by_role("navigation", name="Consultation").get_by_role("link", name="Versions").click()
    page.get_by_label("Label").fill("v2 after round 1")
    page.get_by_role("button", name="Publish the version").click()
    expect(page.get_by_text("Version “v2 after round 1” published.")).to_be_visible()

    # Compare it with the previous one.
    page.get_by_role("link", name="Changes since v1 as circulated").click()
    expect(page.get_by_role("heading", name="From v1 as circulated to v2 after round 1")).to_be_visible()
    row = page.locator("#diff-1a-privacy")
    expect(row).to_contain_text("up")
    expect(row).to_contain_text("Medium-low")
    expect(row).to_contain_text("Medium-high")
    expect(row).to_contain_text("The experts' pilot showed less data leaves the device")
    expect(row).to_contain_text("Sam Secretary")
    expect(page.locator(".diff-row")).to_have_count(1)
    assert failed == []
