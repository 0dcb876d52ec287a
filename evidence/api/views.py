"""The REST API of expert input: submissions, their versions, withdrawal and attachments.

Permissions are the rules of ``evidence/rules.py``, the same the pages use:
a non-member gets 404 for everything (``get_visible_consultation``), a
submission the user may not read is a 404 like one that does not exist, and a
member whose role does not allow the action gets 403. Writes go through
``evidence.services.submissions`` (with ``.attachments``, and the triage service), which answer
409 after the deadline and 412 when ``If-Match`` is stale.
"""

from __future__ import annotations

import rules
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from consultation.api.etag import expected_version, with_etag
from consultation.api.exceptions import PayloadTooLarge
from consultation.api.views.base import ERRORS, WRITE_ERRORS, InConsultation
from consultation.models import Role
from consultation.rules import can_view, role_of
from evidence.attachments import AttachmentRefused, AttachmentTooLarge, AttachmentTypeRefused
from evidence.downloads import attachment_response
from evidence.models import SUBMISSION_SEARCH_CONFIG, SUBMISSION_SEARCH_VECTOR, Attachment, Submission
from evidence.reading import author_labels, for_display
from evidence.rules import can_author, can_list_input
from evidence.services import submissions as services
from evidence.services.attachments import attachment_add

from . import serializers as s

SUBMISSION_ERRORS = {
    **WRITE_ERRORS,
    409: OpenApiResponse(description="Not accepted now: after the deadline, or the submission was withdrawn."),
}


