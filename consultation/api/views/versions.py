"""Named versions of the draft and the differences between two of them (or two dates)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from consultation.adoption import visible_submission_ids
from consultation.diffs import diff
from consultation.models import DraftVersion
from consultation.services.versions import version_publish
from consultation.versions import UnknownPoint, ViewPoint, previous_version, resolve_point, version_by_label

from ..serializers.versions import DiffQuerySerializer, DiffSerializer, VersionSerializer
from .base import ERRORS, WRITE_ERRORS, InConsultation


class VersionList(InConsultation, generics.ListAPIView):
    """The published versions, oldest first; the secretariat publishes one (label, published_at, note)."""

    serializer_class = VersionSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        if self.schema_only:
            return DraftVersion.objects.none()
        return (
            DraftVersion.objects.filter(consultation=self.consultation)
            .select_related("created_by", "draft_import")
            .order_by("published_at", "id")
        )

    @extend_schema(request=VersionSerializer, responses={201: VersionSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = version_publish(
            consultation=self.consultation,
            user=request.user,
            label=data["label"],
            note=data.get("note", ""),
            published_at=data.get("published_at"),
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


def _moment(point: ViewPoint) -> dict:
    return {"label": point.version.label if point.version else None, "at": point.when}


class VersionDiff(InConsultation):
    """What differs between a version and another version or date (``against``, by default the version before).

    Read in a constant number of queries whatever the size of the matrix or of its history.
    """

    serializer_class = DiffSerializer

    def get_queryset(self):
        return DraftVersion.objects.none()  # for the schema

    @extend_schema(
        parameters=[
            DiffQuerySerializer,
            OpenApiParameter("label", str, OpenApiParameter.PATH, description="A version's label."),
        ],
        responses={200: DiffSerializer, **ERRORS},
    )
    def get(self, request, slug, label):
        version = version_by_label(self.consultation, label)
        if version is None:
            raise Http404("This consultation has no such version.")
        this = ViewPoint(version.published_at, version)
        against_value = self.query(DiffQuerySerializer).get("against")
        if against_value:
            try:
                other = resolve_point(self.consultation, against_value)
            except UnknownPoint as error:
                raise ValidationError({"against": [str(error)]}) from None
        else:
            earlier = previous_version(version)
            if earlier is None:
                raise ValidationError(
                    {"against": [f"“{version.label}” is the first version: name a version or a date to compare with."]}
                )
            other = ViewPoint(earlier.published_at, earlier)
        start, end = sorted((other, this), key=lambda p: p.when)
        result = diff(self.consultation, start.when, end.when)
        data = {
            "from": _moment(start),
            "to": _moment(end),
            "cells": result.cells,
            "classifications": result.classifications,
            "retired": {
                "solutions": [s.code for s in result.retired_solutions],
                "criteria": [c.key for c in result.retired_criteria],
            },
        }
        context = {"visible_submissions": visible_submission_ids(request.user, self.consultation)}
        return Response(DiffSerializer(data, context=context).data)
