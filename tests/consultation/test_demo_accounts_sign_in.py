"""The demo accounts sign in through allauth's form (their addresses are recorded as verified), also on re-runs."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password-2024"


def test_every_demo_account_signs_in_through_the_form():
    call_command("load_demo", verbosity=0)

    for login in ["secretariat", "expert", "expert2", "observer", "admin", "expert@demo.invalid"]:
        response = Client().post(reverse("login"), {"login": login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        assert response.url == reverse("consultation:list")


def test_a_re_run_gives_accounts_made_before_allauth_a_verified_address():
    call_command("load_demo", verbosity=0)
    EmailAddress.objects.all().delete()  # as in a demo database made before accounts came from allauth

    call_command("load_demo", verbosity=0)

    assert EmailAddress.objects.filter(email="expert@demo.invalid", verified=True, primary=True).count() == 1
