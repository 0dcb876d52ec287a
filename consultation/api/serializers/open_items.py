"""Serializers of open items: the places in the draft left to complete with the experts' input."""

from __future__ import annotations

from rest_framework import serializers

from consultation.models import OpenItem, OpenItemStatus, Section

from .base import ScopedSlugField, UserLabelField, absolute_url

# The evidence app's Submission, reached through the relation so that consultation does not import evidence.
Submission = OpenItem._meta.get_field("answering_submissions").related_model


class AnsweringSubmissionField(serializers.PrimaryKeyRelatedField):
    """A submission by id, looked up only among the submitted input of the request's consultation."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Submission.objects.none(), **kwargs)

    def get_queryset(self):
        return Submission.objects.filter(consultation=self.context["consultation"], submitted_at__isnull=False)


class OpenItemSerializer(serializers.ModelSerializer):
    section = ScopedSlugField(
        slug_field="number",
        queryset=Section.objects.none(),
        required=False,
        allow_null=True,
        help_text="The number of the section it belongs to.",
    )
    submissions = serializers.ManyRelatedField(
        child_relation=AnsweringSubmissionField(),
        source="answering_submissions",
        required=False,
        help_text="Ids of the submitted input that answers it, linked by the secretariat when resolving it.",
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

    def to_representation(self, instance: OpenItem) -> dict:
        data = super().to_representation(instance)
        # Only the ids of input the reader may read (the view passes them; the evidence app decides).
        readable = self.context.get("readable_input")
        if readable is not None:
            data["submissions"] = [pk for pk in data["submissions"] if pk in readable]
        return data

    def get_url(self, obj: OpenItem) -> str:
        return absolute_url(self.context.get("request"), "open-item-detail", slug=obj.consultation.slug, pk=obj.pk)


class OpenItemQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OpenItemStatus.choices, required=False)
