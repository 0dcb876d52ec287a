"""Pages of the evidence of a cell, a solution and an open item (issue 7).

Included by evidence/urls.py under its namespace."""

from django.urls import path

from evidence.views import evidence_map

urlpatterns: list = [
    path(
        "c/<slug:slug>/solutions/<str:code>/ratings/<slug:key>/evidence/",
        evidence_map.cell_evidence_page,
        name="cell_evidence",
    ),
    path("c/<slug:slug>/solutions/<str:code>/evidence/", evidence_map.solution_evidence_page, name="solution_evidence"),
    path(
        "c/<slug:slug>/open-items/<int:pk>/evidence/", evidence_map.open_item_evidence_page, name="open_item_evidence"
    ),
]
