"""API: exports: request, progress, download (issue 5).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/)."""

urlpatterns: list = []
