"""Triage in a real browser: the secretariat searches the inbox, opens a submission and works through it
without leaving the page (htmx swaps each section; the next form is not refused as stale)."""

from __future__ import annotations

import os

import pytest
from django.db import connections
from django.urls import reverse

from evidence.models import Submission
from tests.consultation.pages.test_browser_matrix import CHROMIUM, CHROMIUM_ARGS
from tests.evidence.factories import submitted_by
from tests.factories import PASSWORD

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
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def test_the_secretariat_finds_a_submission_and_triages_it_in_place(
    live_server, consultation, secretariat, expert, draft_paper, browser_page
):
    submission = submitted_by(expert, consultation, title="Hashes miss new images", body="Only **known** ones.")
    submitted_by(expert, consultation, title="Unrelated remark", body="Metadata.")
    connections.close_all()
    page = browser_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(secretariat.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("evidence:inbox", args=[consultation.slug]))
    page.get_by_label("Search").fill("hashes")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table.inbox-table tbody tr").count() == 1
    page.get_by_role("link", name="Hashes miss new images").click()

    page.get_by_label("Status", exact=True).select_option("incorporated")
    page.get_by_label("Response to the expert").fill("Now in section 3.1.")
    page.get_by_role("button", name="Save status and response").click()
    page.get_by_text("the status is now “Incorporated”").wait_for()
    # The tags form got the new version out of band, so saving it right away is not refused as stale.
    page.get_by_label("New tag").fill("follow-up")
    page.get_by_role("button", name="Save tags").click()
    page.get_by_text("Tags saved.").wait_for()
    page.get_by_role("textbox", name="Internal note").fill("Discussed on Monday.")
    page.get_by_role("button", name="Add note").click()
    page.locator(".internal-note__body", has_text="Discussed on Monday.").wait_for()

    saved = Submission.objects.get(pk=submission.pk)
    assert (saved.status, saved.response) == ("incorporated", "Now in section 3.1.")
    assert list(saved.tags.values_list("name", flat=True)) == ["follow-up"]
    assert page.locator("#submission-status").inner_text() == "Incorporated"
    assert failed == []
    connections.close_all()
