"""Serializers of the REST API: they validate input and render output, and never write.

Writes go through ``consultation.services``
called by the views. Objects inside a consultation are addressed by their
natural keys (a section by its number, a solution by its code, a criterion by
its key), scoped to the consultation of the request (``context["consultation"]``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultation.consistency import describe_expected, expected_stars
from consultation.matrix import Matrix, parse_as_of
from consultation.models import (
    AssessmentRevision,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    DraftImport,
    DraftImportStatus,
    OpenItem,
    OpenItemStatus,
    Reference,
    Section,
    Solution,
)
from consultation.rules import role_of

CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]*$"


def user_label(user) -> str:
    """How a person is shown next to a change: full name, else username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def absolute_url(request, name: str, **kwargs) -> str:
    path = reverse(f"api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


class ScopedSlugField(serializers.SlugRelatedField):
    """A related object named by its natural key, looked up only inside the request's consultation."""

    def get_queryset(self):
        return self.queryset.model.objects.filter(consultation=self.context["consultation"])


class UserLabelField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return user_label(value)


# --- Tokens -----------------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="Shown once: store it now. Send it as `Token <key>`.")
    created = serializers.DateTimeField(read_only=True)


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField(read_only=True)
    created = serializers.DateTimeField(read_only=True, allow_null=True)


# --- Consultations ----------------------------------------------------------------------------------------


class ConsultationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this consultation.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "reference",
            "title",
            "marking",
            "status",
            "opens_at",
            "closes_at",
            "version",
            "role",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_role(self, obj: Consultation) -> str | None:
        annotated = getattr(obj, "my_role", None)
        if annotated is not None:
            return annotated
        return role_of(self.context["request"].user, obj)

    def get_url(self, obj: Consultation) -> str:
        return absolute_url(self.context.get("request"), "consultation-detail", slug=obj.slug)

    def validate_slug(self, slug: str) -> str:
        if self.instance is not None and slug != self.instance.slug:
            raise serializers.ValidationError("The slug is the consultation's address: it cannot change.")
        return slug

    def validate(self, attrs):
        opens_at = attrs.get("opens_at", getattr(self.instance, "opens_at", None))
        closes_at = attrs.get("closes_at", getattr(self.instance, "closes_at", None))
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError({"closes_at": ["The consultation must close after it opens."]})
        return attrs


# --- Draft structure --------------------------------------------------------------------------------------


class FootnoteSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True)
    footnotes = FootnoteSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["number", "title", "parent", "order", "depth", "text", "footnotes"]
        read_only_fields = fields


def classification_value(solution: Solution) -> str | None:
    try:
        return solution.classification.value
    except ObjectDoesNotExist:
        return None


