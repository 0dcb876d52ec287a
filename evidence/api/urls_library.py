"""API: the evidence library: source documents, their versions, excerpts (issue 7).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/)."""

urlpatterns: list = []
