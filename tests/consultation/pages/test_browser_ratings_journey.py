"""The whole life of a rating in real browsers, as one journey: the secretariat opens a round over a few cells,
two experts answer it (each in their own browser context), the secretariat closes it, adopts a cell with a reason
resting on that round and on a submitted input, publishes a version and compares it with the previous one.

It reuses the helpers of test_browser_rounds.py (signed-in sessions, one context per person) on the small draft of
the page tests (``paper``), where 1a's privacy stands at two stars, "Medium-low".
"""

import os
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from consultation.services.versions import version_publish
from tests.consultation.rounds_fixtures import make_expert
from tests.evidence.factories import submitted_by

from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS
from .test_browser_rounds import _local, _page_as, _session_cookie

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]

REASON = "Round 1 put privacy at four stars with consensus, as the pilot report argued"


@pytest.fixture
def browser():
    """Chromium; requested after the fixtures that write to the database (see test_browser_matrix)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def people(consultation, paper, secretariat, expert):
    """The secretariat, two experts, a first published version, and one submitted input on 1a."""
    second = make_expert(consultation, "expert2")
    version_publish(consultation=consultation, user=secretariat, label="v1 as circulated")
    pilot = submitted_by(expert, consultation, title="Pilot on privacy", solutions=[paper["solutions"][1]])
    return secretariat, expert, second, pilot


def test_a_round_answered_by_two_experts_leads_to_an_adopted_rating_a_version_and_a_visible_change(
    live_server, consultation, people, browser
):
    from playwright.sync_api import expect

    secretariat, first, second, pilot = people
    cookies = {user.username: _session_cookie(user, live_server) for user in (secretariat, first, second)}
    connections.close_all()
    problems: list[str] = []
    base = live_server.url
    slug = consultation.slug
    now = timezone.now()

    # The secretariat opens round 1 over three cells.
    sec = _page_as(browser, cookies[secretariat.username], problems)
    sec.goto(base + reverse("consultation:round_new", args=[slug]))
    sec.get_by_label("Title").fill("Privacy and effectiveness")
    sec.get_by_label("Opens").fill(_local(now - timedelta(minutes=5)))
    sec.get_by_label("Closes").fill(_local(now + timedelta(days=2)))
    sec.get_by_label("Only the cells ticked below").check()
    for cell in ("1a × Effectiveness", "1a × Privacy", "1b × Effectiveness"):
        sec.get_by_label(cell, exact=True).check()
    sec.get_by_role("button", name="Open the round").click()
    expect(sec.get_by_text("Round 1 opened over 3 cells.")).to_be_visible()

    # Two experts answer, each in their own browser; every choice is saved as it is made.
    answers = {first.username: {"Privacy": "4 stars", "Effectiveness": "3 stars"},
               second.username: {"Privacy": "4 stars", "Effectiveness": "5 stars"}}  # fmt: skip
    for username, given in answers.items():
        page = _page_as(browser, cookies[username], problems)
        page.goto(base + reverse("consultation:round_answer", args=[slug, 1]))
        for n, (criterion, choice) in enumerate(given.items(), start=1):
            cell = page.get_by_role("form", name=f"{criterion} of 1a")
            cell.get_by_label(choice, exact=True).check()
            expect(cell.locator(".answer-cell__status")).to_have_text(f"Saved: 1a × {criterion}.")
            expect(page.locator("#round-progress")).to_have_text(f"{n} of 3 answered")
        page.context.close()

    # The secretariat closes it.
    sec.goto(base + reverse("consultation:round", args=[slug, 1]))
    sec.get_by_role("button", name="Close round 1").click()
    expect(sec.get_by_text("Round 1 closed: the experts now see its figures.")).to_be_visible()

    # It adopts 1a's privacy at four stars, resting on round 1 (whose figures it is shown) and on the pilot input.
    sec.goto(base + reverse("consultation:solution", args=[slug, "1a"]))
    cell = sec.locator("#criterion-privacy")
    cell.get_by_text("Change this rating").click()
    expect(cell.locator(".round-figures")).to_contain_text("Round 1: 2 answers, median 4, interquartile range 0")
    cell.get_by_label("Stars").select_option("4")
    cell.get_by_label("Level in the text").fill("Medium-high")
    cell.get_by_label("Reason for the change").fill(REASON)
    cell.get_by_label(f"#{pilot.pk} Pilot on privacy").check()
    cell.get_by_label("Rests on round").select_option("1")
    cell.get_by_role("button", name="Record the change").click()
    expect(sec.locator("#criterion-privacy .change-notice")).to_contain_text("Revision 2 recorded")

    # It publishes the next version and compares it with the one before.
    sec.get_by_role("navigation", name="Consultation").get_by_role("link", name="Versions").click()
    sec.get_by_label("Label").fill("v2 after round 1")
    sec.get_by_role("button", name="Publish the version").click()
    expect(sec.get_by_text("Version “v2 after round 1” published.")).to_be_visible()
    sec.get_by_role("link", name="Changes since v1 as circulated").click()
    expect(sec.get_by_role("heading", name="From v1 as circulated to v2 after round 1")).to_be_visible()

    expect(sec.locator(".diff-row")).to_have_count(1)
    row = sec.locator("#diff-1a-privacy")
    expect(row).to_contain_text("Medium-low")  # from
    expect(row).to_contain_text("Medium-high")  # to
    expect(row).to_contain_text("up")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("round 1")
    expect(row).to_contain_text("Pilot on privacy")
    expect(row).to_contain_text("Sam Secretary")
    assert problems == []