class SolutionSerializer(serializers.ModelSerializer):
    """A solution as read; ``group`` is the group's number, ``section`` the section's number."""

    group = serializers.IntegerField(source="group.number", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    section = serializers.SlugRelatedField(slug_field="number", read_only=True)
    classification = serializers.SerializerMethodField(help_text="The current overall classification.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Solution
        fields = ["code", "group", "group_name", "title", "section", "classification", "order", "retired_at", "url"]
        read_only_fields = fields

    def get_classification(self, obj: Solution) -> str | None:
        return classification_value(obj)

    def get_url(self, obj: Solution) -> str:
        return absolute_url(self.context.get("request"), "solution-detail", slug=obj.consultation.slug, code=obj.code)


@extend_schema_field(
    {
        "type": "string",
        "description": f"The initial classification, recorded as its first revision: one of "
        f"{', '.join(ClassificationChoice.values)}. Later changes go through classifications/{{code}}/.",
    }
)
class InitialClassificationField(serializers.ChoiceField):
    """A classification choice documented as a plain string, so the schema names its enum once (``value``)."""


class SolutionCreateSerializer(serializers.Serializer):
    code = serializers.RegexField(CODE_PATTERN, max_length=10, help_text='e.g. "1b"; letters, digits, - and _.')
    group = serializers.IntegerField(min_value=0, max_value=32767, help_text="The group's number.")
    group_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Creates the group when it does not exist yet."
    )
    title = serializers.CharField(max_length=300)
    section = ScopedSlugField(slug_field="number", queryset=Section.objects.none(), required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=2147483647, required=False)
    classification = InitialClassificationField(choices=ClassificationChoice.choices, required=False)

    def validate_code(self, code: str) -> str:
        if self.context["consultation"].solutions.filter(code=code).exists():
            raise serializers.ValidationError(f"There is a solution {code} already.")
        return code


class CriterionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = ["key", "name", "question", "order", "retired_at", "url"]
        read_only_fields = ["retired_at", "url"]
        extra_kwargs = {"order": {"required": False, "max_value": 32767}}

    def get_url(self, obj: Criterion) -> str:
        return absolute_url(self.context.get("request"), "criterion-detail", slug=obj.consultation.slug, key=obj.key)

    def validate_key(self, key: str) -> str:
        if self.context["consultation"].criteria.filter(key=key).exists():
            raise serializers.ValidationError(f"There is a criterion {key} already.")
        return key


# --- Ratings ----------------------------------------------------------------------------------------------


class AsOfField(serializers.CharField):
    """A date (the end of that day) or a date and time, read by ``parse_as_of``."""

    def to_internal_value(self, data) -> datetime:
        try:
            when = parse_as_of(super().to_internal_value(data))
            when.astimezone(UTC)  # the database compares in UTC: refuse times that cannot be expressed there
        except (ValueError, OverflowError) as exc:
            raise serializers.ValidationError(str(exc) or "Not a usable date.") from None
        return when


class MatrixQuerySerializer(serializers.Serializer):
    as_of = AsOfField(
        required=False, help_text="The matrix as it stood then: a date (end of that day) or a date and time."
    )
    version = serializers.CharField(
        required=False, help_text="A named version of the draft. Not available yet: answers 400."
    )
    solution = serializers.CharField(required=False, help_text="Only the cells of this solution (its code).")
    criterion = serializers.CharField(required=False, help_text="Only the cells of this criterion (its key).")

    def validate_version(self, value: str) -> str:
        raise serializers.ValidationError(
            "Versions are not available yet: named versions of the draft come later. Use as_of for now."
        )


class RatingCellSerializer(serializers.Serializer):
    """One cell of the matrix as it stands (or stood at ``as_of``)."""

    solution = serializers.CharField(help_text="The solution's code.")
    criterion = serializers.CharField(help_text="The criterion's key.")
    stars = serializers.IntegerField(allow_null=True, min_value=1, max_value=5, help_text="1 to 5; null for N/A.")
    level = serializers.CharField(help_text='The level in the text, e.g. "Medium-high".')
    rationale = serializers.CharField()
    revision = serializers.IntegerField(help_text="0 for a cell never set.")
    changed_at = serializers.DateTimeField(allow_null=True)
    changed_by = serializers.CharField()
    consistent = serializers.BooleanField(help_text="False when the text level and the stars disagree.")
    expected_stars = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        allow_null=True,
        help_text="The stars the level allows (null in the list for N/A); null when the level is empty or unknown.",
    )
    expected = serializers.CharField(help_text='The same, as text ("4★").')
    url = serializers.URLField()


def cell_data(request, consultation: Consultation, solution: Solution, criterion: Criterion, cell) -> dict:
    """The representation of a cell (a ``matrix.Cell``, or None for a cell never set)."""
    level = cell.level if cell else ""
    stars = cell.stars if cell else None
    allowed = expected_stars(level)
    return {
        "solution": solution.code,
        "criterion": criterion.key,
        "stars": stars,
        "level": level,
        "rationale": cell.rationale if cell else "",
        "revision": cell.revision if cell else 0,
        "changed_at": cell.changed_at if cell else None,
        "changed_by": cell.changed_by if cell else "",
        "consistent": allowed is None or stars in allowed,
        "expected_stars": None if allowed is None else sorted(allowed, key=lambda v: -1 if v is None else v),
        "expected": describe_expected(level),
        "url": absolute_url(request, "rating-detail", slug=consultation.slug, code=solution.code, key=criterion.key),
    }


def matrix_cells(request, matrix: Matrix, *, solution: str | None = None, criterion: str | None = None) -> list:
    """Every solution × criterion of the matrix, row by row, including cells never set."""
    return [
        cell_data(request, matrix.consultation, s, c, matrix.cell(s, c))
        for s in matrix.solutions
        if solution is None or s.code == solution
        for c in matrix.criteria
        if criterion is None or c.key == criterion
    ]


class RatingDetailSerializer(RatingCellSerializer):
    history = serializers.URLField(help_text="Every revision of the cell, oldest first.")


class RatingChangeSerializer(serializers.Serializer):
    """A manual change of a cell: the values to change, and why. Values not given stay as they are."""

    stars = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    level = serializers.CharField(max_length=60, allow_blank=True, required=False)
    rationale = serializers.CharField(allow_blank=True, required=False)
    reason = serializers.CharField(help_text="Why the rating changes; kept with the revision.")
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Ids of the submissions the change rests on. Submissions are not available yet: give [] or omit.",
    )

    def validate_evidence(self, ids: list[int]) -> list[int]:
        if ids:
            raise serializers.ValidationError(
                "Submissions are not available yet, so a change cannot cite any: give an empty list."
            )
        return ids


class RevisionSerializer(serializers.ModelSerializer):
    created_by = UserLabelField()

    class Meta:
        model = AssessmentRevision
        fields = ["number", "stars", "level", "rationale", "reason", "source", "created_at", "created_by"]
        read_only_fields = fields


