"""A rating round in real browsers: the secretariat opens it over a few cells, two experts answer it (each in
their own browser context, saved as they go), the secretariat closes it and reads the results; the round pages
are also checked by axe-core (WCAG 2.1 AA) as the experts see them."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultation.services.rounds import round_close, round_open
from tests.consultation.rounds_fixtures import answer, make_expert, make_grid

from .test_browser_accessibility import _violations
from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]


def _session_cookie(user, live_server) -> dict:
    """A signed-in session for ``user``, made before the browser starts (no sign-in page involved)."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.fixture
def browser():
    """Chromium; request it after the fixtures that write to the database (see test_browser_matrix)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _page_as(browser, cookie, problems: list):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        # axe-core is injected as an inline script, which the site's CSP rightly refuses.
        bypass_csp=True,
    )
    context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def _local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def people(consultation, secretariat, expert):
    make_grid(consultation)
    second = make_expert(consultation, "expert2")
    return secretariat, expert, second


def test_a_round_is_opened_answered_by_two_experts_closed_and_its_consensus_shown(
    live_server, consultation, people, browser
):
    from playwright.sync_api import expect

    secretariat, first, second = people
    cookies = {user.username: _session_cookie(user, live_server) for user in people}
    connections.close_all()
    problems: list[str] = []
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    now = timezone.now()

    sec = _page_as(browser, cookies[secretariat.username], problems)
    sec.goto(base + reverse("consultation:rounds", args=[consultation.slug]))
    sec.get_by_role("link", name="Open round 1").click()
    sec.get_by_label("Title").fill("First round")
    sec.get_by_label("Opens").fill(_local(now - timedelta(minutes=5)))
    sec.get_by_label("Closes").fill(_local(now + timedelta(days=2)))
    sec.get_by_label("Only the cells ticked below").check()
    for cell in ("1a × Effectiveness", "1a × Privacy", "1b × Privacy"):
        sec.get_by_label(cell, exact=True).check()
    sec.get_by_role("button", name="Open the round").click()
    expect(sec.get_by_role("heading", name="Round 1: First round")).to_be_visible()
    expect(sec.get_by_text("Round 1 opened over 3 cells.")).to_be_visible()

    answers = {first.username: {"1a": ("4 stars", "Effectiveness"), "1b": ("Cannot judge", "Privacy")},
               second.username: {"1a": ("5 stars", "Effectiveness"), "1b": ("2 stars", "Privacy")}}  # fmt: skip
    for username, given in answers.items():
        page = _page_as(browser, cookies[username], problems)
        page.goto(base + reverse("consultation:round_answer", args=[consultation.slug, 1]))
        expect(page.locator("#round-progress")).to_have_text("0 of 3 answered")
        for n, (code, (choice, criterion)) in enumerate(given.items(), start=1):
            cell = page.get_by_role("form", name=f"{criterion} of {code}")
            cell.get_by_label(choice, exact=True).check()
            expect(cell.locator(".answer-cell__status")).to_have_text(f"Saved: {code} × {criterion}.")
            expect(page.locator("#round-progress")).to_have_text(f"{n} of 3 answered")
        # A comment is saved when the expert leaves the box, and the other cells keep what they show.
        cell = page.get_by_role("form", name="Effectiveness of 1a")
        cell.get_by_label("Comment on 1a for Effectiveness (optional)").fill(f"Comment of {username}")
        cell.get_by_label("Comment on 1a for Effectiveness (optional)").blur()
        expect(cell.locator(".answer-cell__status")).to_have_text("Saved: 1a × Effectiveness.")
        expect(page.get_by_role("form", name="Privacy of 1b").get_by_label(given["1b"][0], exact=True)).to_be_checked()
        # A reload shows what was saved.
        page.reload()
        expect(page.locator("#round-progress")).to_have_text("2 of 3 answered")
        page.screenshot(path=str(SCREENSHOTS / "round-answer.png"), full_page=True)
        expect(
            page.get_by_role("form", name="Effectiveness of 1a").get_by_label(given["1a"][0], exact=True)
        ).to_be_checked()
        page.context.close()

    sec.goto(base + reverse("consultation:round", args=[consultation.slug, 1]))
    sec.get_by_role("button", name="Close round 1").click()
    expect(sec.get_by_text("Round 1 closed: the experts now see its figures.")).to_be_visible()
    sec.get_by_role("link", name="Results").click()
    agreed = sec.locator("#result-1a-effectiveness")
    expect(agreed).to_contain_text("4.5")  # median of 4 and 5
    expect(agreed.locator(".consensus-flag")).to_have_text("Consensus")
    split = sec.locator("#result-1b-privacy")
    expect(split.locator(".consensus-flag")).to_have_text("Consensus")  # a single star answer (2), one cannot judge
    expect(sec.locator("#result-1a-privacy .consensus-flag")).to_have_text("No answers")
    expect(sec.locator("#consensus-summary")).to_have_text("2 of 3 cells reached consensus.")
    sec.screenshot(path=str(SCREENSHOTS / "round-results.png"), full_page=True)

    assert problems == []


def test_the_expert_round_pages_meet_wcag_2_1_aa(live_server, consultation, people, browser):
    secretariat, first, second = people
    now = timezone.now()
    earlier = round_open(
        consultation=consultation, user=secretariat, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=1)
    )
    for expert, stars in ((first, 3), (second, 4)):
        for cell in earlier.cells.all():
            answer(earlier, cell, expert, stars, comment="Because.")
    round_close(round=earlier, user=secretariat)
    round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=1))
    cookie = _session_cookie(first, live_server)
    connections.close_all()
    page = _page_as(browser, cookie, [])
    slug = consultation.slug
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in {
        "rounds (expert)": reverse("consultation:rounds", args=[slug]),
        "round (expert)": reverse("consultation:round", args=[slug, 2]),
        "answer with the previous round": reverse("consultation:round_answer", args=[slug, 2]),
        "results (expert)": reverse("consultation:round_results", args=[slug, 1]) + "?by=expert_type",
    }.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found[name] = _violations(page)
        page.screenshot(path=str(SCREENSHOTS / f"round-{name.split()[0]}-expert.png"), full_page=True)

    assert {name: v for name, v in found.items() if v} == {}
