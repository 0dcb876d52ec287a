"""The list of the user's consultations at "/"."""

import pytest
from django.urls import reverse

from consultation.models import Membership, Role
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client_for):
    response = client_for(None).get("/")

    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/"


def test_lists_only_the_users_consultations_with_the_role_in_each(client_for, consultation, expert):
    other = ConsultationFactory(title="Another consultation", reference="WK 1/2025")
    Membership.objects.create(consultation=other, user=expert, role=Role.OBSERVER)
    ConsultationFactory(title="Not mine")

    html = client_for(expert).get("/").content.decode()

    assert consultation.title in html and "Another consultation" in html
    assert "Not mine" not in html
    assert html.count("<td>Expert</td>") == 1
    assert html.count("<td>Observer</td>") == 1
    assert reverse("consultation:home", args=[consultation.slug]) in html


def test_a_superuser_sees_only_the_consultations_they_belong_to(client_for, consultation, outsider):
    html = client_for(outsider).get("/").content.decode()

    assert consultation.title not in html
    assert "You are not a member of any consultation yet." in html