class UnsupportedFileType(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = "This type of file is not accepted."
    default_code = "unsupported_file_type"


class IsMember(BasePermission):
    """Any member passes (non-members already got 404); each action checks its own rule."""

    def has_permission(self, request, view) -> bool:
        return can_view(request.user, view.consultation)


def require(permission: str, user, obj, message: str) -> None:
    if not rules.has_perm(permission, user, obj):
        raise PermissionDenied(message)


class SubmissionView(InConsultation):
    permission_classes = [IsAuthenticated, IsMember]
    serializer_class = s.SubmissionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Submission.objects.none()
        return Submission.objects.visible_to(self.request.user, self.consultation)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            context["is_secretariat"] = role_of(self.request.user, self.consultation) == Role.SECRETARIAT
        return context

    def submission(self) -> Submission:
        """The submission of the URL if the user may read it; otherwise 404, as if it did not exist."""
        submission = self.get_queryset().select_related("consultation").filter(pk=self.kwargs["pk"]).first()
        if submission is None:
            raise Http404("No such submission.")
        return submission

    def render(self, submissions, *, many: bool = False):
        context = self.get_serializer_context()
        items = list(submissions) if many else [submissions]
        context["pseudonyms"] = author_labels(self.request.user, self.consultation, items)
        return s.SubmissionSerializer(submissions, many=many, context=context).data

    def reread(self, submission: Submission) -> Submission:
        return for_display(Submission.objects.filter(pk=submission.pk)).get()

    def answer(self, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
        submission = self.reread(submission)
        return with_etag(Response(self.render(submission), status=code), submission.etag)


class SubmissionList(SubmissionView):
    """Experts: their own input, and others' (pseudonymised) when the secretariat shares it. Secretariat: all."""

    @extend_schema(
        parameters=[s.SubmissionQuerySerializer], responses={200: s.SubmissionSerializer(many=True), **ERRORS}
    )
    def get(self, request, slug):
        if not can_list_input(request.user, self.consultation):
            raise PermissionDenied("The secretariat has not shared the experts' input with observers.")
        query = self.query(s.SubmissionQuerySerializer)
        submissions = self.get_queryset()
        if query.get("author") is not None:
            if role_of(request.user, self.consultation) != Role.SECRETARIAT:
                raise exceptions.ValidationError({"author": ["Only the secretariat can filter by author."]})
            submissions = submissions.filter(author_id=query["author"])
        if query.get("mine"):
            submissions = submissions.filter(author=request.user)
        # The same matching as the inbox: a proposed rating links to its solution and criterion, and input the
        # secretariat linked as answering an open item links to it. A name that is not this consultation's
        # matches nothing.
        linked = {}
        for name, objects, field in (
            ("solution", self.consultation.solutions, "code"),
            ("criterion", self.consultation.criteria, "key"),
            ("section", self.consultation.sections, "number"),
            ("open_item", self.consultation.open_items, "pk"),
        ):
            if query.get(name) is not None:
                linked[name] = objects.filter(**{field: query[name]}).first()
                if linked[name] is None:
                    submissions = submissions.none()
        submissions = submissions.linked_to(**linked)
        if query.get("status") is not None:
            submissions = submissions.filter(status=query["status"])
        state = query.get("state")
        if state == "draft":
            submissions = submissions.filter(submitted_at__isnull=True)
        elif state == "submitted":
            submissions = submissions.filter(submitted_at__isnull=False, withdrawn_at__isnull=True)
        elif state == "withdrawn":
            submissions = submissions.filter(withdrawn_at__isnull=False)
        if query.get("search"):
            submissions = submissions.annotate(search_vector=SUBMISSION_SEARCH_VECTOR).filter(
                search_vector=SearchQuery(query["search"], config=SUBMISSION_SEARCH_CONFIG, search_type="websearch")
            )
        page = self.paginate_queryset(for_display(submissions.distinct().order_by("-created_at", "-id")))
        return self.get_paginated_response(self.render(page, many=True))

    @extend_schema(request=s.SubmissionWriteSerializer, responses={201: s.SubmissionSerializer, **SUBMISSION_ERRORS})
    def post(self, request, slug):
        """Create a draft; with ``"submit": true`` submit it at once (the answer carries the receipt)."""
        if not can_author(request.user, self.consultation):
            raise PermissionDenied("Only the experts and the secretariat of this consultation can write input.")
        serializer = s.SubmissionWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            submission = services.submission_save_draft(
                consultation=self.consultation, author=request.user, **serializer.content()
            )
            if serializer.validated_data.get("submit"):
                services.submission_submit(submission=submission, user=request.user)
        return self.answer(submission, status.HTTP_201_CREATED)


class SubmissionDetail(SubmissionView):
    """Read a submission; its author changes it (a new version once submitted), the secretariat triages it."""

    @extend_schema(responses={200: s.SubmissionSerializer, **ERRORS})
    def get(self, request, slug, pk):
        return self.answer(self.submission())

    @extend_schema(
        request=s.SubmissionWriteSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_ERRORS},
        description="The author sends any of the content fields (and `submit`); the secretariat sends `status`, "
        "`response` and `tags`. Send `If-Match` with the ETag you read.",
    )
    def patch(self, request, slug, pk):
        submission = self.submission()
        expected = expected_version(request, submission.etag, submission.version)
        if not hasattr(request.data, "keys"):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object of the fields to change."]})
        sent = set(request.data.keys())
        triage = sent & set(s.SubmissionTriageSerializer.FIELDS)
        if triage and sent - triage:
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send the author's changes and the triage (status, response, tags) separately."]}
            )
        if triage:
            return self.triage(submission, expected)
        require("evidence.change_submission", request.user, submission, "Only its author can change a submission.")
        serializer = s.SubmissionWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            if submission.submitted_at is None:
                submission = services.submission_save_draft(
                    consultation=self.consultation,
                    author=request.user,
                    submission=submission,
                    expected_version=expected,
                    **serializer.content(),
                )
                if serializer.validated_data.get("submit"):
                    services.submission_submit(submission=submission, user=request.user)
            else:
                submission, _ = services.submission_edit(
                    submission=submission, user=request.user, expected_version=expected, **serializer.content()
                )
        return self.answer(submission)

    def triage(self, submission: Submission, expected: int | None) -> Response:
        from evidence.services.triage import submission_triage, tag_create

        require(
            "evidence.triage_submission",
            self.request.user,
            submission,
            "Only the secretariat can triage submitted input.",
        )
        serializer = s.SubmissionTriageSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            tags = None
            if "tags" in data:
                tags = [
                    tag_create(consultation=self.consultation, user=self.request.user, name=n) for n in data["tags"]
                ]
            submission = submission_triage(
                submission=submission,
                user=self.request.user,
                status=data.get("status"),
                response=data.get("response"),
                tags=tags,
                expected_version=expected,
            )
        return self.answer(submission)


