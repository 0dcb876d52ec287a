"""Serializers of open items: the places in the draft left to complete with the experts' input."""

from __future__ import annotations

from rest_framework import serializers

from consultation.models import OpenItem, OpenItemStatus, Section

from .base import ScopedSlugField, UserLabelField, absolute_url


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
