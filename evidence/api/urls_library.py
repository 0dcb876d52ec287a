"""API: the evidence library: source documents, their versions, excerpts (issue 7).

Included by evidence/api/urls.py (mounted at /api/v1/consultations/{slug}/)."""

from django.urls import path

from evidence.api import library

urlpatterns: list = [
    path("sources/", library.SourceList.as_view(), name="source-list"),
    path("sources/<int:pk>/", library.SourceDetail.as_view(), name="source-detail"),
    path("sources/<int:pk>/versions/", library.SourceVersions.as_view(), name="source-versions"),
    path("excerpts/", library.ExcerptList.as_view(), name="excerpt-list"),
    path("excerpts/<int:pk>/", library.ExcerptDetail.as_view(), name="excerpt-detail"),
]
