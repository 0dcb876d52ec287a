"""The admin shows expert input, its versions, files, pseudonyms and sent notifications read-only (they change only
through their services); tags and internal notes stay editable by staff."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from evidence.models import Attachment, InternalNote, Pseudonym, SentNotification, Submission, SubmissionVersion, Tag
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_request():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return request


@pytest.mark.parametrize("model", [Submission, SubmissionVersion, Attachment, Pseudonym, SentNotification])
def test_input_and_its_records_are_read_only_in_the_admin(staff_request, model):
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(staff_request)
    assert not model_admin.has_add_permission(staff_request)
    assert not model_admin.has_change_permission(staff_request)
    assert not model_admin.has_delete_permission(staff_request)
    for inline in model_admin.get_inline_instances(staff_request):
        assert not inline.has_add_permission(staff_request, None)
        assert not inline.has_change_permission(staff_request)


@pytest.mark.parametrize("model", [Tag, InternalNote])
def test_tags_and_notes_stay_editable_by_staff(staff_request, model):
    assert admin.site._registry[model].has_change_permission(staff_request)


def test_the_admin_lists_submissions(client, staff_request):
    client.force_login(staff_request.user)

    assert client.get("/admin/evidence/submission/").status_code == 200
