"""API: every piece of evidence of a rating cell, a solution or an open item (the evidence pages' lists).

Members read, each what the evidence app lets them read (``evidence.evidence_map``); a non-member gets 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from consultation.api.views.base import ERRORS, InConsultation
from consultation.models import OpenItem
from evidence.evidence_map import (
    STANCE_LABELS,
    EvidenceFilter,
    EvidenceItem,
    Kind,
    cell_evidence,
    open_item_evidence,
    solution_evidence,
)


class EvidenceQuerySerializer(serializers.Serializer):
    kind = serializers.MultipleChoiceField(
        choices=Kind.choices, required=False, help_text="Only these kinds (repeat the parameter for several)."
    )
    stance = serializers.MultipleChoiceField(
        choices=list(STANCE_LABELS.items()), required=False, help_text="Only these stances (repeatable)."
    )
    date_from = serializers.DateField(required=False, help_text="Only evidence dated on or after this day.")
    date_to = serializers.DateField(required=False, help_text="Only evidence dated on or before this day.")

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The end of the range comes before its start."]})
        return data

    def filters(self) -> EvidenceFilter:
        data = self.validated_data
        return EvidenceFilter(
            kinds=tuple(sorted(data.get("kind", ()))),
            stances=tuple(sorted(data.get("stance", ()))),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class EvidenceItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    id = serializers.IntegerField(
        source="pk", help_text="The id of the submission, excerpt, reference, round or revision."
    )
    stance = serializers.ChoiceField(choices=list(STANCE_LABELS.items()))
    date = serializers.DateTimeField(allow_null=True, help_text="Null for an undated reference.")
    title = serializers.CharField()
    quote = serializers.CharField(help_text="The quoted passage of an excerpt; empty otherwise.")
    author = serializers.CharField(help_text='As the reader may know them: a name, "You" or "Expert N".')
    url = serializers.SerializerMethodField(help_text="The evidence's page (or a reference's own link).")
    detail = serializers.CharField()
    withdrawn = serializers.BooleanField()
    undecided = serializers.BooleanField(
        help_text="Argues for a higher or lower rating, dated after the cell's latest revision, which does not cite it."
    )

    def get_url(self, item: EvidenceItem) -> str:
        request = self.context.get("request")
        if not item.url or item.url.startswith(("http://", "https://")) or request is None:
            return item.url
        return request.build_absolute_uri(item.url)


class _EvidenceList(InConsultation):
    serializer_class = EvidenceItemSerializer

    def get_queryset(self):
        return OpenItem.objects.none()  # for the schema; the evidence is read by evidence.evidence_map

    def respond(self, evidence):
        return self.paginated(evidence.items)

    def filters(self) -> EvidenceFilter:
        params = EvidenceQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.filters()


class CellEvidenceList(_EvidenceList):
    """Every piece of evidence of a cell the reader may see, newest first: input, excerpts, references, round
    results and revisions, each with its stance and date."""

    @extend_schema(parameters=[EvidenceQuerySerializer], responses={200: EvidenceItemSerializer(many=True), **ERRORS})
    def get(self, request, slug, code, key):
        filters = self.filters()
        return self.respond(cell_evidence(request.user, self.consultation, self.solution(), self.criterion(), filters))


class SolutionEvidenceList(_EvidenceList):
    """The input, excerpts and references of a solution the reader may see, newest first."""

    @extend_schema(parameters=[EvidenceQuerySerializer], responses={200: EvidenceItemSerializer(many=True), **ERRORS})
    def get(self, request, slug, code):
        filters = self.filters()
        return self.respond(solution_evidence(request.user, self.consultation, self.solution(), filters))


class OpenItemEvidenceList(_EvidenceList):
    """The input linked to or answering an open item, and its excerpts, newest first."""

    @extend_schema(parameters=[EvidenceQuerySerializer], responses={200: EvidenceItemSerializer(many=True), **ERRORS})
    def get(self, request, slug, pk):
        filters = self.filters()
        item = get_object_or_404(OpenItem, consultation=self.consultation, pk=pk)
        return self.respond(open_item_evidence(request.user, self.consultation, item, filters))
