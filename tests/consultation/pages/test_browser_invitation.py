"""An invitation accepted in a real browser: the link opens the account form, the new expert lands in the
consultation signed in; the secretariat's members page then shows them with their profile."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from consultation.models import Membership, Role
from tests.factories import PASSWORD, InvitationFactory

from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "members.png"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return page


def test_an_invited_expert_creates_an_account_and_the_secretariat_sees_them(
    live_server, consultation, secretariat, browser
):
    InvitationFactory(consultation=consultation, email="nadia@example.org", invited_by=secretariat, token="browser-1")
    connections.close_all()
    page = _page(browser)

    page.goto(live_server.url + reverse("consultation:invitation", args=["browser-1"]))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT.with_name("invitation.png")), full_page=True)
    page.fill("#id_username", "nadia")
    page.fill("#id_password1", "a long passphrase nobody guesses")
    page.fill("#id_password2", "a long passphrase nobody guesses")
    page.fill("#id_name", "Nadia Van den Berg")
    page.fill("#id_organisation", "KU Leuven")
    page.select_option("#id_expert_type", "academia")
    page.select_option("#id_country", "BE")
    page.fill("#id_declared_interests", "None.")
    page.get_by_role("button", name="Create my account and accept").click()

    page.wait_for_url(live_server.url + reverse("consultation:home", args=[consultation.slug]))
    assert "Welcome" in page.content()
    assert Membership.objects.get(consultation=consultation, user__username="nadia").role == Role.EXPERT
    connections.close_all()  # that query opened a connection for Playwright's async context: close it

    other = _page(browser)
    other.goto(live_server.url + reverse("login"))
    other.get_by_label("Username").fill(secretariat.username)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_url(live_server.url + reverse("consultation:list"))
    other.goto(live_server.url + reverse("consultation:members", args=[consultation.slug]))
    row = other.locator("tr", has_text="Nadia Van den Berg")
    assert "KU Leuven" in row.inner_text() and "Belgium" in row.inner_text()
    assert other.locator("#invitations-heading").is_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    other.screenshot(path=str(SCREENSHOT), full_page=True)
