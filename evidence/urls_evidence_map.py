"""Pages of the evidence of a cell, a solution and an open item (issue 7).

Included by evidence/urls.py under its namespace."""

urlpatterns: list = []
