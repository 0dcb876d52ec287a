"""Serializers of expert input: they validate and render, and never write (the views call the services).

A submission is rendered for its reader: its author and the secretariat see
who wrote it, the response and the tags; anyone else who may read it (other
experts when the secretariat shares input, observers when it lets them) sees
"Expert N" and nothing that could name the author.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultation.api.serializers import ScopedSlugField, user_label
from consultation.models import Criterion, OpenItem, Reference, Section, Solution
from evidence.markdown import render_markdown
from evidence.models import Attachment, Submission, SubmissionStatus, SubmissionVersion

STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("withdrawn", "Withdrawn")]


def evidence_url(request, name: str, **kwargs) -> str:
    path = reverse(f"evidence-api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


def state_of(submission: Submission) -> str:
    if submission.submitted_at is None:
        return "draft"
    return "withdrawn" if submission.withdrawn_at is not None else "submitted"


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An object of the request's consultation by id; ids of other consultations are "does not exist"."""

    def get_queryset(self):
        return self.queryset.model.objects.filter(consultation=self.context["consultation"])


class ProposedRatingSerializer(serializers.Serializer):
    solution = ScopedSlugField(slug_field="code", queryset=Solution.objects.none(), help_text="Solution code (1b).")
    criterion = ScopedSlugField(slug_field="key", queryset=Criterion.objects.none(), help_text="Criterion key.")
    stars = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, default=None, help_text="1 to 5; null means N/A."
    )
    justification = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)


class ProposedReferenceSerializer(serializers.Serializer):
    authors = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)
    title = serializers.CharField(max_length=2000)
    year = serializers.IntegerField(min_value=1900, max_value=2200, allow_null=True, required=False, default=None)
    venue = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)
    url = serializers.URLField(allow_blank=True, required=False, default="", max_length=1000)


class ReceiptSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="Number of the submitted version.")
    submitted_at = serializers.DateTimeField(help_text="When this version was received.")
    sha256 = serializers.CharField(help_text="SHA-256 of the version's canonical JSON content.")


