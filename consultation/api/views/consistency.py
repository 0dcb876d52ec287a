"""The consistency check's writes through the API: the level-to-stars mapping, and open items raised on a cell."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from consultation.consistency import MAPPED_LEVELS, mapping_for
from consultation.models import Assessment, Consultation, OpenItem
from consultation.services.consistency import consistency_mapping_update, open_item_from_cell

from .. import serializers as s
from ..etag import expected_version, with_etag
from .base import ERRORS, WRITE_ERRORS, InConsultation


def _stars_field(level: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, help_text=f"Stars for “{level}”; null for N/A."
    )


class MappingSerializer(serializers.Serializer):
    """Stars per text level (null for N/A). Levels left out of a PUT keep the default."""

    high = _stars_field("High")
    medium_high = _stars_field("Medium-high")
    medium = _stars_field("Medium")
    medium_low = _stars_field("Medium-low")
    low = _stars_field("Low")
    none = _stars_field("None")
    not_applicable = _stars_field("Not applicable")

    @staticmethod
    def _key(level: str) -> str:
        return level.replace("-", "_").replace(" ", "_")

    @classmethod
    def of(cls, consultation: Consultation) -> dict:
        mapping = mapping_for(consultation)
        return {cls._key(level): mapping[level] for level in MAPPED_LEVELS}

    def validate(self, attrs: dict) -> dict:
        # A PUT replaces the whole mapping: a misspelt level must not silently reset the others to the default.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            known = ", ".join(self.fields)
            raise serializers.ValidationError(
                {name: [f"Not a text level; the levels are {known}."] for name in unknown}
            )
        return attrs

    def to_mapping(self) -> dict[str, int | None]:
        return {
            level: self.validated_data[self._key(level)]
            for level in MAPPED_LEVELS
            if self._key(level) in self.validated_data
        }


class ConsistencyMapping(InConsultation):
    """The consultation's mapping of text levels to stars; the secretariat replaces it (If-Match: the consultation's
    ETag)."""

    serializer_class = MappingSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        return Consultation.objects.none()  # for the schema

    @extend_schema(responses={200: MappingSerializer, **ERRORS})
    def get(self, request, slug):
        return with_etag(Response(MappingSerializer.of(self.consultation)), self.consultation.etag)

    @extend_schema(request=MappingSerializer, responses={200: MappingSerializer, **WRITE_ERRORS})
    def put(self, request, slug):
        consultation = Consultation.objects.get(pk=self.consultation.pk)
        expected = expected_version(request, consultation.etag, consultation.version)
        serializer = MappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = consistency_mapping_update(
            consultation=consultation, user=request.user, mapping=serializer.to_mapping(), expected_version=expected
        )
        return with_etag(Response(MappingSerializer.of(consultation)), consultation.etag)


class CellOpenItem(InConsultation):
    """Turn a cell into an open item in its solution's section (409 while one raised on it is unresolved)."""

    serializer_class = s.OpenItemSerializer
    change_permission = "consultation.change_open_items"

    def get_queryset(self):
        return OpenItem.objects.none()  # for the schema

    @extend_schema(request=None, responses={201: s.OpenItemSerializer, **WRITE_ERRORS})
    def post(self, request, slug, code, key):
        assessment = get_object_or_404(
            Assessment.objects.select_related("solution__section", "criterion", "consultation"),
            consultation=self.consultation,
            solution__code=code,
            criterion__key=key,
        )
        item = open_item_from_cell(assessment=assessment, user=request.user)
        data = s.OpenItemSerializer(item, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status.HTTP_201_CREATED), item.etag)
