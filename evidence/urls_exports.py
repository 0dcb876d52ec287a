"""Pages of exports: request, progress, download (issue 5).

Included by evidence/urls.py under its namespace."""

from django.urls import path

from evidence.views import exports

urlpatterns: list = [
    path("c/<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("c/<slug:slug>/exports/<int:pk>/", exports.export_page, name="export"),
    path("c/<slug:slug>/exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("c/<slug:slug>/exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
