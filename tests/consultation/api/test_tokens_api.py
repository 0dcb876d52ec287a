"""API tokens: created for the signed-in user, shown once, used as ``Authorization: Token <key>``, revoked."""

import base64

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

from .conftest import API

pytestmark = pytest.mark.django_db

TOKENS = f"{API}/auth/tokens/"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_created_used_and_revoked(consultation, expert, client_for):
    signed_in = client_for(expert)
    created = signed_in.post(TOKENS)
    key = created.json()["key"]

    in_use = with_token(key).get(f"{API}/consultations/")
    revoked = with_token(key).delete(TOKENS)
    after = with_token(key).get(f"{API}/consultations/")

    assert created.status_code == 201
    assert in_use.status_code == 200
    assert [c["slug"] for c in in_use.json()["results"]] == [consultation.slug]
    assert revoked.status_code == 204
    assert after.status_code == 401


def test_the_key_is_answered_only_when_created(expert, client_for):
    client = client_for(expert)
    client.post(TOKENS)

    status = client.get(TOKENS).json()

    assert status["exists"] is True
    assert "key" not in status


def test_a_new_token_replaces_the_old_one(expert, client_for):
    client = client_for(expert)
    old = client.post(TOKENS).json()["key"]
    new = client.post(TOKENS).json()["key"]

    assert old != new
    assert with_token(old).get(f"{API}/consultations/").status_code == 401
    assert with_token(new).get(f"{API}/consultations/").status_code == 200


def test_a_made_up_token_is_refused_with_401(db):
    response = with_token("0" * 40).get(f"{API}/consultations/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_tokens_need_a_signed_in_user(api, method):
    assert getattr(api, method)(TOKENS).status_code == 401


def test_a_token_gives_no_more_than_its_users_role(consultation, expert, client_for):
    key = client_for(expert).post(TOKENS).json()["key"]

    response = with_token(key).patch(f"{API}/consultations/{consultation.slug}/", {"title": "Mine now"}, format="json")

    assert response.status_code == 403


def test_a_browser_session_must_send_its_csrf_token_to_change_anything(consultation, secretariat):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(secretariat)

    response = browser.patch(f"{API}/consultations/{consultation.slug}/", {"title": "Forged"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def with_password(username: str, password: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{username}:{password}".encode()).decode())
    return client


def test_a_script_gets_its_first_token_with_the_users_password(secretariat):
    basic = with_password(secretariat.username, PASSWORD)

    created = basic.post(TOKENS)

    assert created.status_code == 201
    assert with_token(created.json()["key"]).get(f"{API}/consultations/").status_code == 200
    # Basic credentials open the token endpoint only, not the rest of the API.
    assert basic.get(f"{API}/consultations/").status_code == 401


def test_a_wrong_password_gets_no_token(secretariat):
    assert with_password(secretariat.username, "wrong").post(TOKENS).status_code == 401
