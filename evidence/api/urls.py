"""The evidence app's part of the REST API, mounted at /api/v1/consultations/{slug}/ (see docs/API.md)."""

from django.urls import include, path

from evidence.api import triage, views

app_name = "evidence-api"

urlpatterns: list = []

# Expert input: submissions, their versions, submitting, withdrawing and attachments.
urlpatterns += [
    path("submissions/", views.SubmissionList.as_view(), name="submission-list"),
    path("submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="submission-detail"),
    path("submissions/<int:pk>/submit/", views.SubmissionSubmit.as_view(), name="submission-submit"),
    path("submissions/<int:pk>/withdraw/", views.SubmissionWithdraw.as_view(), name="submission-withdraw"),
    path("submissions/<int:pk>/versions/", views.SubmissionVersions.as_view(), name="submission-versions"),
    path("submissions/<int:pk>/attachments/", views.AttachmentList.as_view(), name="attachment-list"),
    path(
        "submissions/<int:pk>/attachments/<int:attachment_pk>/download/",
        views.AttachmentDownload.as_view(),
        name="attachment-download",
    ),
]

# Triage (secretariat): internal notes and tags (status and response: PATCH submissions/{id}/).
urlpatterns += [
    path("submissions/<int:pk>/notes/", triage.InternalNoteList.as_view(), name="submission-notes"),
    path("tags/", triage.TagList.as_view(), name="tag-list"),
]

# Exports, the evidence library and the evidence of a cell keep URL lists of their own (same namespace).
urlpatterns += [
    path("", include("evidence.api.urls_exports")),
    path("", include("evidence.api.urls_library")),
    path("", include("evidence.api.urls_evidence_map")),
]