class SubmissionSerializer(serializers.Serializer):
    """One submission as its reader may see it (read-only; see SubmissionWriteSerializer for input)."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField(help_text='The author\'s name, or "Expert N" for other readers.')
    is_mine = serializers.SerializerMethodField()
    title = serializers.CharField()
    body = serializers.CharField(help_text="Markdown.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered to safe HTML.")
    solutions = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    open_items = serializers.SerializerMethodField()
    references = serializers.SerializerMethodField()
    proposed_ratings = serializers.SerializerMethodField()
    proposed_references = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices, help_text="The secretariat's triage status.")
    response = serializers.SerializerMethodField(help_text="The secretariat's response (author and secretariat).")
    responded_at = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="First submitted; null while a draft.")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(
        source="current_version", help_text="Number of the latest submitted version (0 while a draft)."
    )
    sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the latest version: the receipt.")
    receipt = serializers.SerializerMethodField()
    attachments_url = serializers.SerializerMethodField()
    versions_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _sees_author(self, obj: Submission) -> bool:
        return obj.author_id == self.context["request"].user.pk or self.context.get("is_secretariat", False)

    def _slug(self, obj: Submission) -> str:
        return self.context["consultation"].slug

    def get_url(self, obj: Submission) -> str:
        return evidence_url(self.context.get("request"), "submission-detail", slug=self._slug(obj), pk=obj.pk)

    def get_author(self, obj: Submission) -> str:
        if self._sees_author(obj):
            return user_label(obj.author)
        return self.context.get("pseudonyms", {}).get(obj.author_id, "Another expert")

    def get_is_mine(self, obj: Submission) -> bool:
        return obj.author_id == self.context["request"].user.pk

    def get_body_html(self, obj: Submission) -> str:
        return render_markdown(obj.body)

    def get_solutions(self, obj: Submission) -> list[str]:
        return [s.code for s in obj.solutions.all()]

    def get_criteria(self, obj: Submission) -> list[str]:
        return [c.key for c in obj.criteria.all()]

    def get_sections(self, obj: Submission) -> list[str]:
        return [s.number for s in obj.sections.all()]

    def get_open_items(self, obj: Submission) -> list[int]:
        return [i.pk for i in obj.open_items.all()]

    def get_references(self, obj: Submission) -> list[int]:
        return [r.pk for r in obj.references.all()]

    @extend_schema_field(ProposedRatingSerializer(many=True))
    def get_proposed_ratings(self, obj: Submission) -> list[dict]:
        return [
            {
                "solution": r.solution.code,
                "criterion": r.criterion.key,
                "stars": r.stars,
                "justification": r.justification,
            }
            for r in obj.proposed_ratings.all()
        ]

    @extend_schema_field(ProposedReferenceSerializer(many=True))
    def get_proposed_references(self, obj: Submission) -> list[dict]:
        return [
            {"authors": r.authors, "title": r.title, "year": r.year, "venue": r.venue, "url": r.url}
            for r in obj.proposed_references.all()
        ]

    @extend_schema_field(serializers.ChoiceField(choices=STATES))
    def get_state(self, obj: Submission) -> str:
        return state_of(obj)

    def get_response(self, obj: Submission) -> str:
        return obj.response if self._sees_author(obj) else ""

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_responded_at(self, obj: Submission):
        return (
            serializers.DateTimeField().to_representation(obj.responded_at)
            if (self._sees_author(obj) and obj.responded_at)
            else None
        )

    def get_tags(self, obj: Submission) -> list[str]:
        return [t.name for t in obj.tags.all()] if self.context.get("is_secretariat") else []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sha256(self, obj: Submission) -> str | None:
        return getattr(obj, "receipt_sha256", None)

    @extend_schema_field(ReceiptSerializer(allow_null=True))
    def get_receipt(self, obj: Submission) -> dict | None:
        sha = getattr(obj, "receipt_sha256", None)
        if not sha:
            return None
        at = getattr(obj, "receipt_at", None)
        return {
            "version": obj.current_version,
            "submitted_at": serializers.DateTimeField().to_representation(at) if at else None,
            "sha256": sha,
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachments_url(self, obj: Submission) -> str | None:
        if not self._sees_author(obj):
            return None
        return evidence_url(self.context.get("request"), "attachment-list", slug=self._slug(obj), pk=obj.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_versions_url(self, obj: Submission) -> str | None:
        if not self._sees_author(obj):
            return None
        return evidence_url(self.context.get("request"), "submission-versions", slug=self._slug(obj), pk=obj.pk)


class SubmissionWriteSerializer(serializers.Serializer):
    """What the author writes. Every field is optional on PATCH; lists replace what was there."""

    title = serializers.CharField(allow_blank=True, required=False, max_length=300)
    body = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False, max_length=200_000)
    solutions = ScopedSlugField(
        slug_field="code", queryset=Solution.objects.none(), many=True, required=False, help_text="Solution codes."
    )
    criteria = ScopedSlugField(
        slug_field="key", queryset=Criterion.objects.none(), many=True, required=False, help_text="Criterion keys."
    )
    sections = ScopedSlugField(
        slug_field="number", queryset=Section.objects.none(), many=True, required=False, help_text="Section numbers."
    )
    open_items = ScopedPrimaryKeyField(
        queryset=OpenItem.objects.none(), many=True, required=False, help_text="Open item ids."
    )
    references = ScopedPrimaryKeyField(
        queryset=Reference.objects.none(), many=True, required=False, help_text="Ids of the draft's references cited."
    )
    proposed_ratings = ProposedRatingSerializer(many=True, required=False)
    proposed_references = ProposedReferenceSerializer(many=True, required=False, help_text="New references cited.")
    submit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="true submits the draft in the same request (or POST .../submit/ later): the answer carries the "
        "receipt (submitted_at, version, sha256).",
    )

    CONTENT_FIELDS = (
        "title",
        "body",
        "solutions",
        "criteria",
        "sections",
        "open_items",
        "references",
        "proposed_ratings",
        "proposed_references",
    )

    def content(self) -> dict:
        return {name: value for name, value in self.validated_data.items() if name in self.CONTENT_FIELDS}


class SubmissionTriageSerializer(serializers.Serializer):
    """What the secretariat changes on a submitted submission."""

    status = serializers.ChoiceField(choices=SubmissionStatus.choices, required=False)
    response = serializers.CharField(allow_blank=True, required=False, max_length=50_000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, help_text="Tag names; new ones are created."
    )

    FIELDS = ("status", "response", "tags")


class SubmissionQuerySerializer(serializers.Serializer):
    solution = serializers.CharField(
        required=False, help_text="A solution code: input linked to it or proposing a rating of it."
    )
    criterion = serializers.CharField(
        required=False, help_text="A criterion key: input linked to it or proposing a rating against it."
    )
    open_item = serializers.IntegerField(
        required=False, min_value=1, help_text="An open item id: input linked to it or answering it."
    )
    section = serializers.CharField(required=False, help_text="A section number.")
    status = serializers.ChoiceField(choices=SubmissionStatus.choices, required=False, help_text="Triage status.")
    state = serializers.ChoiceField(choices=STATES, required=False)
    author = serializers.IntegerField(required=False, min_value=1, help_text="A user id (secretariat only).")
    mine = serializers.BooleanField(required=False, default=False, help_text="Only my own input.")
    search = serializers.CharField(required=False, max_length=200, help_text="Full-text search in title and body.")


class SubmissionVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    content = serializers.JSONField(help_text="The canonical content whose SHA-256 is the receipt.")

    class Meta:
        model = SubmissionVersion
        fields = ["number", "title", "body", "content", "sha256", "created_by", "created_at"]

    def get_created_by(self, obj: SubmissionVersion) -> str:
        return user_label(obj.created_by)


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "uploaded_at", "download_url"]

    def get_download_url(self, obj: Attachment) -> str:
        return evidence_url(
            self.context.get("request"),
            "attachment-download",
            slug=self.context["consultation"].slug,
            pk=obj.submission_id,
            attachment_pk=obj.pk,
        )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT or CSV; the type is read from the content."
    )
