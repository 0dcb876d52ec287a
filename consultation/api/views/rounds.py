"""Rating rounds: the secretariat opens and closes them, experts give their own ratings, members read the figures."""

from __future__ import annotations

import rules
from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from consultation.models import Round
from consultation.rounds import accepts_answers, cell_index, my_answers, round_cells, round_results, why_no_answers
from consultation.rules import can_view_round_results
from consultation.services import rounds as services

from ..etag import expected_version, with_etag
from ..exceptions import Conflict
from ..serializers import rounds as s
from .base import ERRORS, WRITE_ERRORS, InConsultation

ROUND_ERRORS = {**WRITE_ERRORS, 409: OpenApiResponse(description="The consultation is closed, or a round is open.")}
ANSWER_ERRORS = {
    **WRITE_ERRORS,
    409: OpenApiResponse(description="The round is not open for answers (not yet open, ended or closed)."),
}


class RoundView(InConsultation):
    change_permission = "consultation.manage_rounds"

    def get_queryset(self):
        if self.schema_only:
            return Round.objects.none()
        return Round.objects.filter(consultation=self.consultation).annotate(cell_count=Count("cells"))

    def round(self) -> Round:
        round = get_object_or_404(self.get_queryset(), number=self.kwargs["n"])
        round.consultation = self.consultation  # the one already read (and its role cached)
        return round


class RoundList(RoundView):
    """The rounds of the consultation, oldest first; the secretariat opens the next one."""

    serializer_class = s.RoundSerializer

    @extend_schema(responses={200: s.RoundSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        return self.paginated(self.get_queryset().order_by("number"))

    @extend_schema(
        request=s.RoundCreateSerializer,
        responses={201: s.RoundDetailSerializer, **ROUND_ERRORS},
        description="Open the next round over the cells given, or every current cell. Rounds follow each other: "
        "409 while an earlier round is still open.",
    )
    def post(self, request, slug):
        serializer = s.RoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cells = data.get("cells")
        round = services.round_open(
            consultation=self.consultation,
            user=request.user,
            title=data["title"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            cells=None if cells is None else [(cell["solution"], cell["criterion"]) for cell in cells],
        )
        round = self.round_by_number(round.number)
        body = s.RoundDetailSerializer(round, context=self.get_serializer_context()).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), s.round_etag(round))

    def round_by_number(self, number: int) -> Round:
        self.kwargs["n"] = number
        return self.round()


class RoundDetail(RoundView):
    """One round with its cells; the secretariat closes it (status "closed") or moves its closing time."""

    serializer_class = s.RoundDetailSerializer

    def render(self, round: Round) -> Response:
        return with_etag(Response(self.get_serializer(round).data), s.round_etag(round))

    @extend_schema(responses={200: s.RoundDetailSerializer, **ERRORS})
    def get(self, request, slug, n):
        return self.render(self.round())

    @extend_schema(request=s.RoundChangeSerializer, responses={200: s.RoundDetailSerializer, **ROUND_ERRORS})
    def patch(self, request, slug, n):
        round = self.round()
        expected_version(request, s.round_etag(round), 0)  # 412 when If-Match names an older state
        serializer = s.RoundChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        if changes.get("status") == "open" and round.status == "closed":
            raise Conflict(f"Round {round.number} is closed and cannot be reopened: open a new round instead.")
        if "closes_at" in changes or "title" in changes:
            services.round_update(
                round=round, user=request.user, closes_at=changes.get("closes_at"), title=changes.get("title")
            )
        if changes.get("status") == "closed":
            services.round_close(round=round, user=request.user)
        return self.render(self.round())


class MyRatings(RoundView):
    """The expert's own ratings of a round: every cell of the round, answered or not. PUT saves the cells given
    (others stay as they are); stars and cannot_judge both empty clear an answer."""

    serializer_class = s.MyRatingSerializer
    change_permission = "consultation.answer_round"

    def check_expert(self) -> None:
        if not rules.has_perm("consultation.answer_round", self.request.user, self.consultation):
            raise PermissionDenied("Only the experts of this consultation have ratings in its rounds.")

    def items(self, round: Round, cells) -> list[dict]:
        mine = my_answers(round, self.request.user)
        return [s.my_rating_data(cell, mine.get(cell.pk)) for cell in cells]

    @extend_schema(responses={200: s.MyRatingSerializer(many=True), **ERRORS})
    def get(self, request, slug, n):
        self.check_expert()
        round = self.round()
        return self.paginated(self.items(round, round_cells(round)))

    @extend_schema(
        request=s.MyRatingSerializer(many=True),
        responses={200: s.MyRatingSerializer(many=True), **ANSWER_ERRORS},
        description="Save your ratings of the cells given, as a list of {solution, criterion, stars, cannot_judge, "
        "comment}: each replaces your earlier answer of that cell. All or nothing: 400 with the errors per item.",
    )
    def put(self, request, slug, n):
        round = self.round()
        if not accepts_answers(round):
            raise Conflict(f"{why_no_answers(round)} Nothing was saved.")
        cells = round_cells(round)
        serializer = s.MyRatingsInputSerializer(
            data=request.data, context={**self.get_serializer_context(), "round": round, "cells": cell_index(cells)}
        )
        serializer.is_valid(raise_exception=True)
        services.round_answers_save(
            round=round,
            expert=request.user,
            answers=[
                services.AnswerInput(
                    assessment=item["assessment"],
                    stars=item["stars"],
                    cannot_judge=item["cannot_judge"],
                    comment=item["comment"],
                )
                for item in serializer.validated_data
            ],
        )
        given = {(item["solution"], item["criterion"]) for item in serializer.validated_data}
        saved = [cell for cell in cells if (cell.solution.code, cell.criterion.key) in given]
        return Response(s.MyRatingSerializer(self.items(round, saved), many=True).data)


class RoundResults(RoundView):
    """The figures of every cell of a round: number of answers, median, quartiles, IQR, distribution, share within
    one star of the median and the consensus flag. Experts read them once the round is closed (403 before)."""

    serializer_class = s.CellFiguresSerializer

    @extend_schema(
        parameters=[s.RoundResultsQuerySerializer], responses={200: s.CellFiguresSerializer(many=True), **ERRORS}
    )
    def get(self, request, slug, n):
        round = self.round()
        if not can_view_round_results(request.user, round):
            raise PermissionDenied("Experts see a round's figures once the secretariat has closed the round.")
        by = self.query(s.RoundResultsQuerySerializer).get("by")
        results = round_results(round, by_expert_type=by == "expert_type")
        return self.paginated([s.cell_figures_data(result) for result in results])
