"""API of exports: ``consultations/{slug}/exports/`` (list mine, request one: 202) and ``exports/{id}/`` (follow it).

The same rule as the pages (``evidence.rules.can_export``): the secretariat, and
observers where the secretariat allows it (always pseudonymised, never notes);
others get 403. An export is seen and downloaded only by its requester while they
may still export; anyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from consultation.api.views.base import ERRORS, ApiView, InConsultation
from consultation.models import DraftVersion
from evidence.api.views import IsMember
from evidence.models import Export, ExportFormat, ExportStatus
from evidence.rules import can_export
from evidence.services.exports import export_request
from evidence.views.exports import MAY_NOT_EXPORT, export_response, record_download


def _url(request, name: str, pk: int) -> str:
    path = reverse(f"evidence-export-api:{name}", kwargs={"pk": pk})
    return request.build_absolute_uri(path) if request is not None else path


class ExportSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    version = serializers.SlugRelatedField(slug_field="label", read_only=True, allow_null=True)
    compare_to = serializers.SerializerMethodField()
    pseudonymise = serializers.SerializerMethodField()
    include_internal_notes = serializers.SerializerMethodField()
    watermark = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="Where to follow the export's status and progress.")
    download_url = serializers.SerializerMethodField(help_text="The file, once the export is done (else null).")

    class Meta:
        model = Export
        fields = [
            "id",
            "url",
            "consultation",
            "format",
            "version",
            "compare_to",
            "pseudonymise",
            "include_internal_notes",
            "watermark",
            "status",
            "progress",
            "step",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_name",
            "size",
            "sha256",
            "download_url",
        ]
        read_only_fields = fields

    def get_compare_to(self, obj: Export) -> str | None:
        return (obj.options or {}).get("compare_to")

    def get_pseudonymise(self, obj: Export) -> bool:
        return bool((obj.options or {}).get("pseudonymise"))

    def get_include_internal_notes(self, obj: Export) -> bool:
        return bool((obj.options or {}).get("include_internal_notes"))

    def get_watermark(self, obj: Export) -> bool:
        return bool((obj.options or {}).get("watermark"))

    def get_url(self, obj: Export) -> str:
        return _url(self.context.get("request"), "export-detail", obj.pk)

    def get_download_url(self, obj: Export) -> str | None:
        if obj.status != ExportStatus.DONE:
            return None
        return _url(self.context.get("request"), "export-download", obj.pk)


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    version = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="A version's label; empty: the current state."
    )
    compare_to = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="An earlier version's label whose changes are marked.",
    )
    pseudonymise = serializers.BooleanField(required=False, default=False)
    include_internal_notes = serializers.BooleanField(required=False, default=False)
    watermark = serializers.BooleanField(required=False, default=True)

    def _version(self, value):
        if not value:
            return None
        version = DraftVersion.objects.filter(consultation=self.context["consultation"], label=value.strip()).first()
        if version is None:
            raise serializers.ValidationError(f'This consultation has no version "{value.strip()}".')
        return version

    def validate_version(self, value):
        return self._version(value)

    def validate_compare_to(self, value):
        return self._version(value)


class ExportList(InConsultation):
    """My exports of the consultation (newest first); POST requests a new one (202, follow its ``url``)."""

    permission_classes = [IsAuthenticated, IsMember]
    serializer_class = ExportSerializer

    def get_queryset(self):
        if self.schema_only:
            return Export.objects.none()
        return (
            Export.objects.filter(consultation=self.consultation, requested_by=self.request.user)
            .select_related("consultation", "version")
            .order_by("-created_at", "-id")
        )

    def check_export_right(self) -> None:
        if not can_export(self.request.user, self.consultation):
            raise PermissionDenied(MAY_NOT_EXPORT)

    @extend_schema(responses={200: ExportSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        self.check_export_right()
        return self.paginated(self.get_queryset())

    @extend_schema(
        request=ExportRequestSerializer,
        responses={202: OpenApiResponse(ExportSerializer, description="Queued; follow it at `url`."), **ERRORS},
    )
    def post(self, request, slug):
        self.check_export_right()
        data = ExportRequestSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        export = export_request(consultation=self.consultation, user=request.user, **data.validated_data)
        body = ExportSerializer(export, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ExportJob(ApiView):
    """Base of ``exports/{id}/``: the requester's own export, while they may still export; else 404."""

    serializer_class = ExportSerializer

    def get_queryset(self):
        if self.schema_only:
            return Export.objects.none()
        return Export.objects.filter(requested_by=self.request.user).select_related("consultation", "version")

    def export(self) -> Export:
        export = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if export is None or not can_export(self.request.user, export.consultation):
            raise Http404("No such export.")
        return export


class ExportDetail(ExportJob):
    """Status, progress (0-100) and, once done, the download URL."""

    @extend_schema(responses={200: ExportSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(self.get_serializer(self.export()).data)


class ExportDownload(ExportJob):
    """The finished file (recorded in the access trail)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, pk):
        export = self.export()
        response = export_response(export)
        record_download(request, export)
        return response
