"""API: exports: request, progress, download (issue 5).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/)."""

from django.urls import path

from evidence.api import exports

urlpatterns: list = [
    path("exports/", exports.ExportList.as_view(), name="export-list"),
]
