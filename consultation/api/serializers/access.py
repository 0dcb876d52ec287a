"""Serializers of the access trail (the secretariat's API): its events and the filters of the list."""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

from consultation.models import AccessEvent, AccessKind


class BoundedDateTimeField(serializers.DateTimeField):
    """A time the database can compare with: DRF's own field fails (500) on times that cannot be expressed in UTC,
    such as the first hours of the year 1 in Brussels."""

    def to_internal_value(self, value) -> datetime:
        try:
            when = super().to_internal_value(value)
            when.astimezone(UTC)
        except OverflowError:
            raise serializers.ValidationError(
                "This time is out of range: choose one between the years 1 and 9999."
            ) from None
        return when


class AccessEventSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", allow_null=True, read_only=True, help_text="The user's id.")
    username = serializers.CharField(read_only=True, help_text="The username as it was at the time.")
    details = serializers.JSONField(
        read_only=True, help_text="More about what was read: a file's id and SHA-256, an export's options."
    )

    class Meta:
        model = AccessEvent
        fields = ["id", "at", "user", "username", "ip", "kind", "method", "path", "what", "details"]
        read_only_fields = fields


class AccessQuerySerializer(serializers.Serializer):
    user = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="A user id.")
    kind = serializers.ChoiceField(choices=AccessKind.choices, required=False)
    since = BoundedDateTimeField(required=False, help_text="From this time on (included).")
    until = BoundedDateTimeField(required=False, help_text="Before this time (excluded).")
    q = serializers.CharField(
        required=False, max_length=200, help_text="Text in the path, in what was read or in the username."
    )

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": ["Comes before since."]})
        return attrs
