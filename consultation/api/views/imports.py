"""Draft import: upload (preview or queue), confirm a preview, follow its progress."""

from __future__ import annotations

from functools import cached_property

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from consultation.forms import DraftUploadForm
from consultation.models import Consultation, DraftImport
from consultation.rules import can_view, get_visible_consultation

from .. import serializers as s
from ..exceptions import PayloadTooLarge
from ..permissions import ImportsDrafts, SeesDraftImport
from .base import ERRORS, WRITE_ERRORS, ApiView

# --- Draft import -----------------------------------------------------------------------------------------


def _upload_errors(upload) -> tuple[str, dict]:
    """Read an uploaded draft with the web page's rules (size, UTF-8, plain text): (content, errors by field).

    Written once in ``DraftUploadForm``; a file over the limit is a 413, any other problem a 400.
    """
    form = DraftUploadForm(files={"file": upload})
    if form.is_valid():
        return form.cleaned_data["content"], {}
    problems = form.errors.as_data().get("file", [])
    if any(problem.code == "too_large" for problem in problems):
        raise PayloadTooLarge(" ".join(m for p in problems for m in p.messages))
    return "", {"file": [m for p in problems for m in p.messages]}


def _importer():
    # Imported on use, like the pages do: the importer is its own package.
    from consultation.importing import parser, services

    return services, parser.DraftParseError


class DraftImportCreate(ApiView):
    """Upload a draft into a consultation: ``?commit=false`` answers the preview only (200); otherwise the
    import is queued for the background worker (202) and its status URL answered."""

    permission_classes = [IsAuthenticated, ImportsDrafts]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.DraftImportSerializer

    def get_queryset(self):
        return DraftImport.objects.none()  # for the schema

    @cached_property
    def consultation(self) -> Consultation:
        slug = self.request.data.get("consultation")
        if not slug or not isinstance(slug, str):
            raise ValidationError({"consultation": ["Give the slug of the consultation to import into."]})
        return get_visible_consultation(self.request.user, slug)

    @extend_schema(
        request={"multipart/form-data": s.DraftImportRequestSerializer},
        parameters=[s.DraftImportQuerySerializer],
        responses={
            200: OpenApiResponse(s.DraftImportSerializer, description="The preview (?commit=false); nothing changed."),
            202: OpenApiResponse(s.DraftImportSerializer, description="Queued; follow it at `url`."),
            **WRITE_ERRORS,
            413: OpenApiResponse(description="The file is over the upload limit."),
        },
    )
    def post(self, request):
        commit = self.query(s.DraftImportQuerySerializer)["commit"]
        upload = s.DraftImportRequestSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        content, errors = _upload_errors(upload.validated_data["file"])
        if errors:
            raise ValidationError(errors)
        services, parse_error = _importer()
        try:
            # Atomic: an unreadable draft leaves nothing behind, and the task is queued only once all is committed.
            with transaction.atomic():
                draft_import = services.draft_import_preview(
                    consultation=self.consultation,
                    filename=upload.validated_data["file"].name,
                    content=content,
                    user=request.user,
                )
                if commit:
                    draft_import = services.draft_import_confirm(draft_import=draft_import, user=request.user)
        except parse_error as error:
            raise ValidationError({"file": [str(error)]}) from None
        data = self.get_serializer(draft_import).data
        if not commit:
            return Response(data, status=status.HTTP_200_OK)
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class DraftImportConfirm(ApiView):
    """Apply an import previewed with ``?commit=false``: exactly what was previewed is queued (202)."""

    permission_classes = [IsAuthenticated, ImportsDrafts]
    serializer_class = s.DraftImportSerializer

    def get_queryset(self):
        return DraftImport.objects.none()  # for the schema

    @cached_property
    def draft_import(self) -> DraftImport:
        draft_import = get_object_or_404(DraftImport.objects.select_related("consultation"), pk=self.kwargs["pk"])
        if not can_view(self.request.user, draft_import.consultation):
            raise Http404("No such import.")
        return draft_import

    @property
    def consultation(self) -> Consultation:
        return self.draft_import.consultation

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(s.DraftImportSerializer, description="Queued; follow it at `url`."),
            **WRITE_ERRORS,
            409: OpenApiResponse(description="Not a preview any more, or the consultation is closed."),
        },
    )
    def post(self, request, pk):
        services, _ = _importer()
        draft_import = services.draft_import_confirm(draft_import=self.draft_import, user=request.user)
        data = self.get_serializer(draft_import).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class DraftImportDetail(ApiView):
    """An import's status, progress (0-100), preview and result: for its requester and the secretariat."""

    permission_classes = [IsAuthenticated, SeesDraftImport]
    serializer_class = s.DraftImportSerializer

    def get_object(self) -> DraftImport:
        draft_import = get_object_or_404(
            DraftImport.objects.select_related("consultation", "created_by"), pk=self.kwargs["pk"]
        )
        if not can_view(self.request.user, draft_import.consultation):
            raise Http404("No such import.")
        self.check_object_permissions(self.request, draft_import)
        return draft_import

    @extend_schema(responses={200: s.DraftImportSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)
