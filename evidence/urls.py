"""Pages of the evidence app (expert input and its triage), mounted at the site root beside consultation's."""

from django.urls import path  # noqa: F401

app_name = "evidence"

urlpatterns: list = []
