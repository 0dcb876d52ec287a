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
