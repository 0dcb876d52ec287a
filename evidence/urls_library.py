"""Pages of the evidence library: source documents, their versions, excerpts (issue 7).

Included by evidence/urls.py under its namespace."""

urlpatterns: list = []
