"""The Django admin: every model is there; history and imports are read-only."""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

import consultation.models
from consultation.models import AssessmentRevision, ClassificationRevision, DraftImport

pytestmark = pytest.mark.django_db

# The domain models (pghistory's generated event models are shown by pghistory's own admin).
MODELS = [
    m
    for name in consultation.models.__all__
    if isinstance(m := getattr(consultation.models, name), type) and issubclass(m, models.Model)
]

READ_ONLY = [
    "assessmentrevision",
    "classificationrevision",
    "draftimport",
    "assessment",
    "classification",
    "invitation",
    "round",
    "roundanswer",
    "draftversion",
]


def test_every_consultation_model_is_registered():
    missing = [m.__name__ for m in MODELS if not admin.site.is_registered(m)]

    assert missing == []


@pytest.mark.parametrize("model", [m._meta.model_name for m in MODELS])
def test_every_changelist_opens_and_searches(admin_client, paper, draft_import, model):
    url = reverse(f"admin:consultation_{model}_changelist")

    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY)
def test_history_cells_and_imports_cannot_be_added(admin_client, model):
    assert admin_client.get(reverse(f"admin:consultation_{model}_add")).status_code == 403


@pytest.mark.parametrize("model", [AssessmentRevision, ClassificationRevision, DraftImport])
def test_revisions_and_imports_can_be_viewed_but_not_changed_or_deleted(admin_client, paper, draft_import, model):
    obj = model.objects.first()
    name = model._meta.model_name

    view = admin_client.get(reverse(f"admin:consultation_{name}_change", args=[obj.pk]))
    post = admin_client.post(reverse(f"admin:consultation_{name}_change", args=[obj.pk]), {})
    delete = admin_client.post(reverse(f"admin:consultation_{name}_delete", args=[obj.pk]), {"post": "yes"})

    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert post.status_code == 403
    assert delete.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_consultations_page_edits_its_memberships_inline(admin_client, consultation, expert):
    html = admin_client.get(reverse("admin:consultation_consultation_change", args=[consultation.pk])).content.decode()

    assert "memberships-TOTAL_FORMS" in html
    assert expert.username in html or str(expert.pk) in html
