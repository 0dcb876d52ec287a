"""Base of the REST API views: validate, call one service, render. Permissions come from ``consultation.rules``.

Every view inside a consultation finds it with ``get_visible_consultation``,
so a non-member gets 404 for everything in it, as if it did not exist.
"""

from __future__ import annotations

from functools import cached_property

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from consultation.models import Consultation, Criterion, Solution
from consultation.rules import get_visible_consultation

from ..pagination import StablePagination
from ..permissions import ConsultationRole

# Token first: its ``WWW-Authenticate`` challenge is what turns "no credentials" into 401 rather than 403.
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field errors."),
    401: OpenApiResponse(description="No credentials."),
    403: OpenApiResponse(description="Your role does not allow this."),
    404: OpenApiResponse(description="No such object, or not a member of its consultation."),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(description="The consultation is closed or archived."),
    412: OpenApiResponse(description="If-Match does not match the current ETag."),
}


class ApiView(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    pagination_class = StablePagination

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def query(self, serializer_class) -> dict:
        """The query parameters, validated (400 with field errors otherwise)."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def paginated(self, items, serializer_class=None) -> Response:
        page = self.paginate_queryset(items)
        serializer_class = serializer_class or self.get_serializer_class()
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )


class InConsultation(ApiView):
    """Base of every view inside ``consultations/{slug}/``: members read, ``change_permission`` writes."""

    permission_classes = [IsAuthenticated, ConsultationRole]
    change_permission = "consultation.change_draft"

    @cached_property
    def consultation(self) -> Consultation:
        return get_visible_consultation(self.request.user, self.kwargs["slug"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            context["consultation"] = self.consultation
        return context

    def solution(self) -> Solution:
        return get_object_or_404(Solution, consultation=self.consultation, code=self.kwargs["code"])

    def criterion(self) -> Criterion:
        return get_object_or_404(Criterion, consultation=self.consultation, key=self.kwargs["key"])
