"""Pages of the evidence app (expert input and its triage), mounted at the site root beside consultation's."""

from django.urls import include, path

from evidence.views import inbox, open_items, portal, submissions, triage

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

# Expert input (experts, and the secretariat for input of its own): the portal, writing with autosave, receipts,
# versions, withdrawal and permission-checked downloads.
urlpatterns += [
    path("c/<slug:slug>/portal/", portal.portal_page, name="portal"),
    path("c/<slug:slug>/submissions/mine/", submissions.submissions_mine, name="mine"),
    path("c/<slug:slug>/submissions/shared/", submissions.submissions_shared, name="shared"),
    path("c/<slug:slug>/submissions/new/", submissions.submission_new, name="new"),
    path("c/<slug:slug>/submissions/autosave/", submissions.submission_autosave, name="autosave"),
    path("c/<slug:slug>/submissions/<int:pk>/", submissions.submission_detail, name="detail"),
    path("c/<slug:slug>/submissions/<int:pk>/edit/", submissions.submission_edit, name="edit"),
    path("c/<slug:slug>/submissions/<int:pk>/withdraw/", submissions.submission_withdraw, name="withdraw"),
    path("c/<slug:slug>/submissions/<int:pk>/versions/<int:number>/", submissions.submission_version, name="version"),
    path(
        "c/<slug:slug>/submissions/<int:pk>/attachments/<int:attachment_pk>/download/",
        submissions.attachment_download,
        name="download",
    ),
]

# Exports, the evidence library and the evidence maps keep URL lists of their own (same namespace).
urlpatterns += [
    path("", include("evidence.urls_exports")),
    path("", include("evidence.urls_library")),
    path("", include("evidence.urls_evidence_map")),
]
