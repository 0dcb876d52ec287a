"""DRF permission classes over the role predicates of ``consultation.rules``.

Order of the answers, the same on every endpoint inside a consultation:
401 without credentials, 404 for a non-member (the consultation looks like one
that does not exist), 403 for a member whose role does not allow the change,
409 for a change to a consultation that is closed or archived.
"""

from __future__ import annotations

import rules
from rest_framework.permissions import SAFE_METHODS, BasePermission

from consultation.models import Consultation
from consultation.rules import accepts_changes, can_import_draft, can_view, is_secretariat

from .exceptions import Conflict

__all__ = ["ConsultationRole", "CreatesConsultations", "ImportsDrafts", "SeesDraftImport", "accepts_changes"]


def refuse_if_frozen(consultation: Consultation) -> None:
    if not accepts_changes(consultation):
        raise Conflict(
            f"The consultation is {consultation.get_status_display().lower()}: it can be read but not changed. "
            "The secretariat can reopen it first."
        )


class ConsultationRole(BasePermission):
    """Members read; changes need the view's ``change_permission`` (a rules permission name).

    The view provides ``consultation`` (through ``get_visible_consultation``,
    which raises 404 for a non-member). A view that sets
    ``changes_when_frozen = True`` checks the consultation's state itself.
    """

    message = "Your role in this consultation does not allow this change."

    def has_permission(self, request, view) -> bool:
        consultation = view.consultation
        if request.method in SAFE_METHODS:
            return can_view(request.user, consultation)
        if not rules.has_perm(view.change_permission, request.user, consultation):
            return False
        if not getattr(view, "changes_when_frozen", False):
            refuse_if_frozen(consultation)
        return True


class CreatesConsultations(BasePermission):
    """Anyone signed in lists their consultations; only staff create one."""

    message = "Only staff can create a consultation."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return rules.has_perm("consultation.create_consultation", request.user)


class ImportsDrafts(BasePermission):
    """Staff or secretariat of the target consultation (a member: others get 404 from the lookup)."""

    message = "Only the secretariat or staff can import a draft."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        consultation = view.consultation  # named in the upload; Http404 for a non-member
        if not can_import_draft(request.user, consultation):
            return False
        refuse_if_frozen(consultation)
        return True


class SeesDraftImport(BasePermission):
    """An import's requester or the secretariat of its consultation (non-members get 404 from the lookup)."""

    message = "Only the person who uploaded this draft or the secretariat can follow its import."

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.created_by_id == request.user.pk or is_secretariat(request.user, obj.consultation)
