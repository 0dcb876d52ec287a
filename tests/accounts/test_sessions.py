"""Sessions end after inactivity and after their absolute lifetime; a user sees and ends their other sessions;
changing an email address, the password or the second factor asks for the password again."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from consultation.middleware_accounts import SESSION_SEEN_KEY, SESSION_STARTED_KEY, TOUCH_EVERY_SECONDS
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST = reverse("consultation:list")


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED_KEY, "seen": SESSION_SEEN_KEY}[key]] = now - ago
    session.save()


def test_sessions_last_thirty_minutes_without_activity_and_twelve_hours_at_most_by_default():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_ABSOLUTE_AGE == 12 * 3600
    assert django_settings.ACCOUNT_SESSION_REMEMBER is False


def test_signing_in_records_when(client, expert):
    before = int(time.time())
    client.force_login(expert)

    assert client.session[SESSION_STARTED_KEY] >= before
    assert client.session[SESSION_SEEN_KEY] >= before


def test_a_session_idle_too_long_is_ended(client, consultation, expert):
    client.force_login(expert)
    age_session(client, started=31 * 60, seen=31 * 60)

    response = client.get(LIST, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "after a period without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(LIST).status_code == 302


def test_activity_keeps_a_session_alive(client, consultation, expert):
    client.force_login(expert)
    age_session(client, started=25 * 60, seen=25 * 60)

    assert client.get(LIST).status_code == 200
    assert client.session[SESSION_SEEN_KEY] > int(time.time()) - TOUCH_EVERY_SECONDS  # the activity was recorded
    age_session(client, started=50 * 60)  # 50 minutes in, but active 25 minutes ago at most
    assert client.get(LIST).status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, consultation, expert):
    client.force_login(expert)
    age_session(client, started=12 * 3600 + 5, seen=10)

    response = client.get(LIST, follow=True)

    assert "maximum length" in response.content.decode()
    assert client.get(LIST).status_code == 302


def test_an_ended_session_is_a_401_in_the_api(client, consultation, expert):
    client.force_login(expert)
    age_session(client, started=31 * 60, seen=31 * 60)

    assert client.get(f"/api/v1/consultations/{consultation.slug}/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_the_idle_limit_comes_from_the_environment(settings, client, consultation, expert):
    settings.SESSION_COOKIE_AGE = 5 * 60
    client.force_login(expert)
    age_session(client, seen=6 * 60)

    assert client.get(LIST).status_code == 302


def sign_in(user, agent):
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"login": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_user_sees_their_sessions_and_ends_the_others(consultation, expert):
    laptop = sign_in(expert, "Laptop browser/1.0")
    phone = sign_in(expert, "Phone browser/2.0")

    page = laptop.get(reverse("usersessions_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Laptop browser/1.0" in html and "Phone browser/2.0" in html
    assert "This session" in html
    assert "127.0.0.1" in html
    assert UserSession.objects.filter(user=expert).count() == 2

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert phone.get(LIST).status_code == 302  # the other session is over
    assert laptop.get(LIST).status_code == 200
    assert list(UserSession.objects.filter(user=expert).values_list("user_agent", flat=True)) == ["Laptop browser/1.0"]


def test_sessions_list_shows_only_ones_own(consultation, expert, observer):
    sign_in(observer, "Observer browser")
    mine = sign_in(expert, "Expert browser")

    html = mine.get(reverse("usersessions_list")).content.decode()

    assert "Expert browser" in html
    assert "Observer browser" not in html


def test_adding_an_email_address_asks_for_the_password_again(client, expert):
    client.force_login(expert)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not expert.emailaddress_set.filter(email="new@example.org").exists()

    client.post(response.url, {"password": PASSWORD})  # confirming resumes the request
    assert expert.emailaddress_set.filter(email="new@example.org").exists()


def test_changing_the_password_needs_the_current_one(client, expert):
    client.force_login(expert)

    refused = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": "a-new-long-password-1", "password2": "a-new-long-password-1"},
    )
    assert refused.status_code == 200
    expert.refresh_from_db()
    assert expert.check_password(PASSWORD)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-new-long-password-1", "password2": "a-new-long-password-1"},
    )
    expert.refresh_from_db()
    assert expert.check_password("a-new-long-password-1")


def test_changing_the_second_factor_asks_for_the_password_again(client, expert, with_totp):
    with_totp(expert)
    client.force_login(expert)

    for url in (reverse("mfa_deactivate_totp"), reverse("mfa_generate_recovery_codes"), reverse("mfa_activate_totp")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_reauthenticate")) or response.url == reverse("mfa_index")
    assert client.get(reverse("mfa_deactivate_totp")).url.startswith(reverse("account_reauthenticate"))


def test_activity_updates_the_last_seen_time_of_the_session_list(consultation, expert):
    laptop = sign_in(expert, "Laptop browser/1.0")
    row = UserSession.objects.get(user=expert)
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=row.created_at.replace(year=2020))
    age_session(laptop, seen=20 * 60)

    assert laptop.get(LIST).status_code == 200

    assert UserSession.objects.get(pk=row.pk).last_seen_at.year > 2020
