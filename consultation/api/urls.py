"""The REST API, mounted at /api/v1/ (see docs/API.md for the contract)."""

from django.urls import include, path

from . import views
from .views import access as access_views
from .views import consistency as consistency_views
from .views import members as member_views
from .views import references as reference_views
from .views import rounds as round_views
from .views import versions as version_views

app_name = "api"

in_consultation = [
    path("", views.ConsultationDetail.as_view(), name="consultation-detail"),
    path("members/", member_views.MemberList.as_view(), name="member-list"),
    path("members/<int:pk>/", member_views.MemberDetail.as_view(), name="member-detail"),
    path("invitations/", member_views.InvitationList.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", member_views.InvitationDetail.as_view(), name="invitation-detail"),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("solutions/", views.SolutionList.as_view(), name="solution-list"),
    path("solutions/<str:code>/", views.SolutionDetail.as_view(), name="solution-detail"),
    path("criteria/", views.CriterionList.as_view(), name="criterion-list"),
    path("criteria/<str:key>/", views.CriterionDetail.as_view(), name="criterion-detail"),
    path("ratings/", views.RatingList.as_view(), name="rating-list"),
    path("ratings/<str:code>/<str:key>/", views.RatingDetail.as_view(), name="rating-detail"),
    path("ratings/<str:code>/<str:key>/history/", views.RatingHistory.as_view(), name="rating-history"),
    path("classifications/<str:code>/", views.ClassificationDetail.as_view(), name="classification-detail"),
    path("consistency/", views.ConsistencyList.as_view(), name="consistency"),
    path("consistency/mapping/", consistency_views.ConsistencyMapping.as_view(), name="consistency-mapping"),
    path(
        "consistency/<str:code>/<str:key>/open-item/",
        consistency_views.CellOpenItem.as_view(),
        name="consistency-open-item",
    ),
    path("versions/", version_views.VersionList.as_view(), name="version-list"),
    path("versions/<str:label>/diff/", version_views.VersionDiff.as_view(), name="version-diff"),
    path("open-items/", views.OpenItemList.as_view(), name="open-item-list"),
    path("open-items/<int:pk>/", views.OpenItemDetail.as_view(), name="open-item-detail"),
    path("references/", views.ReferenceList.as_view(), name="reference-list"),
    path("references/import/", reference_views.ReferenceImport.as_view(), name="reference-import"),
    path("references/bibtex/", reference_views.ReferenceBibTeX.as_view(), name="reference-bibtex"),
    path("references/<int:pk>/", reference_views.ReferenceDetail.as_view(), name="reference-detail"),
    path("rounds/", round_views.RoundList.as_view(), name="round-list"),
    path("rounds/<int:n>/", round_views.RoundDetail.as_view(), name="round-detail"),
    path("rounds/<int:n>/my-ratings/", round_views.MyRatings.as_view(), name="round-my-ratings"),
    path("rounds/<int:n>/results/", round_views.RoundResults.as_view(), name="round-results"),
    path("access-trail/", access_views.AccessTrail.as_view(), name="access-trail"),
]

urlpatterns = [
    path("auth/tokens/", views.TokenView.as_view(), name="tokens"),
    path("consultations/", views.ConsultationList.as_view(), name="consultation-list"),
    path("consultations/<slug:slug>/", include(in_consultation)),
    path("drafts/import/", views.DraftImportCreate.as_view(), name="draft-import"),
    path("drafts/import/<int:pk>/", views.DraftImportDetail.as_view(), name="draft-import-detail"),
    path("drafts/import/<int:pk>/confirm/", views.DraftImportConfirm.as_view(), name="draft-import-confirm"),
]
