"""API: one export job, outside any consultation's path: /api/v1/exports/{id}/ (see docs/API.md)."""

from django.urls import path

from evidence.api import exports

app_name = "evidence-export-api"

urlpatterns = [
    path("exports/<int:pk>/", exports.ExportDetail.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", exports.ExportDownload.as_view(), name="export-download"),
]
