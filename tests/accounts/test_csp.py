"""The Content Security Policy is sent everywhere, and no page needs it relaxed: crawling every page of the demo
consultation as the secretariat, an expert and an observer finds no inline script, no inline style and no inline
event handler."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from consultation.models import Consultation
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
# Links the crawler does not follow: they change state on GET (none should), leave the site or are files.
SKIP = re.compile(r"^/(static|admin|accounts/logout|api/schema)/|/download/?$|\.(pdf|docx|xlsx|csv|json|zip|txt)$")
MAX_PAGES = 600


def page_key(url: str) -> tuple[str, frozenset[str]]:
    """One page per path and set of query parameters: ?as_of=<every date> renders the same template."""
    parts = urlsplit(url)
    return parts.path, frozenset(item.split("=")[0] for item in parts.query.split("&") if item)


class InlineCodeFinder(HTMLParser):
    """Collects links and every inline script, style element, style attribute and on* handler in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> attribute")
        if tag == "style":
            self.problems.append("<style> element")
        # Data blocks (json_script, allauth's onload arguments) are not executed: the CSP does not apply to them.
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.problems.append("inline <script> without src")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href", "").startswith("http"):
            self.problems.append("stylesheet from another site")


def check_page(html: str) -> tuple[list[str], list[str]]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems, finder.links


def crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """GET every page reachable from ``starts`` by links on the site; the problems found, per page."""
    seen: set[tuple] = set()
    queue = list(starts)
    found: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if page_key(url) in seen:
            continue
        seen.add(page_key(url))
        response = client.get(url)
        header = response.headers.get("Content-Security-Policy", "")
        directives = {part.strip() for part in header.split(";")}
        if not directives >= EXPECTED_DIRECTIVES:
            found.setdefault(url, []).append(f"CSP header missing or weaker: {header!r}")
        if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
            continue
        problems, links = check_page(response.content.decode())
        if problems:
            found.setdefault(url, []).extend(problems)
        for link in links:
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or SKIP.search(parts.path):
                continue
            if page_key(link) not in seen:
                queue.append(link)
    found["__count__"] = [str(len(seen))]
    return found


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_input", verbosity=0)
    call_command("load_demo_rounds", verbosity=0)
    return Consultation.objects.get(slug="demo")


@pytest.mark.parametrize("username", ["secretariat", "expert", "observer"])
def test_every_page_of_the_demo_has_the_csp_and_no_inline_code(demo, username):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    starts = [
        reverse("consultation:list"),
        reverse("consultation:home", args=[demo.slug]),
        reverse("consultation:profile"),
        reverse("mfa_index"),
        reverse("usersessions_list"),
        reverse("account_email"),
        reverse("account_change_password"),
    ]

    found = crawl(client, starts)
    count = int(found.pop("__count__")[0])

    assert 20 < count < MAX_PAGES, f"{count} pages reached"
    assert found == {}
    print(f"{username}: {count} pages crawled, no inline code")


def test_the_sign_in_pages_and_the_api_docs_have_the_csp_and_no_inline_code(demo):
    anonymous = Client()
    for url in (reverse("login"), reverse("account_reset_password")):
        response = anonymous.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert check_page(response.content.decode())[0] == []

    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="expert"))
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]
    assert check_page(docs.content.decode())[0] == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "javascript" in script.headers["Content-Type"]


def test_the_finder_catches_each_kind_of_inline_code():
    problems, _ = check_page(
        '<p style="color:red">x</p><button onclick="go()">b</button><script>alert(1)</script>'
        '<style>p{}</style><script type="application/json">{}</script><script src="/static/a.js"></script>'
    )

    assert problems == [
        "<p style=...> attribute",
        "<button onclick=...> event handler",
        "inline <script> without src",
        "<style> element",
    ]


def test_the_account_security_pages_carry_no_inline_code(client, expert, with_totp):
    with_totp(expert)
    client.force_login(expert)
    target = reverse("mfa_deactivate_totp")
    assert client.post(f"{reverse('account_reauthenticate')}?next={target}", {"password": PASSWORD}).status_code == 302

    for name in (
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "usersessions_list",
        "account_reauthenticate",
        "mfa_reauthenticate",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert check_page(response.content.decode())[0] == [], name
        assert 'class="page-title"' in response.content.decode() or 'class="h3 mb-3"' in response.content.decode(), name


def test_the_sign_in_code_step_and_setting_up_an_app_carry_no_inline_code(client, expert, with_totp):
    client.force_login(expert)
    client.post(f"{reverse('account_reauthenticate')}?next=/", {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert check_page(setup.content.decode())[0] == []
    client.post(reverse("logout"))

    with_totp(expert)
    client.post(reverse("login"), {"login": expert.username, "password": PASSWORD})
    step = client.get(reverse("mfa_authenticate"))
    assert step.status_code == 200
    assert check_page(step.content.decode())[0] == []
