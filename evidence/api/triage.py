"""The secretariat's triage in the API, beyond the status, response and tags that ``PATCH submissions/{id}/`` sets.

``submissions/{id}/notes/`` (internal notes) and ``tags/`` (the consultation's
tags): secretariat only, for reading as for writing, as on the pages (rule
``evidence.triage``). Non-members get 404, other members 403, writes to a
closed consultation 409.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from consultation.api.permissions import refuse_if_frozen
from consultation.api.serializers.base import UserLabelField
from consultation.api.views.base import ERRORS, WRITE_ERRORS, InConsultation
from evidence.models import InternalNote, Submission, Tag
from evidence.rules import can_triage
from evidence.services.triage import internal_note_add, tag_create


class Triages(BasePermission):
    """The secretariat only (non-members already got 404 from the consultation's lookup)."""

    message = "Only the secretariat of this consultation triages input."

    def has_permission(self, request, view) -> bool:
        if not can_triage(request.user, view.consultation):
            return False
        if request.method not in SAFE_METHODS:
            refuse_if_frozen(view.consultation)
        return True


class InternalNoteSerializer(serializers.ModelSerializer):
    author = UserLabelField()
    body = serializers.CharField(max_length=20000, help_text="Never shown to experts or observers.")

    class Meta:
        model = InternalNote
        fields = ["id", "body", "author", "created_at"]
        read_only_fields = ["id", "created_at"]


class TagSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=Tag._meta.get_field("name").max_length)
    submissions = serializers.IntegerField(read_only=True, source="n_submissions", help_text="How many carry it.")

    class Meta:
        model = Tag
        fields = ["id", "name", "submissions"]
        read_only_fields = ["id"]


class InternalNoteList(InConsultation):
    """The secretariat's internal notes on one submitted submission, oldest first; POST adds one."""

    permission_classes = [IsAuthenticated, Triages]
    serializer_class = InternalNoteSerializer

    def submission(self) -> Submission:
        submission = (
            Submission.objects.visible_to(self.request.user, self.consultation)
            .submitted()
            .select_related("consultation")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if submission is None:
            raise Http404("No such submission.")
        return submission

    def get_queryset(self):
        if self.schema_only:
            return InternalNote.objects.none()
        return (
            InternalNote.objects.filter(submission=self.submission())
            .select_related("author")
            .order_by("created_at", "id")
        )

    @extend_schema(responses={200: InternalNoteSerializer(many=True), **ERRORS})
    def get(self, request, slug, pk):
        return self.paginated(self.get_queryset())

    @extend_schema(request=InternalNoteSerializer, responses={201: InternalNoteSerializer, **WRITE_ERRORS})
    def post(self, request, slug, pk):
        submission = self.submission()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = internal_note_add(submission=submission, user=request.user, body=serializer.validated_data["body"])
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)


class TagList(InConsultation):
    """The consultation's tags with how many submissions carry each; POST creates one (or returns the existing)."""

    permission_classes = [IsAuthenticated, Triages]
    serializer_class = TagSerializer

    def get_queryset(self):
        if self.schema_only:
            return Tag.objects.none()
        return Tag.objects.filter(consultation=self.consultation).annotate(n_submissions=Count("submissions"))

    @extend_schema(responses={200: TagSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        return self.paginated(self.get_queryset().order_by("name", "id"))

    @extend_schema(request=TagSerializer, responses={201: TagSerializer, 200: TagSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existed = Tag.objects.filter(
            consultation=self.consultation, name__iexact=" ".join(serializer.validated_data["name"].split())
        ).exists()
        tag = tag_create(consultation=self.consultation, user=request.user, name=serializer.validated_data["name"])
        tag = self.get_queryset().get(pk=tag.pk)
        return Response(
            self.get_serializer(tag).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )
