"""The access trail of a consultation (secretariat only): who read which page, endpoint, file or export.

Read-only: the trail is only ever added to (the database refuses updates and deletes).
"""

from __future__ import annotations

import rules
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated

from consultation.access import access_events

from ..serializers import access as s
from .base import ERRORS, InConsultation


class ReadsAccessTrail(BasePermission):
    """The secretariat reads the trail; other members get 403 (non-members 404 from the consultation's look-up)."""

    message = "Only the secretariat of this consultation reads its access trail."

    def has_permission(self, request, view) -> bool:
        return rules.has_perm("consultation.view_access_trail", request.user, view.consultation)


class AccessTrail(InConsultation):
    """The trail, newest first; filter by ``user`` (id), ``kind``, ``since``/``until`` (times) and ``q`` (text)."""

    permission_classes = [IsAuthenticated, ReadsAccessTrail]
    serializer_class = s.AccessEventSerializer

    @extend_schema(parameters=[s.AccessQuerySerializer], responses={200: s.AccessEventSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        query = self.query(s.AccessQuerySerializer)
        events = access_events(
            self.consultation,
            user_id=query.get("user"),
            kind=query.get("kind"),
            since=query.get("since"),
            until=query.get("until"),
            text=query.get("q", ""),
        )
        return self.paginated(events)
