"""Every page, checked in a real browser by axe-core against WCAG 2.1 A and AA.

axe-core (vendored under ``tests/vendor/``, from the npm registry) is injected
into each page after it loaded; any violation fails the test with its rule,
its impact and the elements concerned. Pages are checked as the secretariat
sees them (with every form and button a role may see), plus the sign-in page.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from consultation.services.rounds import round_open
from tests.consultation.references.axe_urls import reference_urls
from tests.evidence.evidence_map.axe_urls import evidence_map_urls
from tests.evidence.exports.axe_urls import export_urls
from tests.evidence.library.axe_urls import library_urls
from tests.factories import PASSWORD

from .conftest import page_urls
from .test_browser_matrix import CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parents[2] / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

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
            # bypass_csp: axe-core is injected as an inline script, which the site's CSP rightly refuses.
            page = browser.new_context(
                bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="en-GB"
            ).new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", WCAG_21_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results
    ]


def _triage_urls(consultation, secretariat, paper) -> dict[str, str]:
    from consultation.models import Membership, OpenItem, Role
    from evidence.services.triage import internal_note_add, submission_triage, tag_create
    from tests.evidence.factories import submitted_by
    from tests.factories import UserFactory

    expert = UserFactory(username="axe-expert")
    Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
    item = OpenItem.objects.filter(consultation=consultation, status="open").first()
    submission = submitted_by(
        expert, consultation, title="Input to triage", solutions=[paper["solutions"][1]], open_items=[item]
    )
    tag = tag_create(consultation=consultation, user=secretariat, name="follow-up")
    submission_triage(submission=submission, user=secretariat, status="under_review", response="Thanks", tags=[tag])
    internal_note_add(submission=submission, user=secretariat, body="Check the figures.")
    slug = consultation.slug
    return {
        "inbox": reverse("evidence:inbox", args=[slug]) + "?q=triage",
        "triage": reverse("evidence:triage", args=[slug, submission.pk]),
        "resolve open item": reverse("evidence:open_item_resolve", args=[slug, item.pk]),
        "criterion": reverse("consultation:criterion", args=[slug, paper["criteria"][0].key]),
    }


def _input_urls(consultation, secretariat, paper) -> dict[str, str]:
    """The expert-input pages (the secretariat may write input of its own, so it sees them all)."""
    from tests.evidence.factories import attach, draft_of, submitted_by

    mine = submitted_by(
        secretariat, consultation, title="Own input", body="Some **Markdown**.", solutions=[paper["solutions"][0]]
    )
    attach(mine, secretariat)
    draft = draft_of(secretariat, consultation, title="A draft")
    slug = consultation.slug
    return {
        "my input (portal)": reverse("evidence:portal", args=[slug]),
        "my submissions": reverse("evidence:mine", args=[slug]),
        "experts' input": reverse("evidence:shared", args=[slug]),
        "new input": reverse("evidence:new", args=[slug]),
        "draft input": reverse("evidence:edit", args=[slug, draft.pk]),
        "submission": reverse("evidence:detail", args=[slug, mine.pk]),
        "change submission": reverse("evidence:edit", args=[slug, mine.pk]),
        "receipt": reverse("evidence:version", args=[slug, mine.pk, 2]),
        "withdraw": reverse("evidence:withdraw", args=[slug, mine.pk]),
    }


def _member_urls(consultation, secretariat) -> tuple[dict[str, str], dict[str, str]]:
    """The members page, and an invitation link seen signed out (the account form) and signed in (accepting)."""
    from tests.factories import InvitationFactory, ProfileFactory

    ProfileFactory(user=secretariat)
    InvitationFactory(consultation=consultation, email="axe-new@example.org", invited_by=secretariat, token="axe-new")
    InvitationFactory(consultation=consultation, email=secretariat.email, role="observer", token="axe-own")
    signed_out = {
        "invitation (new account)": reverse("consultation:invitation", args=["axe-new"]),
        "password reset": reverse("account_reset_password"),
    }
    signed_in = {
        "members": reverse("consultation:members", args=[consultation.slug]),
        "invitation (accept)": reverse("consultation:invitation", args=["axe-own"]),
        "password change": reverse("account_change_password"),
        "email addresses": reverse("account_email"),
    }
    return signed_out, signed_in


def _version_urls(consultation, secretariat) -> dict[str, str]:
    """Named versions (list and publish form), a comparison, the matrix at a version, a cell's timeline and the
    consistency check with its mapping form."""
    from consultation.services.versions import version_publish

    version_publish(consultation=consultation, user=secretariat, label="v1 as circulated", note="To the experts")
    slug = consultation.slug
    return {
        "versions": reverse("consultation:versions", args=[slug]),
        "compare": reverse("consultation:compare", args=[slug]) + "?from=2024-01-31&to=v1+as+circulated",
        "matrix at a version": reverse("consultation:matrix", args=[slug]) + "?version=v1+as+circulated",
        "solution at a date": reverse("consultation:solution", args=[slug, "1a"]) + "?as_of=2024-02-01",
        "criterion at a version": reverse("consultation:criterion", args=[slug, "privacy"])
        + "?version=v1+as+circulated",
        "cell history": reverse("consultation:cell_history", args=[slug, "1a", "effectiveness"]),
        "cell history at a date": reverse("consultation:cell_history", args=[slug, "1a", "effectiveness"])
        + "?as_of=2024-02-01",
        "consistency": reverse("consultation:consistency", args=[slug]),
    }


def test_every_page_meets_wcag_2_1_aa(live_server, consultation, paper, secretariat, draft_import, browser_page):
    urls = {
        "consultation list": reverse("consultation:list"),
        "profile": reverse("consultation:profile"),
        **page_urls(consultation, import_id=draft_import.pk),
    }
    urls.pop("import_progress")  # a fragment polled by the import page, not a page of its own
    # Rating rounds as the secretariat sees them (test_browser_rounds.py checks the experts' round pages).
    now = timezone.now()
    round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=1))
    urls.update(
        {
            "rounds": reverse("consultation:rounds", args=[consultation.slug]),
            "new round": reverse("consultation:round_new", args=[consultation.slug]),
            "round": reverse("consultation:round", args=[consultation.slug, 1]),
            "round results": reverse("consultation:round_results", args=[consultation.slug, 1]) + "?by=expert_type",
        }
    )
    # The secretariat's triage pages, with one submission carrying a tag and an internal note.
    urls.update(_triage_urls(consultation, secretariat, paper))
    # Expert input: the portal, the submission form, a submission, its receipt and the withdrawal confirmation.
    urls.update(_input_urls(consultation, secretariat, paper))
    # Members and invitations (accounts): some pages are for people who are not signed in yet.
    signed_out, signed_in = _member_urls(consultation, secretariat)
    urls.update(signed_in)
    urls.update(_version_urls(consultation, secretariat))
    # References: the add, edit and import forms, and the links waiting to be re-attached.
    urls.update(reference_urls(consultation, secretariat))
    # The evidence library: sources, a source's structured text, excerpts and their forms.
    urls.update(library_urls(consultation, secretariat))
    # The evidence map: a cell's evidence (filtered, with a change argued), a solution's and an open item's.
    urls.update(evidence_map_urls(consultation, secretariat, paper))
    # Exports: the request form with the list of one's exports, and a finished export.
    urls.update(export_urls(consultation, secretariat))
    # The access trail, listing the reads of the pages above (they come first, so it has rows by then).
    urls["access trail"] = reverse("consultation:access", args=[consultation.slug]) + "?kind=page_view"
    # Account security: the two-factor authentication page and the sessions list.
    urls["two-factor authentication"] = reverse("mfa_index")
    urls["sessions"] = reverse("usersessions_list")
    connections.close_all()  # the browser's requests are served by the live server's own connection
    page = browser_page

    page.goto(live_server.url + reverse("login"))
    found = {"sign-in": _violations(page)}
    for name, path in signed_out.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        found[name] = _violations(page)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(secretariat.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("consultation:list"))

    for name, path in urls.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        # Open every disclosure (change forms, histories) so that their content is checked too.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found[name] = _violations(page)

    assert {name: v for name, v in found.items() if v} == {}
