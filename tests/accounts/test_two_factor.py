"""Two-factor sign-in: required of the secretariat and staff, optional for others; codes and recovery codes."""

import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse
from rest_framework.authtoken.models import Token

from consultation.middleware_accounts import MFA_API_MESSAGE
from tests.accounts.conftest import stored_secret, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("consultation:list")


def sign_in_with_password(client, user):
    return client.post(reverse("login"), {"login": user.username, "password": PASSWORD})


def test_a_secretariat_member_with_an_app_is_asked_for_a_code_and_the_password_alone_does_not_get_in(
    client, consultation, secretariat, mfa_required, with_totp
):
    with_totp(secretariat)

    response = sign_in_with_password(client, secretariat)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(LIST).status_code == 302  # still signed out: sent to sign in
    assert client.get(f"/api/v1/consultations/{consultation.slug}/").status_code in (401, 403)
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "authenticator app" in page.content.decode()


def test_the_code_from_the_app_completes_the_sign_in(client, consultation, secretariat, mfa_required, with_totp):
    secret = with_totp(secretariat)
    sign_in_with_password(client, secretariat)

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response.url == LIST
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("consultation:home", args=[consultation.slug])).status_code == 200


def test_a_recovery_code_works_once(client, consultation, secretariat, mfa_required, with_totp):
    with_totp(secretariat)
    code = RecoveryCodes(Authenticator.objects.get(user=secretariat, type="recovery_codes")).get_unused_codes()[0]

    sign_in_with_password(client, secretariat)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(LIST).status_code == 200
    client.post(reverse("logout"))

    sign_in_with_password(client, secretariat)
    again = client.post(reverse("mfa_authenticate"), {"code": code})

    assert again.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(LIST).status_code == 302
    codes = RecoveryCodes(Authenticator.objects.get(user=secretariat, type="recovery_codes"))
    assert code not in codes.get_unused_codes()
    assert len(codes.get_unused_codes()) == len(codes.generate_codes()) - 1


def test_a_secretariat_member_without_a_second_factor_is_sent_to_set_one_up_everywhere(
    client, consultation, secretariat, mfa_required
):
    response = sign_in_with_password(client, secretariat)
    assert response.status_code == 302

    for url in (LIST, reverse("consultation:home", args=[consultation.slug]), reverse("consultation:profile")):
        page = client.get(url, follow=True)
        assert page.redirect_chain[-1][0] == reverse("mfa_index"), url
        assert "must protect their account with a second factor" in page.content.decode()
    # Setting up a second factor asks for the password again first (re-authentication), and is allowed.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.url.startswith(reverse("account_reauthenticate"))
    assert client.get(setup.url).status_code == 200


def test_the_api_refuses_the_session_and_the_token_of_a_secretariat_member_without_a_second_factor(
    client, consultation, secretariat, mfa_required
):
    client.force_login(secretariat)
    response = client.get(f"/api/v1/consultations/{consultation.slug}/")
    assert response.status_code == 403
    assert response.json()["detail"] == MFA_API_MESSAGE

    token = Token.objects.create(user=secretariat)  # made before the rule applied to them
    response = client.__class__().get(
        f"/api/v1/consultations/{consultation.slug}/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == MFA_API_MESSAGE


def test_a_password_alone_does_not_create_a_token_for_an_account_with_a_second_factor(
    client, consultation, secretariat, expert, mfa_required, with_totp
):
    def basic(user):
        credentials = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        return client.post("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Basic {credentials}")

    with_totp(secretariat)
    refused = basic(secretariat)
    assert refused.status_code == 401
    assert "second factor" in refused.json()["detail"]
    assert not Token.objects.filter(user=secretariat).exists()

    with_totp(expert)  # optional for experts, but once set up the password alone no longer suffices
    assert basic(expert).status_code == 401

    plain = UserFactory(username="plain-expert")
    assert basic(plain).status_code == 201


def test_a_secretariat_member_with_a_second_factor_uses_the_api_with_a_token(
    client, consultation, secretariat, mfa_required, with_totp
):
    with_totp(secretariat)
    token = Token.objects.create(user=secretariat)

    response = client.get(f"/api/v1/consultations/{consultation.slug}/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200


def test_an_expert_without_a_second_factor_is_not_forced(client, consultation, expert, mfa_required):
    assert sign_in_with_password(client, expert).url == LIST
    assert client.get(LIST).status_code == 200
    assert client.get(f"/api/v1/consultations/{consultation.slug}/").status_code == 200


def test_staff_must_set_up_a_second_factor_too(client, mfa_required):
    staff = UserFactory(username="staffer", is_staff=True)
    sign_in_with_password(client, staff)

    assert client.get(LIST).url == reverse("mfa_index")
    assert client.get("/admin/").url == reverse("mfa_index")


def test_setting_up_an_app_through_the_pages_lets_the_secretariat_member_in(
    client, consultation, secretariat, mfa_required
):
    sign_in_with_password(client, secretariat)
    reauthenticated = client.post(
        reverse("account_reauthenticate") + "?next=" + reverse("mfa_activate_totp"), {"password": PASSWORD}
    )
    assert reauthenticated.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert 'src="data:image/svg+xml' in page.content.decode()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert stored_secret(secretariat) == secret
    assert Authenticator.objects.filter(user=secretariat, type="recovery_codes").exists()
    assert client.get(LIST).status_code == 200


def test_without_the_rule_a_secretariat_member_is_not_forced(client, consultation, secretariat, settings):
    settings.MFA_REQUIRED_FOR_SECRETARIAT = False
    sign_in_with_password(client, secretariat)

    assert client.get(LIST).status_code == 200


def test_the_profile_links_to_two_factor_authentication_and_sessions(client, expert):
    client.force_login(expert)
    html = client.get(reverse("consultation:profile")).content.decode()

    assert f'href="{reverse("mfa_index")}">Two-factor authentication</a>' in html
    assert f'href="{reverse("usersessions_list")}">Sessions</a>' in html


def test_the_admin_signs_in_through_the_same_form_so_its_password_alone_does_not_get_in(
    client, mfa_required, with_totp
):
    staff = UserFactory(username="admin-with-app", is_staff=True, is_superuser=True)
    with_totp(staff)

    to_admin = client.get("/admin/", follow=True)
    assert to_admin.redirect_chain[-1][0] == reverse("login") + "?next=%2Fadmin%2F"

    posted = client.post("/admin/login/?next=/admin/", {"username": staff.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert posted.status_code in (301, 302, 405)
    response = client.post(reverse("login") + "?next=/admin/", {"login": staff.username, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302


def test_a_secretariat_member_gets_a_token_on_the_profile_page_only_once_the_second_factor_is_set_up(
    client, consultation, secretariat, mfa_required, with_totp
):
    client.force_login(secretariat)
    refused = client.post(reverse("consultation:token_create"))
    assert refused.status_code == 302 and refused.url == reverse("mfa_index")
    assert not Token.objects.filter(user=secretariat).exists()

    with_totp(secretariat)
    created = client.post(reverse("consultation:token_create"))

    assert created.status_code == 200
    assert Token.objects.get(user=secretariat).key in created.content.decode()
