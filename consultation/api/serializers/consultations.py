"""Serializers of API tokens and of consultations."""

from __future__ import annotations

from rest_framework import serializers

from consultation.models import Consultation
from consultation.rules import role_of

from .base import SensibleDateTimeField, absolute_url

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
    opens_at = SensibleDateTimeField(required=False, allow_null=True)
    closes_at = SensibleDateTimeField(required=False, allow_null=True)

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
            # The consensus rule of rating rounds (see consultation/consensus.py).
            "consensus_min_share",
            "consensus_max_iqr",
            # Who reads the experts' input and when reminders go out (as on the edit page).
            "share_input_with_experts",
            "observers_see_input",
            "observers_may_export",
            "reminder_days_before",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {
            "consensus_min_share": {"min_value": 1, "max_value": 100},
            "consensus_max_iqr": {"min_value": 0, "max_value": 4, "coerce_to_string": False},
            "reminder_days_before": {"min_value": 0, "max_value": 90},
        }

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