class ClassificationRevisionSerializer(serializers.ModelSerializer):
    created_by = UserLabelField()

    class Meta:
        model = ClassificationRevision
        fields = ["number", "value", "reason", "source", "created_at", "created_by"]
        read_only_fields = fields


class ClassificationSerializer(serializers.Serializer):
    solution = serializers.CharField(help_text="The solution's code.")
    value = serializers.ChoiceField(choices=ClassificationChoice.choices)
    label = serializers.CharField()
    revision = serializers.IntegerField(help_text="0 for a classification never set.")
    changed_at = serializers.DateTimeField(allow_null=True)
    changed_by = serializers.CharField()
    history = ClassificationRevisionSerializer(many=True, help_text="Every revision, oldest first.")


class ClassificationChangeSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=ClassificationChoice.choices)
    reason = serializers.CharField(help_text="Why the classification changes; kept with the revision.")


class ConsistencyQuerySerializer(serializers.Serializer):
    as_of = AsOfField(required=False, help_text="Check the matrix as it stood then.")


# --- Open items -------------------------------------------------------------------------------------------


class OpenItemSerializer(serializers.ModelSerializer):
    section = ScopedSlugField(
        slug_field="number",
        queryset=Section.objects.none(),
        required=False,
        allow_null=True,
        help_text="The number of the section it belongs to.",
    )
    submissions = serializers.SerializerMethodField(
        help_text="Ids of the submissions linked to it (submissions are not available yet)."
    )
    created_by = UserLabelField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = OpenItem
        fields = [
            "id",
            "prompt",
            "section",
            "place",
            "status",
            "resolution",
            "submissions",
            "import_marker",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "url",
        ]
        read_only_fields = ["id", "import_marker", "created_at", "updated_at", "version"]

    def get_submissions(self, obj: OpenItem) -> list[int]:
        return []

    def get_url(self, obj: OpenItem) -> str:
        return absolute_url(self.context.get("request"), "open-item-detail", slug=obj.consultation.slug, pk=obj.pk)


class OpenItemQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OpenItemStatus.choices, required=False)


# --- References -------------------------------------------------------------------------------------------


class ReferenceSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(
        source="venue", required=False, allow_blank=True, help_text="The same as venue (API.md's name)."
    )
    solutions = ScopedSlugField(
        slug_field="code",
        queryset=Solution.objects.none(),
        many=True,
        required=False,
        help_text="Codes of the solutions it informs.",
    )

    class Meta:
        model = Reference
        fields = [
            "id",
            "group",
            "group_order",
            "number",
            "authors",
            "title",
            "year",
            "publisher",
            "venue",
            "url",
            "solutions",
        ]
        read_only_fields = ["id", "group_order"]
        extra_kwargs = {
            "number": {"required": False, "min_value": 1, "max_value": 32767},
            "year": {"min_value": 1900, "max_value": 2200},
        }

    def validate(self, attrs):
        publisher, venue = self.initial_data.get("publisher"), self.initial_data.get("venue")
        if publisher is not None and venue is not None and publisher != venue:
            raise serializers.ValidationError({"publisher": ["publisher and venue are the same field: give one."]})
        return attrs


class ReferenceQuerySerializer(serializers.Serializer):
    group = serializers.CharField(required=False, help_text="Only the references of this group.")
    solution = serializers.CharField(required=False, help_text="Only the references linked to this solution (code).")


# --- Draft import -----------------------------------------------------------------------------------------


class DraftImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The draft as UTF-8 text.")
    consultation = serializers.SlugField(help_text="The slug of the consultation to import into.")


class DraftImportQuerySerializer(serializers.Serializer):
    commit = serializers.BooleanField(
        required=False, default=True, help_text="false: answer the preview only, change nothing."
    )


class DraftImportSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = UserLabelField()
    url = serializers.SerializerMethodField(help_text="Where to follow the import's status and progress.")
    confirm_url = serializers.SerializerMethodField(help_text="POST here to apply a previewed import.")

    class Meta:
        model = DraftImport
        fields = [
            "id",
            "consultation",
            "filename",
            "sha256",
            "status",
            "progress",
            "preview",
            "result",
            "error",
            "created_by",
            "created_at",
            "finished_at",
            "url",
            "confirm_url",
        ]
        read_only_fields = fields

    def get_url(self, obj: DraftImport) -> str:
        return absolute_url(self.context.get("request"), "draft-import-detail", pk=obj.pk)

    def get_confirm_url(self, obj: DraftImport) -> str | None:
        if obj.status != DraftImportStatus.PREVIEWED:
            return None
        return absolute_url(self.context.get("request"), "draft-import-confirm", pk=obj.pk)
