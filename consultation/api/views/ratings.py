"""The ratings matrix, one cell and its history, classifications, and the consistency check."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from consultation import services
from consultation.adoption import visible_submission_ids
from consultation.matrix import Cell, build_matrix
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Criterion,
    Solution,
)
from consultation.versions import UnknownPoint, resolve_version

from .. import serializers as s
from ..etag import expected_version, with_etag
from .base import ERRORS, WRITE_ERRORS, InConsultation


def evidence_prefetch() -> Prefetch:
    """The submissions behind revisions, reached through the M2M (this app never imports the evidence app)."""
    submission = AssessmentRevision.evidence.field.related_model
    return Prefetch("evidence", queryset=submission._default_manager.order_by("pk").only("pk", "title"))


def excerpts_prefetch() -> Prefetch:
    """The excerpts behind revisions, reached through the M2M as well."""
    excerpt = AssessmentRevision.excerpts.field.related_model
    return Prefetch("excerpts", queryset=excerpt._default_manager.order_by("pk").only("pk", "quote", "submission_id"))


class AtMoment:
    """Reads ``?version=`` (a named version's label; an unknown one is a 400) or ``?as_of=``."""

    def moment(self, query: dict):
        if query.get("version"):
            try:
                return resolve_version(self.consultation, query["version"]).when
            except UnknownPoint as error:
                raise ValidationError({"version": [str(error)]}) from None
        return query.get("as_of")


# --- Ratings ----------------------------------------------------------------------------------------------


class RatingList(AtMoment, InConsultation):
    """The matrix: one item per solution and criterion, now or as it stood at ``as_of`` or at a named ``version``.

    Read in a constant number of queries whatever the size of the matrix.
    An unknown version label answers 400.
    """

    serializer_class = s.RatingCellSerializer

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema; the matrix is read by build_matrix

    @extend_schema(parameters=[s.MatrixQuerySerializer], responses={200: s.RatingCellSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        query = self.query(s.MatrixQuerySerializer)
        matrix = build_matrix(self.consultation, self.moment(query))
        cells = s.matrix_cells(request, matrix, solution=query.get("solution"), criterion=query.get("criterion"))
        return self.paginated(cells)


def _rating_etag(solution: Solution, criterion: Criterion, assessment: Assessment | None) -> str:
    # A cell never set has no row yet; its ETag names the cell and revision 0.
    return assessment.etag if assessment else f'"a0-{solution.pk}-{criterion.pk}-0"'


class RatingDetail(InConsultation):
    """One cell of the matrix; the secretariat changes it with a reason, as a new revision."""

    serializer_class = s.RatingDetailSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema

    def cell(self):
        solution, criterion = self.solution(), self.criterion()
        assessment = (
            Assessment.objects.filter(solution=solution, criterion=criterion).select_related("changed_by").first()
        )
        return solution, criterion, assessment

    def render(self, solution, criterion, assessment) -> Response:
        cell = None
        if assessment is not None and assessment.revision:
            a = assessment
            cell = Cell(
                solution.pk,
                criterion.pk,
                a.stars,
                a.level,
                a.rationale,
                a.revision,
                a.changed_at,
                s.user_label(a.changed_by),
            )
        data = s.cell_data(self.request, self.consultation, solution, criterion, cell)
        data["history"] = s.absolute_url(
            self.request, "rating-history", slug=self.consultation.slug, code=solution.code, key=criterion.key
        )
        return with_etag(Response(s.RatingDetailSerializer(data).data), _rating_etag(solution, criterion, assessment))

    @extend_schema(responses={200: s.RatingDetailSerializer, **ERRORS})
    def get(self, request, slug, code, key):
        return self.render(*self.cell())

    @extend_schema(
        request=s.RatingChangeSerializer,
        responses={200: s.RatingDetailSerializer, **WRITE_ERRORS},
        description="Change the cell as a new revision (source: manual). A change that changes nothing makes no "
        "revision. Send the cell's ETag in If-Match to be told (412) when someone changed it meanwhile.",
    )
    def patch(self, request, slug, code, key):
        solution, criterion, assessment = self.cell()
        current_revision = assessment.revision if assessment else 0
        expected = expected_version(request, _rating_etag(solution, criterion, assessment), current_revision)
        serializer = s.RatingChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment, _ = services.rating_change(
            consultation=self.consultation,
            solution=solution,
            criterion=criterion,
            user=request.user,
            expected_revision=expected,
            **serializer.to_service(),
        )
        return self.render(solution, criterion, Assessment.objects.select_related("changed_by").get(pk=assessment.pk))


class RatingHistory(InConsultation, generics.ListAPIView):
    """Every revision of a cell, oldest first."""

    serializer_class = s.RevisionSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            context["visible_submissions"] = visible_submission_ids(self.request.user, self.consultation)
        return context

    def get_queryset(self):
        if self.schema_only:
            return AssessmentRevision.objects.none()
        return (
            AssessmentRevision.objects.filter(
                assessment__solution=self.solution(), assessment__criterion=self.criterion()
            )
            .select_related("created_by", "round")
            .prefetch_related(evidence_prefetch(), excerpts_prefetch())
            .order_by("number")
        )


class ClassificationDetail(InConsultation):
    """A solution's overall classification with its history; the secretariat changes it with a reason."""

    serializer_class = s.ClassificationSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        return Classification.objects.none()  # for the schema

    def current(self):
        solution = self.solution()
        classification = Classification.objects.filter(solution=solution).select_related("changed_by").first()
        return solution, classification

    @staticmethod
    def etag(solution: Solution, classification: Classification | None) -> str:
        return classification.etag if classification else f'"k0-{solution.pk}-0"'

    def render(self, solution: Solution, classification: Classification | None) -> Response:
        history = (
            ClassificationRevision.objects.filter(classification=classification)
            .select_related("created_by", "round")
            .prefetch_related(evidence_prefetch(), excerpts_prefetch())
            .order_by("number")
            if classification
            else []
        )
        value = classification.value if classification else Classification._meta.get_field("value").default
        data = {
            "solution": solution.code,
            "value": value,
            "label": Classification(value=value).get_value_display(),
            "revision": classification.revision if classification else 0,
            "changed_at": classification.changed_at if classification else None,
            "changed_by": s.user_label(classification.changed_by) if classification else "",
            "history": history,
        }
        context = {"visible_submissions": visible_submission_ids(self.request.user, self.consultation)}
        return with_etag(
            Response(s.ClassificationSerializer(data, context=context).data), self.etag(solution, classification)
        )

    @extend_schema(responses={200: s.ClassificationSerializer, **ERRORS})
    def get(self, request, slug, code):
        return self.render(*self.current())

    @extend_schema(
        request=s.ClassificationChangeSerializer, responses={200: s.ClassificationSerializer, **WRITE_ERRORS}
    )
    def patch(self, request, slug, code):
        solution, classification = self.current()
        current_revision = classification.revision if classification else 0
        expected = expected_version(request, self.etag(solution, classification), current_revision)
        serializer = s.ClassificationChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.classification_change(
            consultation=self.consultation,
            solution=solution,
            user=request.user,
            expected_revision=expected,
            **serializer.to_service(),
        )
        return self.render(*self.current())


class ConsistencyList(AtMoment, InConsultation):
    """The cells whose text level and stars disagree (now, or as they stood at ``as_of`` or a ``version``)."""

    serializer_class = s.RatingCellSerializer

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema

    @extend_schema(
        parameters=[s.ConsistencyQuerySerializer], responses={200: s.RatingCellSerializer(many=True), **ERRORS}
    )
    def get(self, request, slug):
        matrix = build_matrix(self.consultation, self.moment(self.query(s.ConsistencyQuerySerializer)))
        cells = [
            s.cell_data(request, self.consultation, solution, criterion, cell)
            for solution, criterion, cell in matrix.disagreements
        ]
        return self.paginated(cells)
