"""API: the evidence of a cell, a solution and an open item (issue 7).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/)."""

urlpatterns: list = []
