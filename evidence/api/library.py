"""The REST API of the evidence library: source documents, their versions, excerpts (see docs/API.md).

Same rules as the pages (``evidence/rules.py``): every member reads sources (observers too), the secretariat
adds and changes them (experts add where allowed), every member but observers quotes, an excerpt of a
submission is a 404 for whoever may not read that submission. Writes go through
``evidence.services.library``: 409 when the consultation is closed, 412 when ``If-Match`` is stale, 413/415
for refused uploads.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from consultation.api.etag import expected_version, with_etag
from consultation.api.exceptions import PayloadTooLarge
from consultation.api.views.base import ERRORS, WRITE_ERRORS, InConsultation
from evidence.api.views import UnsupportedFileType
from evidence.attachments import AttachmentRefused, AttachmentTooLarge, AttachmentTypeRefused
from evidence.models import Excerpt, SourceDocument, SourceVersion, Submission
from evidence.services import library as services
from evidence.views.excerpts import creator_labels, excerpts_with_links, locate_all

from . import serializers_library as s

UPLOAD_ERRORS = {
    **WRITE_ERRORS,
    413: OpenApiResponse(description="The file is larger than allowed."),
    415: OpenApiResponse(description="The file's type (by its content) is not accepted."),
}


def refused_upload(error: AttachmentRefused) -> Exception:
    if isinstance(error, AttachmentTooLarge):
        return PayloadTooLarge(error.message)
    if isinstance(error, AttachmentTypeRefused):
        return UnsupportedFileType(error.message)
    return exceptions.ValidationError({"file": [error.message]})


def _versions_metadata():
    """The versions of each source without their (large) text, newest first."""
    return Prefetch(
        "versions",
        queryset=SourceVersion.objects.defer("text", "blocks").select_related("created_by").order_by("-number"),
        to_attr="latest_versions",
    )


class SourceView(InConsultation):
    change_permission = "evidence.add_source"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def sources(self):
        return (
            SourceDocument.objects.filter(consultation=self.consultation)
            .select_related("added_by")
            .prefetch_related(_versions_metadata())
        )

    def source(self) -> SourceDocument:
        return get_object_or_404(self.sources(), pk=self.kwargs["pk"])

    def answer(self, source: SourceDocument, code: int = status.HTTP_200_OK, *, number: int | None = None) -> Response:
        source = self.sources().get(pk=source.pk)
        versions = source.versions.all()
        shown = versions.filter(number=number).first() if number else versions.order_by("-number").first()
        if number and shown is None:
            raise Http404("No such version.")
        context = {**self.get_serializer_context(), "shown": shown}
        return with_etag(Response(s.SourceTextSerializer(source, context=context).data, status=code), source.etag)


class SourceList(SourceView):
    """Every source of the consultation, newest document first; POST adds one (multipart ``file``, or ``url``)."""

    serializer_class = s.SourceSerializer

    @extend_schema(responses={200: s.SourceSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        return self.paginated(self.sources().order_by("-date", "title", "pk"))

    @extend_schema(
        request={"multipart/form-data": s.SourceWriteSerializer, "application/json": s.SourceWriteSerializer},
        responses={201: s.SourceTextSerializer, **UPLOAD_ERRORS},
    )
    def post(self, request, slug):
        serializer = s.SourceWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            source = services.source_create(
                consultation=self.consultation, user=request.user, **serializer.validated_data
            )
        except AttachmentRefused as error:
            raise refused_upload(error) from None
        return self.answer(source, status.HTTP_201_CREATED)


class SourceDetail(SourceView):
    """One source with the extracted text and structure of its latest version (``?version=N`` for another)."""

    change_permission = "evidence.change_source"
    serializer_class = s.SourceTextSerializer

    @extend_schema(parameters=[s.SourceQuerySerializer], responses={200: s.SourceTextSerializer, **ERRORS})
    def get(self, request, slug, pk):
        query = self.query(s.SourceQuerySerializer)
        return self.answer(self.source(), number=query.get("version"))

    @extend_schema(request=s.SourcePatchSerializer, responses={200: s.SourceTextSerializer, **WRITE_ERRORS})
    def patch(self, request, slug, pk):
        source = self.source()
        expected = expected_version(request, source.etag, source.version)
        serializer = s.SourcePatchSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        source = services.source_update(
            source=source, user=request.user, expected_version=expected, **serializer.validated_data
        )
        return self.answer(source)


class SourceVersions(SourceView):
    """Every version of a source, newest first, with its text and structure; POST uploads the next one."""

    change_permission = "evidence.change_source"
    serializer_class = s.SourceVersionTextSerializer

    @extend_schema(responses={200: s.SourceVersionTextSerializer(many=True), **ERRORS})
    def get(self, request, slug, pk):
        source = self.source()
        return self.paginated(source.versions.select_related("created_by").order_by("-number"))

    @extend_schema(
        request={"multipart/form-data": s.SourceVersionWriteSerializer},
        responses={201: s.SourceVersionTextSerializer, **UPLOAD_ERRORS},
    )
    def post(self, request, slug, pk):
        source = self.source()
        expected = expected_version(request, source.etag, source.version)
        serializer = s.SourceVersionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            version = services.source_add_version(
                source=source, user=request.user, file=serializer.validated_data["file"], expected_version=expected
            )
        except AttachmentRefused as error:
            raise refused_upload(error) from None
        data = s.SourceVersionTextSerializer(version, context=self.get_serializer_context()).data
        source.refresh_from_db()
        return with_etag(Response(data, status=status.HTTP_201_CREATED), source.etag)


class ExcerptView(InConsultation):
    change_permission = "evidence.add_excerpt"

    def excerpts(self):
        return excerpts_with_links(Excerpt.objects.visible_to(self.request.user, self.consultation)).select_related(
            "submission_version"
        )

    def excerpt(self) -> Excerpt:
        excerpt = self.excerpts().filter(pk=self.kwargs["pk"]).first()
        if excerpt is None:
            raise Http404("No such excerpt.")
        return excerpt

    def render(self, excerpts: list[Excerpt]) -> list[dict]:
        locate_all(excerpts)
        creator_labels(self.request.user, self.consultation, excerpts)
        return s.ExcerptSerializer(excerpts, many=True, context=self.get_serializer_context()).data

    def answer(self, excerpt: Excerpt, code: int = status.HTTP_200_OK) -> Response:
        excerpt = self.excerpts().get(pk=excerpt.pk)
        return with_etag(Response(self.render([excerpt])[0], status=code), excerpt.etag)

    def links(self, data: dict) -> dict:
        return {
            name: data[name] for name in ("solutions", "criteria", "cells", "open_items", "sections") if name in data
        }


class ExcerptList(ExcerptView):
    """Excerpts the user may read, newest first; filters: source, submission, solution, criterion, stance."""

    serializer_class = s.ExcerptSerializer

    @extend_schema(parameters=[s.ExcerptQuerySerializer], responses={200: s.ExcerptSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        query = self.query(s.ExcerptQuerySerializer)
        excerpts = self.excerpts()
        for name in ("source", "submission"):
            if query.get(name) is not None:
                excerpts = excerpts.filter(**{f"{name}_id": query[name]})
        if query.get("stance"):
            excerpts = excerpts.filter(stance=query["stance"])
        if query.get("solution"):
            excerpts = excerpts.filter(
                Q(solutions__code=query["solution"]) | Q(cells__solution__code=query["solution"])
            )
        if query.get("criterion"):
            excerpts = excerpts.filter(
                Q(criteria__key=query["criterion"]) | Q(cells__criterion__key=query["criterion"])
            )
        page = self.paginate_queryset(excerpts.distinct().order_by("-created_at", "-id"))
        return self.get_paginated_response(self.render(list(page)))

    @extend_schema(request=s.ExcerptWriteSerializer, responses={201: s.ExcerptSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = s.ExcerptWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = {}
        if data.get("source"):
            target["source"] = data["source"]
            if data.get("source_version"):
                target["source_version"] = get_object_or_404(
                    SourceVersion, source=data["source"], number=data["source_version"]
                )
        else:
            submission = Submission.objects.visible_to(request.user, self.consultation).filter(pk=data["submission"])
            target["submission"] = submission.first()
            if target["submission"] is None:
                raise exceptions.ValidationError({"submission": ["No such submission."]})
        excerpt = services.excerpt_create(
            consultation=self.consultation,
            user=request.user,
            quote=data["quote"],
            start=data["start"],
            end=data["end"],
            stance=data["stance"],
            note=data.get("note", ""),
            **target,
            **self.links(data),
        )
        return self.answer(excerpt, status.HTTP_201_CREATED)


class ExcerptDetail(ExcerptView):
    """One excerpt; its creator or the secretariat changes its stance, note and links, or removes it."""

    serializer_class = s.ExcerptSerializer

    @extend_schema(responses={200: s.ExcerptSerializer, **ERRORS})
    def get(self, request, slug, pk):
        return self.answer(self.excerpt())

    @extend_schema(request=s.ExcerptPatchSerializer, responses={200: s.ExcerptSerializer, **WRITE_ERRORS})
    def patch(self, request, slug, pk):
        excerpt = self.excerpt()
        expected = expected_version(request, excerpt.etag, excerpt.version)
        serializer = s.ExcerptPatchSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        excerpt = services.excerpt_update(
            excerpt=excerpt,
            user=request.user,
            expected_version=expected,
            stance=data.get("stance"),
            note=data.get("note"),
            **self.links(data),
        )
        return self.answer(excerpt)

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def delete(self, request, slug, pk):
        excerpt = self.excerpt()
        expected_version(request, excerpt.etag, excerpt.version)
        services.excerpt_delete(excerpt=excerpt, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
