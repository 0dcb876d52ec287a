"""API: the evidence of a cell, a solution and an open item (issue 7).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/). No pattern of consultation.api.urls
(mounted before it) matches these paths: theirs end at ``ratings/{code}/{key}/``, ``solutions/{code}/`` and
``open-items/{id}/``."""

from django.urls import path

from evidence.api import evidence_map

urlpatterns: list = [
    path("ratings/<str:code>/<str:key>/evidence/", evidence_map.CellEvidenceList.as_view(), name="rating-evidence"),
    path("solutions/<str:code>/evidence/", evidence_map.SolutionEvidenceList.as_view(), name="solution-evidence"),
    path("open-items/<int:pk>/evidence/", evidence_map.OpenItemEvidenceList.as_view(), name="open-item-evidence"),
]
