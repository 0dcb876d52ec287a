"""Every change of a tracked model is in the audit trail, with the user and the URL of the request."""

import pghistory.models
import pytest
from rest_framework.test import APIClient

from consultation.models import OpenItem
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _events(model, pk):
    return pghistory.models.Events.objects.references(model.objects.get(pk=pk)).order_by("pgh_created_at")


def test_a_change_through_the_api_is_recorded_with_the_requests_user(consultation, secretariat):
    item = OpenItem.objects.create(consultation=consultation, prompt="Which hash sets?")
    client = APIClient()
    client.login(username=secretariat.username, password=PASSWORD)

    response = client.patch(
        f"/api/v1/consultations/{consultation.slug}/open-items/{item.pk}/", {"status": "in_progress"}, format="json"
    )

    assert response.status_code == 200
    update = [e for e in _events(OpenItem, item.pk) if e.pgh_label == "update"][-1]
    assert update.pgh_data["status"] == "in_progress"
    assert update.pgh_context["user"] == secretariat.pk
    assert update.pgh_context["url"].endswith(f"/open-items/{item.pk}/")


def test_a_change_made_with_an_api_token_is_recorded_with_the_tokens_user(consultation, secretariat):
    item = OpenItem.objects.create(consultation=consultation, prompt="Which hash sets?")
    session = APIClient()
    session.login(username=secretariat.username, password=PASSWORD)
    key = session.post("/api/v1/auth/tokens/").json()["key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    client.patch(
        f"/api/v1/consultations/{consultation.slug}/open-items/{item.pk}/", {"status": "in_progress"}, format="json"
    )

    update = [e for e in _events(OpenItem, item.pk) if e.pgh_label == "update"][-1]
    assert update.pgh_context["user"] == secretariat.pk


def test_inserts_and_deletes_are_recorded_too(consultation):
    item = OpenItem.objects.create(consultation=consultation, prompt="Temporary")
    pk = item.pk
    labels_before_delete = [e.pgh_label for e in _events(OpenItem, pk)]
    item.delete()

    deleted = pghistory.models.Events.objects.filter(pgh_model="consultation.OpenItemEvent", pgh_obj_id=str(pk))
    assert labels_before_delete == ["insert"]
    assert sorted(deleted.values_list("pgh_label", flat=True)) == ["delete", "insert"]
