"""In a real browser: select a passage of the Council paper (or of our own demo text when the seeds are absent),
quote it, link it to a cell as "argues for lower", save, and find it on the excerpt list."""

from __future__ import annotations

import os

import pytest
from django.db import connections
from django.urls import reverse

from evidence.library.blocks import iter_quotes
from evidence.models import Excerpt
from evidence.services.library import latest_version, source_create
from tests.consultation.pages.test_browser_matrix import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD

from .conftest import COUNCIL_PAPER, OWN_TEXT, upload

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make chromium)"),
]

SELECT_LEAF = """
(selector) => {
  const leaf = document.querySelector(selector);
  const walker = document.createTreeWalker(leaf, NodeFilter.SHOW_TEXT);
  const first = walker.nextNode();
  let last = first;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) { last = node; }
  const range = document.createRange();
  range.setStart(first, 0);
  range.setEnd(last, last.textContent.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return selection.toString();
}
"""


@pytest.fixture
def source_and_passage(consultation, secretariat):
    """The Council paper and its first quoted article proposal, or our own text and one of its list items."""
    if COUNCIL_PAPER.exists():
        source = source_create(
            consultation=consultation,
            user=secretariat,
            title="Council paper",
            reference="WK 6697/2024",
            file=upload(COUNCIL_PAPER.read_bytes(), "council.txt"),
        )
        version = latest_version(source)
        quote = next(iter_quotes(version.blocks))
        return source, "q.source-quote", version.text[quote["start"] : quote["end"]]
    source = source_create(
        consultation=consultation, user=secretariat, title="Own study", file=upload(OWN_TEXT, "a.txt")
    )
    version = latest_version(source)
    passage = "Users cannot audit what is matched."
    return source, f'[data-start="{version.text.index(passage)}"]', passage


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB").new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def test_an_expert_quotes_a_selected_passage_for_a_cell_as_arguing_for_lower(
    live_server, consultation, expert, cell, source_and_passage, browser_page
):
    from playwright.sync_api import expect

    source, selector, passage = source_and_passage
    connections.close_all()
    page = browser_page
    source_path = reverse("evidence:source", args=[consultation.slug, source.pk])
    page.goto(live_server.url + source_path)
    page.get_by_label("Username").fill(expert.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + source_path)

    page.evaluate(SELECT_LEAF, selector)
    page.get_by_role("button", name="Quote selection").click()
    expect(page.locator("#excerpt-form")).to_be_visible()
    expect(page.locator("#excerpt_quote")).to_have_value(passage)
    page.get_by_label("Argues for lower").check()
    page.get_by_label("Cells (solution × criterion)").select_option(label="1b × Privacy")
    page.get_by_role("button", name="Save the excerpt").click()
    expect(page.get_by_text("Excerpt saved.")).to_be_visible()

    page.goto(live_server.url + reverse("evidence:excerpts", args=[consultation.slug]) + "?stance=lower")
    item = page.locator(".excerpt-item").first
    expect(item).to_contain_text(passage[:60])
    expect(item).to_contain_text("Argues for lower")
    expect(item).to_contain_text("1b × Privacy")
    expect(item.locator(".excerpt-located")).to_have_text("found")

    def saved():
        try:
            return Excerpt.objects.select_related("source_version").get()
        finally:
            connections.close_all()

    excerpt = saved()
    assert excerpt.quote == passage and excerpt.stance == "lower"
    assert excerpt.source_version.text[excerpt.start : excerpt.end] == passage

    # The evidence map: the excerpt is on the cell's evidence page, and the matrix counts it for the cell with the
    # "change argued" marker (it argues for lower and no revision has decided on it yet).
    page.goto(live_server.url + reverse("evidence:cell_evidence", args=[consultation.slug, "1b", "privacy"]))
    evidence = page.locator(f"#evidence-excerpt-{excerpt.pk}")
    expect(evidence).to_contain_text(passage)
    expect(evidence).to_contain_text("Argues for lower")
    expect(evidence).to_contain_text("change argued, not decided")
    page.goto(live_server.url + reverse("consultation:matrix", args=[consultation.slug]))
    link = page.locator('a.matrix-cell__evidence[href$="/solutions/1b/ratings/privacy/evidence/"]')
    expect(link.locator(".evidence-count")).to_have_text("1")
    expect(page.locator("td", has=link).locator(".matrix-cell__argued")).to_have_text("⇅ change argued")
