"""The reference annex: list, add, read, change, import BibTeX/RIS, export BibTeX."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import generics, renderers, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from consultation.access import access_record
from consultation.bibliography import BibEntry, BibliographyError, export_bibtex
from consultation.forms.references import read_bibliography_upload
from consultation.models import AccessKind, Footnote, Reference, Solution
from consultation.services.references import (
    DuplicateReferenceError,
    reference_create,
    reference_update,
    references_import,
)

from .. import serializers as s
from ..etag import expected_version, with_etag
from ..exceptions import PayloadTooLarge
from .base import ERRORS, WRITE_ERRORS, InConsultation

DUPLICATE_409 = OpenApiResponse(
    description="It looks like a reference the annex has (same DOI, or near-identical title and year): "
    '{"detail": ..., "duplicates": [ids]}. Send "allow_duplicate": true to save it anyway. Also a closed '
    "consultation."
)


def _duplicate_response(error: DuplicateReferenceError) -> Response:
    return Response(
        {"detail": error.message, "duplicates": [d.pk for d in error.duplicates]}, status=status.HTTP_409_CONFLICT
    )


def _references(consultation):
    return (
        Reference.objects.filter(consultation=consultation)
        .select_related("consultation")
        .prefetch_related(
            Prefetch("solutions", queryset=Solution.objects.only("pk", "code")),
            Prefetch("footnotes", queryset=Footnote.objects.only("pk", "number").order_by("number")),
        )
    )


class ReferenceList(InConsultation, generics.ListAPIView):
    """The draft's reference annex, by group and number; filterable by group and linked solution.

    POST adds an entry (secretariat). An entry with the same DOI as another, or a near-identical title of the
    same year, is answered 409 with the ids of the duplicates unless ``allow_duplicate`` is true.
    """

    serializer_class = s.ReferenceSerializer

    def get_queryset(self):
        if self.schema_only:
            return Reference.objects.none()
        references = _references(self.consultation)
        query = self.query(s.ReferenceQuerySerializer)
        if query.get("group"):
            references = references.filter(group=query["group"])
        if query.get("solution"):
            references = references.filter(solutions__code=query["solution"])
        return references.order_by("group_order", "number")

    @extend_schema(parameters=[s.ReferenceQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.ReferenceSerializer, **WRITE_ERRORS, 409: DUPLICATE_409})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reference = reference_create(consultation=self.consultation, **serializer.validated_data)
        except DuplicateReferenceError as error:
            return _duplicate_response(error)
        reference = _references(self.consultation).get(pk=reference.pk)
        return with_etag(Response(self.get_serializer(reference).data, status=status.HTTP_201_CREATED), reference.etag)


class ReferenceDetail(InConsultation, generics.GenericAPIView):
    """One entry of the annex; the secretariat changes it (``If-Match`` with its ETag, 412 when it moved on)."""

    serializer_class = s.ReferenceSerializer

    def get_queryset(self):
        if self.schema_only:
            return Reference.objects.none()
        return _references(self.consultation)

    @extend_schema(responses={200: s.ReferenceSerializer, **ERRORS})
    def get(self, request, slug, pk):
        reference = self.get_object()
        return with_etag(Response(self.get_serializer(reference).data), reference.etag)

    @extend_schema(responses={200: s.ReferenceSerializer, **WRITE_ERRORS, 409: DUPLICATE_409})
    def patch(self, request, slug, pk):
        reference = self.get_object()
        expected = expected_version(request, reference.etag, reference.version)
        serializer = self.get_serializer(reference, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "number" in changes:
            raise ValidationError({"number": ["The number follows the group: change the group to move it."]})
        try:
            reference = reference_update(reference=reference, expected_version=expected, **changes)
        except DuplicateReferenceError as error:
            return _duplicate_response(error)
        reference = self.get_queryset().get(pk=reference.pk)
        return with_etag(Response(self.get_serializer(reference).data), reference.etag)


# --- import and export -------------------------------------------------------------------------------------


class ReferenceImportRequest(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A .bib or .ris file (multipart), UTF-8.")
    text = serializers.CharField(required=False, trim_whitespace=False, help_text="Or the entries as text.")
    format = serializers.ChoiceField(choices=["auto", "bibtex", "ris"], default="auto")
    group = serializers.CharField(
        max_length=200, default="Imported", help_text="Group of the entries that name none (ours carry theirs)."
    )
    allow_duplicates = serializers.BooleanField(default=False, help_text="Also import the likely duplicates.")

    def validate(self, attrs):
        if not attrs.get("file") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"file": ["Send a file, or the entries as text."]})
        return attrs


class ImportedEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    authors = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    venue = serializers.CharField()
    url = serializers.CharField()
    doi = serializers.CharField()


class ImportDuplicateSerializer(serializers.Serializer):
    entry = ImportedEntrySerializer()
    duplicate_of = serializers.IntegerField(allow_null=True, help_text="The id of the reference it duplicates.")
    duplicate_of_entry = serializers.CharField(
        allow_blank=True, help_text="Or the key of an earlier entry of the same file."
    )


class ReferenceImportResult(serializers.Serializer):
    committed = serializers.BooleanField()
    created = s.ReferenceSerializer(many=True, help_text="The references added (empty in a preview).")
    to_create = ImportedEntrySerializer(many=True, help_text="The entries added, or that would be.")
    duplicates = ImportDuplicateSerializer(many=True, help_text="The entries skipped as duplicates.")


class ReferenceImport(InConsultation, generics.GenericAPIView):
    """Import a BibTeX or RIS file into the annex, all or nothing; ``?commit=false`` previews it.

    A file that cannot be read, or with an entry lacking a title or with a bad DOI or year, is a 400 naming it,
    and nothing is saved. Entries that duplicate a reference (or an earlier entry) are skipped and listed.
    """

    serializer_class = ReferenceImportRequest
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ReferenceImportRequest, "application/json": ReferenceImportRequest},
        parameters=[
            OpenApiParameter("commit", OpenApiTypes.BOOL, description="false: answer the preview, save nothing.")
        ],
        responses={
            200: OpenApiResponse(ReferenceImportResult, description="The preview (commit=false)."),
            201: OpenApiResponse(ReferenceImportResult, description="Imported."),
            413: OpenApiResponse(description="The file is too large."),
            **WRITE_ERRORS,
        },
    )
    def post(self, request, slug):
        params = ReferenceImportRequest(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        commit = request.query_params.get("commit", "true").strip().lower() not in ("false", "0", "no")
        if data.get("file"):
            try:
                text = read_bibliography_upload(data["file"])
            except DjangoValidationError as error:
                if error.code == "too_large":
                    raise PayloadTooLarge(" ".join(error.messages)) from None
                raise ValidationError({"file": error.messages}) from None
        else:
            text = data["text"]
        try:
            report = references_import(
                consultation=self.consultation,
                text=text,
                fmt=data["format"],
                group=data["group"],
                allow_duplicates=data["allow_duplicates"],
                commit=commit,
            )
        except BibliographyError as error:
            raise ValidationError({"file": [str(error)]}) from None
        created = list(_references(self.consultation).filter(pk__in=[r.pk for r in report.created]))
        body = {
            "committed": report.committed,
            "created": s.ReferenceSerializer(created, many=True, context=self.get_serializer_context()).data,
            "to_create": [_entry(e) for e in report.to_create],
            "duplicates": [
                {
                    "entry": _entry(entry),
                    "duplicate_of": match.pk if isinstance(match, Reference) else None,
                    "duplicate_of_entry": match.key if isinstance(match, BibEntry) else "",
                }
                for entry, match in report.duplicates
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED if report.committed else status.HTTP_200_OK)


def _entry(entry: BibEntry) -> dict:
    return {"key": entry.key, "group": entry.group, **entry.fields()}


class BibTeXRenderer(renderers.BaseRenderer):
    media_type = "application/x-bibtex"
    format = "bib"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode("utf-8")
        # An error (401/404) reaches a BibTeX client as its message, in a comment line.
        return f"% {data.get('detail', data) if isinstance(data, dict) else data}\n".encode()


class ReferenceBibTeX(InConsultation, generics.GenericAPIView):
    """The whole annex as a BibTeX file (@misc entries with group, publisher, url and doi)."""

    renderer_classes = [BibTeXRenderer, renderers.JSONRenderer]
    pagination_class = None

    def get_queryset(self):
        return Reference.objects.none()  # for the schema

    @extend_schema(responses={(200, "application/x-bibtex"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, slug):
        references = list(Reference.objects.filter(consultation=self.consultation).order_by("group_order", "number"))
        access_record(
            kind=AccessKind.DOWNLOAD,
            consultation=self.consultation,
            request=request,
            what=f"References as BibTeX ({len(references)} entries)",
        )
        response = Response(export_bibtex(references), content_type="application/x-bibtex; charset=utf-8")
        filename = f"{self.consultation.slug}-references-{timezone.localdate():%Y-%m-%d}.bib"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
