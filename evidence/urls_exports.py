"""Pages of exports: request, progress, download (issue 5).

Included by evidence/urls.py under its namespace."""

urlpatterns: list = []
