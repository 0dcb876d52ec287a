"""Serializers of the draft's structure: sections with their footnotes, solutions, criteria and references."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultation.bibliography import normalise_doi
from consultation.models import ClassificationChoice, Criterion, Reference, Section, Solution

from .base import CODE_PATTERN, ScopedSlugField, absolute_url


class FootnoteSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True, help_text="The parent section's number; null at the top."
    )
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
            "doi",
            "solutions",
            "footnotes",
            "version",
            "allow_duplicate",
        ]
        read_only_fields = ["id", "group_order", "version"]
        extra_kwargs = {
            "number": {"required": False, "min_value": 1, "max_value": 32767},
            "year": {"min_value": 1900, "max_value": 2200},
            "doi": {
                "help_text": 'Stored bare and lower-case ("10.1145/3133956"); "doi:..." and "https://doi.org/..." '
                "are accepted."
            },
        }

    footnotes = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True, help_text="Numbers of the draft's footnotes that cite it."
    )
    allow_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Save even if it looks like a reference the annex has (same DOI, or near-identical title and "
        "year); without it such a change is answered 409 naming the duplicates.",
    )

    def validate_doi(self, doi: str) -> str:
        try:
            return normalise_doi(doi)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["doi"]) from None

    def validate(self, attrs):
        publisher, venue = self.initial_data.get("publisher"), self.initial_data.get("venue")
        if publisher is not None and venue is not None and publisher != venue:
            raise serializers.ValidationError({"publisher": ["publisher and venue are the same field: give one."]})
        return attrs


class ReferenceQuerySerializer(serializers.Serializer):
    group = serializers.CharField(required=False, help_text="Only the references of this group.")
    solution = serializers.CharField(required=False, help_text="Only the references linked to this solution (code).")
