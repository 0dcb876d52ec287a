"""API tokens and consultations."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from consultation import services
from consultation.models import Consultation, Membership
from consultation.services import consultation_create

from .. import serializers as s
from ..authentication import PasswordOnlyBasicAuthentication
from ..etag import expected_version, with_etag
from ..permissions import CreatesConsultations
from .base import API_AUTHENTICATION, ERRORS, WRITE_ERRORS, ApiView, InConsultation

# --- Tokens -----------------------------------------------------------------------------------------------


class TokenView(APIView):
    """The signed-in user's API token: see whether there is one, create a new one, revoke it.

    Besides the session and a token, this endpoint takes HTTP Basic credentials, so that a
    script can get its first token with the user's password; it is throttled per client.
    """

    # Basic (the password) only for accounts without a second factor: see consultation/api/authentication.py.
    authentication_classes = [*API_AUTHENTICATION, PasswordOnlyBasicAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "tokens"

    @extend_schema(responses={200: s.TokenStatusSerializer, 401: ERRORS[401]})
    def get(self, request):
        token = Token.objects.filter(user=request.user).first()
        return Response({"exists": token is not None, "created": token.created if token else None})

    @extend_schema(
        request=None,
        responses={201: s.TokenSerializer, 401: ERRORS[401]},
        description="Create a token for the signed-in user (replacing any previous one). The key is answered once.",
    )
    def post(self, request):
        token = services.token_renew(user=request.user)
        return Response(s.TokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 401: ERRORS[401]}, description="Revoke the signed-in user's token.")
    def delete(self, request):
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Consultations ----------------------------------------------------------------------------------------


class ConsultationList(ApiView, generics.ListAPIView):
    """The consultations you are a member of; staff create new ones (becoming their secretariat)."""

    permission_classes = [IsAuthenticated, CreatesConsultations]
    serializer_class = s.ConsultationSerializer

    def get_queryset(self):
        if self.schema_only:
            return Consultation.objects.none()
        user = self.request.user
        my_role = Membership.objects.filter(consultation=OuterRef("pk"), user=user).values("role")[:1]
        return Consultation.objects.visible_to(user).annotate(my_role=Subquery(my_role)).order_by("-created_at", "slug")

    @extend_schema(responses={201: s.ConsultationSerializer, **ERRORS})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = consultation_create(user=request.user, **serializer.validated_data)
        return with_etag(
            Response(self.get_serializer(consultation).data, status=status.HTTP_201_CREATED), consultation.etag
        )


class ConsultationDetail(InConsultation):
    serializer_class = s.ConsultationSerializer
    change_permission = "consultation.change_consultation"
    # Closing and reopening is a change of the consultation itself; services.consultation_update guards the rest.
    changes_when_frozen = True

    @extend_schema(responses={200: s.ConsultationSerializer, **ERRORS})
    def get(self, request, slug):
        return with_etag(Response(self.get_serializer(self.consultation).data), self.consultation.etag)

    @extend_schema(responses={200: s.ConsultationSerializer, **WRITE_ERRORS})
    def patch(self, request, slug):
        current = self.consultation
        expected = expected_version(request, current.etag, current.version)
        serializer = s.ConsultationSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_update(
            consultation=current, user=request.user, expected_version=expected, **serializer.validated_data
        )
        return with_etag(Response(self.get_serializer(consultation).data), consultation.etag)