class SubmissionSubmit(SubmissionView):
    """Submit a draft: the answer carries the receipt (submitted_at, version, sha256)."""

    @extend_schema(request=None, responses={200: s.SubmissionSerializer, **SUBMISSION_ERRORS})
    def post(self, request, slug, pk):
        submission = self.submission()
        require("evidence.change_submission", request.user, submission, "Only its author can submit a submission.")
        expected = expected_version(request, submission.etag, submission.version)
        services.submission_submit(submission=submission, user=request.user, expected_version=expected)
        return self.answer(submission)


class SubmissionWithdraw(SubmissionView):
    """Withdraw a submission: kept with every version, marked withdrawn; 409 when withdrawn already."""

    @extend_schema(request=None, responses={200: s.SubmissionSerializer, **SUBMISSION_ERRORS})
    def post(self, request, slug, pk):
        submission = self.submission()
        require("evidence.withdraw_submission", request.user, submission, "Only its author can withdraw it.")
        expected = expected_version(request, submission.etag, submission.version)
        services.submission_withdraw(submission=submission, user=request.user, expected_version=expected)
        return self.answer(submission)


class SubmissionVersions(SubmissionView):
    """Every version of a submission, oldest first, each with its content and SHA-256 (author, secretariat)."""

    serializer_class = s.SubmissionVersionSerializer

    @extend_schema(responses={200: s.SubmissionVersionSerializer(many=True), **ERRORS})
    def get(self, request, slug, pk):
        submission = self.submission()
        require(
            "evidence.view_submission_history",
            request.user,
            submission,
            "Only the author and the secretariat can read earlier versions.",
        )
        versions = submission.versions.select_related("created_by").order_by("number")
        return self.paginated(versions, s.SubmissionVersionSerializer)


class AttachmentList(SubmissionView):
    """A submission's files (author, secretariat); the author uploads one per request as multipart ``file``."""

    serializer_class = s.AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: s.AttachmentSerializer(many=True), **ERRORS})
    def get(self, request, slug, pk):
        submission = self.submission()
        require("evidence.view_attachments", request.user, submission, "Only the author and the secretariat see files.")
        return self.paginated(submission.attachments.order_by("uploaded_at", "id"), s.AttachmentSerializer)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={
            201: s.AttachmentSerializer,
            **SUBMISSION_ERRORS,
            413: OpenApiResponse(description="The file, or the submission's files together, are over the limit."),
            415: OpenApiResponse(description="The file's content is not an accepted type."),
        },
    )
    def post(self, request, slug, pk):
        submission = self.submission()
        require("evidence.add_attachment", request.user, submission, "Only its author can attach files.")
        upload = s.AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            attachment = attachment_add(submission=submission, user=request.user, file=upload.validated_data["file"])
        except AttachmentTooLarge as error:
            raise PayloadTooLarge(error.message) from None
        except AttachmentTypeRefused as error:
            raise UnsupportedFileType(error.message) from None
        except AttachmentRefused as error:
            raise exceptions.ValidationError({"file": [error.message]}) from None
        data = s.AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttachmentDownload(SubmissionView):
    """The file itself, as a download (author, secretariat)."""

    # The file goes out with its own content type (application/pdf, image/png ...).
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, slug, pk, attachment_pk):
        submission = self.submission()
        require("evidence.view_attachments", request.user, submission, "Only the author and the secretariat see files.")
        attachment = Attachment.objects.filter(submission=submission, pk=attachment_pk).first()
        if attachment is None:
            raise Http404("No such attachment.")
        return attachment_response(attachment, request=request, consultation=self.consultation)
