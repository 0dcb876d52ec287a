"""Pages of the evidence app (expert input and its triage), mounted at the site root beside consultation's."""

from django.urls import path

from evidence.views import inbox, open_items, triage

app_name = "evidence"

urlpatterns: list = []

# Triage (secretariat): the inbox, one submission's triage page and its forms, open-item resolution.
urlpatterns += [
    path("c/<slug:slug>/inbox/", inbox.inbox_page, name="inbox"),
    path("c/<slug:slug>/submissions/<int:pk>/triage/", triage.triage_page, name="triage"),
    path("c/<slug:slug>/submissions/<int:pk>/triage/status/", triage.triage_status, name="triage_status"),
    path("c/<slug:slug>/submissions/<int:pk>/triage/notes/", triage.triage_note, name="triage_note"),
    path("c/<slug:slug>/submissions/<int:pk>/triage/tags/", triage.triage_tags, name="triage_tags"),
    path("c/<slug:slug>/open-items/<int:pk>/resolve/", open_items.open_item_resolve_page, name="open_item_resolve"),
]
