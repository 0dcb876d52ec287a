"""The evidence app's part of the REST API, mounted at /api/v1/consultations/{slug}/ (see docs/API.md)."""

from django.urls import path  # noqa: F401

app_name = "evidence-api"

urlpatterns: list = []
