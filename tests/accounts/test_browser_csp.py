"""In a real browser (Debian's chromium through Playwright) the strict Content Security Policy blocks nothing the
pages need: the matrix, the new-input form with its htmx autosave, and the import page load without a single
violation reported, and htmx still saves the draft as the expert types."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.consultation.pages.test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]

# Runs in every page before its own scripts: violations are collected where the test can read them.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _cookie(username: str, live_server) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    try:
        return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    finally:
        connections.close_all()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _page(browser, cookie: dict, problems: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_cookies([cookie])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_the_matrix_the_input_form_and_the_import_page_run_under_the_csp(live_server, browser):
    from playwright.sync_api import expect

    call_command("load_demo", verbosity=0)
    connections.close_all()
    problems: list[str] = []

    expert = _page(browser, _cookie("expert", live_server), problems)
    response = expert.goto(live_server.url + reverse("consultation:matrix", args=["demo"]))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(expert.locator("h1")).to_be_visible()
    assert _violations(expert) == []

    expert.goto(live_server.url + reverse("evidence:new", args=["demo"]))
    expert.locator("#id_title").fill("Under a strict policy")
    expert.get_by_label("Your input").fill("htmx saves this while I type.")
    expect(expert.locator("#autosave-status")).to_contain_text("Saved at", timeout=45_000)  # htmx works
    assert _violations(expert) == []

    secretariat = _page(browser, _cookie("secretariat", live_server), problems)
    secretariat.goto(live_server.url + reverse("consultation:import", args=["demo"]))
    expect(secretariat.locator("input[type=file]")).to_be_attached()
    assert _violations(secretariat) == []

    assert problems == []

    # The policy is enforced and the watch above would see a breach: an inline script added now is refused.
    secretariat.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    secretariat.wait_for_function("window.__cspViolations.length > 0")
    assert secretariat.evaluate("window.__ran") is None
    assert _violations(secretariat)[0].startswith("script-src")


def test_the_api_documentation_page_runs_under_the_csp(live_server, browser):
    from playwright.sync_api import expect

    from tests.factories import UserFactory

    UserFactory(username="reader")
    problems: list[str] = []
    page = _page(browser, _cookie("reader", live_server), problems)

    page.goto(live_server.url + "/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Consultation", timeout=45_000)
    assert _violations(page) == []
    assert problems == []
