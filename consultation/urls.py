from django.urls import path

from consultation.views import access as access_views
from consultation.views import consistency as consistency_views
from consultation.views import (
    consultations,
    documents,
    home,
    imports,
    invitations,
    matrix,
    members,
    profile,
    ratings,
    solutions,
)
from consultation.views import criteria as criterion_views
from consultation.views import history as history_views
from consultation.views import reattach as reattach_views
from consultation.views import references as reference_views
from consultation.views import rounds as round_views
from consultation.views import versions as version_views

app_name = "consultation"

urlpatterns = [
    path("", home.consultation_list, name="list"),
    path("profile/", profile.profile, name="profile"),
    path("profile/details/", profile.profile_details, name="profile_details"),
    path("profile/token/", profile.token_create, name="token_create"),
    path("profile/token/revoke/", profile.token_delete, name="token_revoke"),
    path("consultations/new/", consultations.consultation_new, name="new"),
    path("invitations/<str:token>/", invitations.invitation_page, name="invitation"),
    path("c/<slug:slug>/members/", members.members_page, name="members"),
    path("c/<slug:slug>/members/invite/", members.member_invite, name="member_invite"),
    path("c/<slug:slug>/members/add/", members.member_add_page, name="member_add"),
    path("c/<slug:slug>/members/<int:pk>/role/", members.member_role, name="member_role"),
    path("c/<slug:slug>/members/<int:pk>/deadline/", members.member_deadline, name="member_deadline"),
    path("c/<slug:slug>/members/<int:pk>/remove/", members.member_remove_page, name="member_remove"),
    path("c/<slug:slug>/invitations/<int:pk>/revoke/", members.invitation_revoke_page, name="invitation_revoke"),
    path("c/<slug:slug>/", home.consultation_home, name="home"),
    path("c/<slug:slug>/edit/", consultations.consultation_edit, name="edit"),
    path("c/<slug:slug>/matrix/", matrix.matrix_page, name="matrix"),
    path("c/<slug:slug>/solutions/<str:code>/", solutions.solution_page, name="solution"),
    path("c/<slug:slug>/criteria/<slug:key>/", criterion_views.criterion_page, name="criterion"),
    path("c/<slug:slug>/solutions/<str:code>/ratings/<slug:key>/", ratings.rating_change_page, name="rating_change"),
    path(
        "c/<slug:slug>/solutions/<str:code>/classification/",
        ratings.classification_change_page,
        name="classification_change",
    ),
    path(
        "c/<slug:slug>/solutions/<str:code>/ratings/<slug:key>/history/",
        history_views.cell_history_page,
        name="cell_history",
    ),
    path("c/<slug:slug>/versions/", version_views.versions_page, name="versions"),
    path("c/<slug:slug>/compare/", version_views.compare_page, name="compare"),
    path("c/<slug:slug>/consistency/", consistency_views.consistency_page, name="consistency"),
    path(
        "c/<slug:slug>/consistency/<str:code>/<slug:key>/open-item/",
        consistency_views.cell_open_item,
        name="cell_open_item",
    ),
    path("c/<slug:slug>/rounds/", round_views.rounds_page, name="rounds"),
    path("c/<slug:slug>/rounds/new/", round_views.round_new, name="round_new"),
    path("c/<slug:slug>/rounds/<int:n>/", round_views.round_page, name="round"),
    path("c/<slug:slug>/rounds/<int:n>/answer/", round_views.round_answer, name="round_answer"),
    path("c/<slug:slug>/rounds/<int:n>/results/", round_views.round_results_page, name="round_results"),
    path("c/<slug:slug>/open-items/", documents.open_items_page, name="open_items"),
    path("c/<slug:slug>/open-items/<int:pk>/", documents.open_item_change, name="open_item_change"),
    path("c/<slug:slug>/references/", reference_views.references_page, name="references"),
    path("c/<slug:slug>/references/new/", reference_views.reference_new, name="reference_new"),
    path("c/<slug:slug>/references/<int:pk>/edit/", reference_views.reference_edit, name="reference_edit"),
    path("c/<slug:slug>/references/import/", reference_views.references_import_page, name="references_import"),
    path("c/<slug:slug>/references/export.bib", reference_views.references_export, name="references_export"),
    path("c/<slug:slug>/draft/", documents.draft_page, name="draft"),
    path("c/<slug:slug>/import/", imports.import_upload, name="import"),
    path("c/<slug:slug>/import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("c/<slug:slug>/import/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("c/<slug:slug>/reattach/", reattach_views.reattach_page, name="reattach"),
    path("c/<slug:slug>/reattach/<int:pk>/", reattach_views.reattach_resolve, name="reattach_resolve"),
    path("c/<slug:slug>/access/", access_views.access_page, name="access"),
    path("c/<slug:slug>/access/csv/", access_views.access_csv, name="access_csv"),
]
