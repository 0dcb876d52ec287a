"""Serializers of named versions and of the differences between two versions or dates."""

from __future__ import annotations

from django.utils.http import urlencode
from rest_framework import serializers

from consultation.models import DraftVersion

from .base import SensibleDateTimeField, UserLabelField, absolute_url
from .ratings import visible_title


class VersionSerializer(serializers.ModelSerializer):
    """A named version: the label, when it was published and a note. ``published_at`` defaults to now."""

    created_by = UserLabelField()
    published_at = SensibleDateTimeField(required=False, help_text="When the version stands; now when left out.")
    import_filename = serializers.SerializerMethodField(help_text="The draft file whose import made this version.")
    diff = serializers.SerializerMethodField(help_text="Its differences from the version before it.")
    ratings = serializers.SerializerMethodField(help_text="The matrix as this version published it.")

    class Meta:
        model = DraftVersion
        fields = ["label", "published_at", "note", "created_by", "created_at", "import_filename", "diff", "ratings"]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {
            "note": {"required": False},
            # Uniqueness and "/" are checked by the service, with the message the page shows too.
            "label": {"validators": []},
        }

    def get_import_filename(self, obj: DraftVersion) -> str:
        return obj.draft_import.filename if obj.draft_import_id else ""

    def get_diff(self, obj: DraftVersion) -> str:
        return absolute_url(
            self.context.get("request"), "version-diff", slug=self.context["consultation"].slug, label=obj.label
        )

    def get_ratings(self, obj: DraftVersion) -> str:
        url = absolute_url(self.context.get("request"), "rating-list", slug=self.context["consultation"].slug)
        return f"{url}?{urlencode({'version': obj.label})}"


class DiffQuerySerializer(serializers.Serializer):
    against = serializers.CharField(
        required=False,
        max_length=120,
        help_text="A version's label, a date (2024-05-08), a date and time, or now. Default: the version before.",
    )


class CellValueSerializer(serializers.Serializer):
    stars = serializers.IntegerField(allow_null=True)
    level = serializers.CharField()
    rationale = serializers.CharField()
    revision = serializers.IntegerField()


class EvidenceLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(help_text="null for input you may not read.")

    def get_title(self, obj) -> str | None:
        return visible_title(self.context, obj.id, obj.title)


class StepSerializer(serializers.Serializer):
    """One revision between the two moments."""

    number = serializers.IntegerField()
    stars = serializers.IntegerField(allow_null=True, required=False)
    level = serializers.CharField(required=False)
    value = serializers.CharField(required=False)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    reason = serializers.CharField()
    source = serializers.CharField()
    round = serializers.IntegerField(source="round_number", allow_null=True)
    evidence = EvidenceLinkSerializer(many=True)


class CellStepSerializer(StepSerializer):
    value = None


class ClassificationStepSerializer(StepSerializer):
    stars = None
    level = None


class CellChangeSerializer(serializers.Serializer):
    solution = serializers.CharField(source="solution.code")
    criterion = serializers.CharField(source="criterion.key")
    before = CellValueSerializer(allow_null=True, help_text="null for a cell not rated yet at the earlier moment.")
    after = CellValueSerializer()
    fields = serializers.ListField(child=serializers.CharField(), help_text="stars, level and/or rationale.")
    direction = serializers.ChoiceField(
        choices=["up", "down", "same", "changed", "new"],
        help_text="Of the stars: up, down, same, changed (to or from N/A) or new.",
    )
    revisions = CellStepSerializer(many=True, source="steps", help_text="The revisions in between, oldest first.")


class ClassificationChangeItemSerializer(serializers.Serializer):
    solution = serializers.CharField(source="solution.code")
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField()
    revisions = ClassificationStepSerializer(many=True, source="steps")


class MomentSerializer(serializers.Serializer):
    label = serializers.CharField(allow_null=True, help_text="The version's label; null for a date.")
    at = serializers.DateTimeField()


class RetiredSerializer(serializers.Serializer):
    solutions = serializers.ListField(child=serializers.CharField())
    criteria = serializers.ListField(child=serializers.CharField())


class DiffSerializer(serializers.Serializer):
    """The cells and classifications that differ between ``from`` (the earlier) and ``to`` (the later moment)."""

    from_ = MomentSerializer()
    to = MomentSerializer()
    cells = CellChangeSerializer(many=True)
    classifications = ClassificationChangeItemSerializer(many=True)
    retired = RetiredSerializer(help_text="Solutions and criteria a draft dropped in between (their history stays).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
