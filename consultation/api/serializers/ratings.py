"""Serializers of the ratings: matrix cells as they stand or stood, manual changes, revisions, classifications."""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

from consultation.consistency import describe_expected, expected_stars, mapping_for
from consultation.matrix import Matrix, parse_as_of
from consultation.models import (
    AssessmentRevision,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    Solution,
)

from .base import UserLabelField, absolute_url


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
        required=False,
        max_length=100,
        help_text="The label of a named version of the draft: the matrix as that version published it. "
        "Wins over as_of.",
    )
    solution = serializers.CharField(required=False, help_text="Only the cells of this solution (its code).")
    criterion = serializers.CharField(required=False, help_text="Only the cells of this criterion (its key).")


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
    mapping = mapping_for(consultation)
    allowed = expected_stars(level, mapping)
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
        "expected": describe_expected(level, mapping),
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
        max_length=200,
        help_text="Ids of the submitted submissions of this consultation the change rests on.",
    )
    round = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Number of the closed rating round the change rests on (the revision's source is then round).",
    )
    excerpts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=200,
        help_text="Ids of the excerpts (of source documents, or of submitted input) the change rests on.",
    )

    def to_service(self) -> dict:
        """The validated data as keyword arguments of ``services.rating_change``."""
        data = dict(self.validated_data)
        data["evidence"] = data.pop("evidence", [])
        data["excerpts"] = data.pop("excerpts", [])
        data["round_number"] = data.pop("round", None)
        return data


def visible_title(context: dict, submission_id: int, title: str) -> str | None:
    """A cited submission's title, or None for a reader who may not read that input (``visible_submissions``)."""
    visible = context.get("visible_submissions")
    return title if visible is None or submission_id in visible else None


class EvidenceSerializer(serializers.Serializer):
    """A submission a change rests on; its title only for readers who may read that input."""

    id = serializers.IntegerField(source="pk")
    title = serializers.SerializerMethodField()

    def get_title(self, obj) -> str | None:
        return visible_title(self.context, obj.pk, obj.title)


class CitedExcerptSerializer(serializers.Serializer):
    """An excerpt a change rests on; its quote only for readers who may read what it quotes (a source document,
    or input they may read)."""

    id = serializers.IntegerField(source="pk")
    quote = serializers.SerializerMethodField()

    def get_quote(self, obj) -> str | None:
        if obj.submission_id is None:
            return obj.quote
        return visible_title(self.context, obj.submission_id, obj.quote)


class RevisionSerializer(serializers.ModelSerializer):
    created_by = UserLabelField()
    round = serializers.IntegerField(source="round.number", allow_null=True, read_only=True, default=None)
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="The submissions the change rests on.")
    excerpts = CitedExcerptSerializer(many=True, read_only=True, help_text="The excerpts the change rests on.")

    class Meta:
        model = AssessmentRevision
        fields = [
            "number",
            "stars",
            "level",
            "rationale",
            "reason",
            "source",
            "round",
            "evidence",
            "excerpts",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields


class ClassificationRevisionSerializer(serializers.ModelSerializer):
    created_by = UserLabelField()
    round = serializers.IntegerField(source="round.number", allow_null=True, read_only=True, default=None)
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="The submissions the change rests on.")
    excerpts = CitedExcerptSerializer(many=True, read_only=True, help_text="The excerpts the change rests on.")

    class Meta:
        model = ClassificationRevision
        fields = ["number", "value", "reason", "source", "round", "evidence", "excerpts", "created_at", "created_by"]
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
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=200,
        help_text="Ids of the submitted submissions of this consultation the change rests on.",
    )
    round = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Number of the closed rating round the change rests on."
    )
    excerpts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=200,
        help_text="Ids of the excerpts (of source documents, or of submitted input) the change rests on.",
    )

    def to_service(self) -> dict:
        """The validated data as keyword arguments of ``services.classification_change``."""
        data = dict(self.validated_data)
        data["evidence"] = data.pop("evidence", [])
        data["excerpts"] = data.pop("excerpts", [])
        data["round_number"] = data.pop("round", None)
        return data


class ConsistencyQuerySerializer(serializers.Serializer):
    as_of = AsOfField(required=False, help_text="Check the matrix as it stood then.")
    version = serializers.CharField(
        required=False, max_length=100, help_text="Check the matrix of this named version. Wins over as_of."
    )
