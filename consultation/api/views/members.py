"""Members and invitations of a consultation: the secretariat's, and only theirs (experts and observers get 403)."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from consultation.exceptions import StaleObjectError
from consultation.models import Invitation, InvitationStatus, Membership
from consultation.services import members as services

from ..etag import if_match_tags, with_etag
from ..serializers import members as s
from .base import ERRORS, WRITE_ERRORS, InConsultation

MANAGE = "consultation.manage_members"
NO_CONTENT = {204: OpenApiResponse(description="Done.")}


class ManagesMembers(BasePermission):
    """The secretariat reads and changes; other members get 403 (non-members 404 from the consultation's look-up)."""

    message = "Only the secretariat of this consultation manages its members and invitations."

    def has_permission(self, request, view) -> bool:
        return rules.has_perm(MANAGE, request.user, view.consultation)


class MembersView(InConsultation):
    # Membership is not the consultation's content: the secretariat manages it in any status, closed included.
    permission_classes = [IsAuthenticated, ManagesMembers]


def expected_etag(request, etag: str) -> str | None:
    """The ETag the change is based on (rechecked under the row lock), None without If-Match; 412 on a mismatch."""
    tags = if_match_tags(request)
    if tags is None or "*" in tags:
        return None
    if etag in tags:
        return etag
    raise StaleObjectError(
        f"This membership changed since you read it: its ETag is now {etag}, your If-Match was "
        f"{request.headers.get('If-Match')!r}. Read it again, then apply your change."
    )


class MemberList(MembersView):
    """The members, secretariat first; POST adds an existing account by its email address."""

    serializer_class = s.MemberSerializer

    def get_queryset(self):
        if self.schema_only:
            return Membership.objects.none()
        return (
            Membership.objects.filter(consultation=self.consultation)
            .select_related("consultation", "user", "user__profile")
            .annotate(role_order=services.ROLE_ORDER)
            .order_by("role_order", "user__username", "id")
        )

    @extend_schema(responses={200: s.MemberSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        return self.paginated(self.get_queryset())

    @extend_schema(request=s.MemberCreateSerializer, responses={201: s.MemberSerializer, **ERRORS})
    def post(self, request, slug):
        serializer = s.MemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.member_add(
            consultation=self.consultation, added_by=request.user, **serializer.validated_data
        )
        membership = self.get_queryset().get(pk=membership.pk)
        response = Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)
        return with_etag(response, services.membership_etag(membership))


class MemberDetail(MembersView):
    serializer_class = s.MemberSerializer

    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("consultation", "user", "user__profile"),
            consultation=self.consultation,
            pk=self.kwargs["pk"],
        )

    def get_queryset(self):
        return Membership.objects.none()

    def _render(self, membership: Membership) -> Response:
        return with_etag(Response(self.get_serializer(membership).data), services.membership_etag(membership))

    @extend_schema(responses={200: s.MemberSerializer, **ERRORS})
    def get(self, request, slug, pk):
        return self._render(self.membership())

    @extend_schema(request=s.MemberUpdateSerializer, responses={200: s.MemberSerializer, **WRITE_ERRORS})
    def patch(self, request, slug, pk):
        membership = self.membership()
        expected = expected_etag(request, services.membership_etag(membership))
        serializer = s.MemberUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.member_update(membership=membership, expected_etag=expected, **serializer.validated_data)
        return self._render(self.membership())

    @extend_schema(responses={**NO_CONTENT, **WRITE_ERRORS})
    def delete(self, request, slug, pk):
        services.member_remove(membership=self.membership())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _with_status(invitations, wanted: str):
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    conditions = {
        InvitationStatus.REVOKED: Q(revoked_at__isnull=False),
        InvitationStatus.ACCEPTED: Q(accepted_at__isnull=False),
        InvitationStatus.EXPIRED: open_ & Q(expires_at__lte=now),
        InvitationStatus.PENDING: open_ & Q(expires_at__gt=now),
    }
    return invitations.filter(conditions[wanted])


class InvitationList(MembersView):
    """Invitations, newest first, filterable by status; POST invites by email (the link is mailed, never shown)."""

    serializer_class = s.InvitationSerializer

    def get_queryset(self):
        if self.schema_only:
            return Invitation.objects.none()
        invitations = Invitation.objects.filter(consultation=self.consultation).select_related(
            "consultation", "invited_by"
        )
        wanted = self.query(s.InvitationQuerySerializer).get("status")
        if wanted:
            invitations = _with_status(invitations, wanted)
        return invitations.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[s.InvitationQuerySerializer], responses={200: s.InvitationSerializer(many=True), **ERRORS}
    )
    def get(self, request, slug):
        return self.paginated(self.get_queryset())

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.InvitationSerializer, **ERRORS})
    def post(self, request, slug):
        serializer = s.InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            consultation=self.consultation, invited_by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetail(MembersView):
    serializer_class = s.InvitationSerializer

    def get_queryset(self):
        return Invitation.objects.none()

    def invitation(self) -> Invitation:
        return get_object_or_404(
            Invitation.objects.select_related("consultation", "invited_by"),
            consultation=self.consultation,
            pk=self.kwargs["pk"],
        )

    @extend_schema(responses={200: s.InvitationSerializer, **ERRORS})
    def get(self, request, slug, pk):
        return Response(self.get_serializer(self.invitation()).data)

    @extend_schema(
        description="Revoke the invitation: its link stops working (409 once it was accepted).",
        responses={**NO_CONTENT, **WRITE_ERRORS},
    )
    def delete(self, request, slug, pk):
        services.invitation_revoke(invitation=self.invitation())
        return Response(status=status.HTTP_204_NO_CONTENT)
