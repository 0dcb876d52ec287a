"""The expert's whole journey in a real browser (Debian's chromium through Playwright, a real Celery worker).

Invitation accepted (account created from the link) -> the portal -> "Answer" an open item -> the draft is
autosaved as the expert types -> a file attached, a solution ticked -> submitted: the receipt page with the
time and the SHA-256, and the receipt by email -> the secretariat marks it incorporated with a response on
the triage page -> the expert reads the response on their submission's page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse

from evidence.models import Submission
from tests.consultation.pages.test_browser_matrix import CHROMIUM, CHROMIUM_ARGS
from tests.factories import InvitationFactory

from .factories import PDF_BYTES

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
TOKEN = "journey-token-0123456789abcdefghijklmnop"
PASSWORD = "a long passphrase for the journey"


def _query(read):
    """A database read while Playwright runs; its connection is closed so the test database can be dropped."""
    try:
        return read()
    finally:
        connections.close_all()


def _session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def _wait_for_mail(count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(mail.outbox) < count:
        time.sleep(0.1)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _page(browser, problems: list, cookie: dict | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    if cookie:
        context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    return page


def test_an_invited_expert_submits_input_with_a_file_and_reads_the_secretariats_response(
    live_server, celery_worker, consultation, secretariat, draft_paper, tmp_path, browser
):
    from playwright.sync_api import expect

    InvitationFactory(
        consultation=consultation, email="nadia@example.org", role="expert", invited_by=secretariat, token=TOKEN
    )
    secretariat_cookie = _session_cookie(secretariat, live_server)
    study = tmp_path / "Field study.pdf"
    study.write_bytes(PDF_BYTES)
    mail.outbox.clear()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    slug = consultation.slug

    # The invitation link: a new account, then the consultation.
    expert = _page(browser, problems)
    expert.goto(live_server.url + reverse("consultation:invitation", args=[TOKEN]))
    expert.locator("#id_username").fill("nadia")
    expert.locator("#id_password1").fill(PASSWORD)
    expert.locator("#id_password2").fill(PASSWORD)
    expert.locator("#id_name").fill("Nadia Van den Berg")
    expert.locator("#id_organisation").fill("KU Leuven")
    expert.locator("#id_expert_type").select_option("academia")
    expert.locator("#id_country").select_option("BE")
    expert.get_by_role("button", name="Create my account and accept").click()
    expert.wait_for_url(live_server.url + reverse("consultation:home", args=[slug]))

    # The portal, and "Answer" on the open item: the new draft starts linked to it.
    expert.get_by_role("link", name="My input").click()
    expect(expert.get_by_role("heading", name="Open items that still need input")).to_be_visible()
    expert.get_by_role("link", name="Answer “Which solution first?”").click()
    expect(expert.get_by_label("Which solution first?")).to_be_checked()
    expert.locator("#id_title").fill("Start with the server side")
    expert.get_by_label("Your input").fill("Server-side matching is **testable** today.")
    expect(expert.locator("#autosave-status")).to_contain_text("Saved at", timeout=30_000)
    assert _query(lambda: Submission.objects.get().title) == "Start with the server side"

    expert.get_by_label("1a All detection on device").check()
    # Let the autosave the tick starts (after 400 ms) finish first, so a slow machine never has it in flight
    # while the form is submitted.
    expert.wait_for_timeout(700)
    expect(expert.locator("#autosave-status")).to_contain_text("Saved at", timeout=30_000)
    expert.get_by_label("Attach files").set_input_files(str(study))
    expert.screenshot(path=str(SCREENSHOTS / "submission_form.png"), full_page=True)
    expert.get_by_role("button", name="Submit", exact=True).click()

    # The receipt, on screen and by email.
    expect(expert.get_by_role("heading", name="Receipt")).to_be_visible()
    submission = _query(lambda: Submission.objects.get())
    sha256 = _query(lambda: submission.versions.get().sha256)
    expect(expert.locator("#receipt-sha256")).to_have_text(sha256)
    expert.screenshot(path=str(SCREENSHOTS / "receipt.png"), full_page=True)
    assert _query(lambda: (list(submission.solutions.values_list("code", flat=True)), submission.open_items.count()))
    assert _query(lambda: submission.attachments.get().name) == "Field study.pdf"
    _wait_for_mail(1)
    assert any(sha256 in message.body and message.to == ["nadia@example.org"] for message in mail.outbox)

    # The secretariat marks it incorporated, with a response.
    sec = _page(browser, problems, secretariat_cookie)
    sec.goto(live_server.url + reverse("evidence:triage", args=[slug, submission.pk]))
    sec.get_by_label("Status", exact=True).select_option("incorporated")
    sec.get_by_label("Response to the expert").fill("Taken into the recommendations, section 5.")
    sec.get_by_role("button", name="Save status and response").click()
    expect(sec.get_by_text("Response last changed")).to_be_visible()

    # The expert sees what became of it.
    expert.goto(live_server.url + reverse("evidence:detail", args=[slug, submission.pk]))
    response_panel = expert.locator(".response-panel")
    expect(response_panel).to_contain_text("Incorporated")
    expect(response_panel).to_contain_text("Taken into the recommendations, section 5.")
    expert.screenshot(path=str(SCREENSHOTS / "submission_detail.png"), full_page=True)
    expert.goto(live_server.url + reverse("evidence:portal", args=[slug]))
    expect(expert.get_by_role("cell", name="Taken into the recommendations, section 5.")).to_be_visible()
    expert.screenshot(path=str(SCREENSHOTS / "portal.png"), full_page=True)

    assert problems == []
