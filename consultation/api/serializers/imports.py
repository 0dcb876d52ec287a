"""Serializers of draft imports: the upload, the preview-only switch, and the import's status and result."""

from __future__ import annotations

from rest_framework import serializers

from consultation.models import DraftImport, DraftImportStatus

from .base import UserLabelField, absolute_url


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
