"""Serializers of a consultation's members and invitations (the secretariat's API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultation.models import Invitation, InvitationStatus, Membership, Profile, Role

from .base import SensibleDateTimeField, UserLabelField, absolute_url, user_label


class ProfileSummarySerializer(serializers.ModelSerializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or empty.")

    class Meta:
        model = Profile
        fields = ["name", "organisation", "expert_type", "country", "declared_interests"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.SerializerMethodField(help_text="The profile's name, else the account's full name or username.")
    profile = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "name", "role", "deadline_extended_until", "profile", "created_at", "url"]
        read_only_fields = fields

    def _profile(self, obj: Membership) -> Profile | None:
        return getattr(obj.user, "profile", None)

    def get_name(self, obj: Membership) -> str:
        profile = self._profile(obj)
        return (profile.name if profile else "") or user_label(obj.user)

    @extend_schema_field(ProfileSummarySerializer(allow_null=True))
    def get_profile(self, obj: Membership) -> dict | None:
        profile = self._profile(obj)
        return ProfileSummarySerializer(profile).data if profile else None

    def get_url(self, obj: Membership) -> str:
        return absolute_url(self.context.get("request"), "member-detail", slug=obj.consultation.slug, pk=obj.pk)


class MemberCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The email address of an existing account.")
    role = serializers.ChoiceField(choices=Role.choices)


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    deadline_extended_until = SensibleDateTimeField(
        required=False,
        allow_null=True,
        help_text="The member may submit until then, after the closing date; null removes it.",
    )


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    invited_by = UserLabelField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "invited_by",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Invitation) -> str:
        return absolute_url(self.context.get("request"), "invitation-detail", slug=obj.consultation.slug, pk=obj.pk)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvitationStatus.choices, required=False)
