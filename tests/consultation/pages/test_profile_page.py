"""The profile page: who you are, your consultations and roles, and your API token (created, shown once, revoked)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from consultation.models import Membership, Role
from consultation.services import token_renew
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

URL = "/profile/"
KEY = re.compile(r'id="new-token-key"[^>]*value="([0-9a-f]{40})"|value="([0-9a-f]{40})"[^>]*id="new-token-key"')


def _key_on(html: str) -> str | None:
    match = KEY.search(html)
    return (match.group(1) or match.group(2)) if match else None


def _api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/consultations/").status_code


def test_the_page_is_at_profile():
    assert reverse("consultation:profile") == URL


@pytest.mark.parametrize("url", [URL, "/profile/token/", "/profile/token/revoke/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, url):
    response = client_for(None).get(url) if url == URL else client_for(None).post(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


def test_shows_name_email_username_and_every_consultation_with_the_role(client_for, consultation, expert):
    other = ConsultationFactory(title="Another paper", status="archived")
    Membership.objects.create(consultation=other, user=expert, role=Role.SECRETARIAT)

    html = client_for(expert).get(URL).content.decode()

    assert "<dt>Name</dt><dd>Eva Expert</dd>" in html
    assert "<dt>Email</dt><dd>exp@example.org</dd>" in html
    assert "<dt>Username</dt><dd>exp</dd>" in html
    rows = re.findall(r'<a href="/c/([^/]+)/">([^<]+)</a></th>.*?role-badge--\w+">(\w+)</span>', html, re.S)
    assert sorted(rows) == sorted(
        [(consultation.slug, consultation.title, "Expert"), (other.slug, "Another paper", "Secretariat")]
    )


def test_the_navbar_links_the_users_name_to_the_profile(client_for, expert):
    html = client_for(expert).get("/").content.decode()

    assert re.search(rf'<a class="navbar-user__profile" href="{URL}">Eva Expert<span class="visually-hidden">', html)


def test_without_a_token_the_page_says_so_and_offers_to_create_one(client_for, expert):
    html = client_for(expert).get(URL).content.decode()

    assert "You have no API token." in html
    assert 'action="/profile/token/"' in html
    assert "Create a new token" in html
    assert 'action="/profile/token/revoke/"' not in html


def test_a_new_token_is_shown_once_and_works_on_the_api(client_for, expert):
    client = client_for(expert)

    response = client.post("/profile/token/")

    html = response.content.decode()
    key = _key_on(html)
    assert response.status_code == 200
    assert key == Token.objects.get(user=expert).key
    assert "it is shown only this once" in html and "It replaces your previous token" in html
    assert "no-store" in response["Cache-Control"]
    assert _api_status(key) == 200
    later = client.get(URL).content.decode()
    assert key not in later
    assert "You have a token, created on" in later


def test_a_new_token_replaces_the_previous_one(client_for, expert):
    old_key = token_renew(user=expert).key

    new_key = _key_on(client_for(expert).post("/profile/token/").content.decode())

    assert new_key and new_key != old_key
    assert _api_status(old_key) == 401
    assert _api_status(new_key) == 200


def test_a_revoked_token_no_longer_authenticates_on_the_api(client_for, expert):
    key = token_renew(user=expert).key
    client = client_for(expert)
    assert 'action="/profile/token/revoke/"' in client.get(URL).content.decode()

    response = client.post("/profile/token/revoke/")

    assert response.status_code == 302
    assert response.url == URL
    assert not Token.objects.filter(user=expert).exists()
    assert _api_status(key) == 401
    html = client.get(URL).content.decode()
    assert "Your API token was revoked: it no longer works." in html
    assert "You have no API token." in html


def test_revoking_without_a_token_says_there_was_none(client_for, expert):
    client = client_for(expert)

    client.post("/profile/token/revoke/")

    assert "You had no API token; nothing to revoke." in client.get(URL).content.decode()


@pytest.mark.parametrize("url", ["/profile/token/", "/profile/token/revoke/"])
def test_token_changes_are_posts_only(client_for, expert, url):
    assert client_for(expert).get(url).status_code == 405
    assert not Token.objects.filter(user=expert).exists()


def test_token_changes_need_the_csrf_token(expert):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(expert)

    assert client.post("/profile/token/").status_code == 403
    assert not Token.objects.filter(user=expert).exists()
