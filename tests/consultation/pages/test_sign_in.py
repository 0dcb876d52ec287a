"""Signing in through the form and signing out through the navbar's POST form."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_form_has_labelled_fields(client_for):
    html = client_for(None).get(reverse("login")).content.decode()

    assert '<label class="form-label" for="id_login">Username or email</label>' in html
    assert '<label class="form-label" for="id_password">Password</label>' in html
    assert 'href="#main"' in html  # skip link


def test_signing_in_leads_to_my_consultations(client_for, consultation, expert):
    response = client_for(None).post(reverse("login"), {"login": expert.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("consultation:list")


def test_a_wrong_password_is_reported(client_for, expert):
    response = client_for(None).post(reverse("login"), {"login": expert.username, "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_signing_out_is_a_post_from_the_navbar(client_for, consultation, expert):
    client = client_for(expert)
    html = client.get("/").content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in html

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.fixture
def fresh_rate_limits(settings):
    """allauth counts attempts in the cache: start and end each such test with none counted."""
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    cache.clear()
    yield
    cache.clear()


def test_sign_in_is_refused_after_too_many_failed_attempts(client_for, expert, fresh_rate_limits):
    client = client_for(None)
    for _ in range(3):
        assert client.post(reverse("login"), {"login": expert.username, "password": "wrong"}).status_code == 200

    response = client.post(reverse("login"), {"login": expert.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_signing_in_with_the_email_address_works_too(client_for, consultation, expert):
    response = client_for(None).post(reverse("login"), {"login": expert.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("consultation:list")


def test_an_account_whose_address_is_not_verified_gets_a_verification_email(client_for):
    from django.core import mail

    from tests.factories import UserFactory

    UserFactory(username="unverified", email="unverified@example.org", verified_email=False)

    response = client_for(None).post(reverse("login"), {"login": "unverified", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["unverified@example.org"]]
    assert client_for(None).get(response.url).status_code == 200


def test_a_forgotten_password_is_reset_by_email(client_for, expert):
    from django.core import mail

    client = client_for(None)
    assert client.post(reverse("account_reset_password"), {"email": expert.email}).status_code == 302
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line).strip()
    path = link[link.index("/accounts/") :]

    form = client.get(path, follow=True)
    assert form.status_code == 200
    changed = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "a brand new long passphrase", "password2": "a brand new long passphrase"},
    )

    assert changed.status_code == 302
    expert.refresh_from_db()
    assert expert.check_password("a brand new long passphrase")
