"""Pages of the evidence library: source documents, their versions, excerpts (issue 7).

Included by evidence/urls.py under its namespace."""

from django.urls import path

from evidence.views import excerpts, library

urlpatterns: list = [
    path("c/<slug:slug>/sources/", library.source_list, name="sources"),
    path("c/<slug:slug>/sources/new/", library.source_new, name="source_new"),
    path("c/<slug:slug>/sources/<int:pk>/", library.source_detail, name="source"),
    path("c/<slug:slug>/sources/<int:pk>/edit/", library.source_edit, name="source_edit"),
    path("c/<slug:slug>/sources/<int:pk>/versions/new/", library.source_version_new, name="source_version_new"),
    path(
        "c/<slug:slug>/sources/<int:pk>/versions/<int:number>/download/",
        library.source_download,
        name="source_download",
    ),
    path("c/<slug:slug>/excerpts/", excerpts.excerpt_list, name="excerpts"),
    path("c/<slug:slug>/excerpts/new/", excerpts.excerpt_new, name="excerpt_new"),
    path("c/<slug:slug>/excerpts/<int:pk>/", excerpts.excerpt_detail, name="excerpt"),
    path("c/<slug:slug>/excerpts/<int:pk>/delete/", excerpts.excerpt_delete, name="excerpt_delete"),
    path("c/<slug:slug>/submissions/<int:pk>/quote/", excerpts.submission_quote, name="submission_quote"),
]
