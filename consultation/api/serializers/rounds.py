"""Serializers of rating rounds: rounds, an expert's own ratings, and the figures per cell."""

from __future__ import annotations

import hashlib

from rest_framework import serializers

from consultation.consensus import STAR_VALUES, Figures
from consultation.models import Round, RoundAnswer, RoundStatus
from consultation.rounds import CellResult, answer_problems, round_phase

from .base import SensibleDateTimeField, absolute_url


def round_etag(round: Round) -> str:
    """Changes whenever what a client may change does: the status, the closing time, the title."""
    state = f"{round.status}|{round.closes_at.isoformat()}|{round.title}"
    return f'"r{round.pk}-{hashlib.sha256(state.encode()).hexdigest()[:12]}"'


class CellRefSerializer(serializers.Serializer):
    solution = serializers.CharField(max_length=10, help_text="The solution's code.")
    criterion = serializers.CharField(max_length=50, help_text="The criterion's key.")


class RoundSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField(
        help_text="upcoming (before opens_at), open (experts answer), ended (after closes_at, not closed yet), closed."
    )
    cell_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    my_ratings = serializers.SerializerMethodField(help_text="An expert's own ratings of this round.")
    results = serializers.SerializerMethodField(help_text="The figures per cell.")

    class Meta:
        model = Round
        fields = [
            "number",
            "title",
            "opens_at",
            "closes_at",
            "status",
            "phase",
            "closed_at",
            "cell_count",
            "created_at",
            "url",
            "my_ratings",
            "results",
        ]
        read_only_fields = fields

    def get_phase(self, obj: Round) -> str:
        return round_phase(obj)

    def get_cell_count(self, obj: Round) -> int:
        annotated = getattr(obj, "cell_count", None)
        return annotated if annotated is not None else obj.cells.count()

    def _url(self, name: str, obj: Round) -> str:
        return absolute_url(self.context.get("request"), name, slug=self.context["consultation"].slug, n=obj.number)

    def get_url(self, obj: Round) -> str:
        return self._url("round-detail", obj)

    def get_my_ratings(self, obj: Round) -> str:
        return self._url("round-my-ratings", obj)

    def get_results(self, obj: Round) -> str:
        return self._url("round-results", obj)


class RoundDetailSerializer(RoundSerializer):
    cells = serializers.SerializerMethodField(help_text="The cells rated in this round, in matrix order.")

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "cells"]
        read_only_fields = fields

    def get_cells(self, obj: Round) -> list[dict[str, str]]:
        cells = self.context.get("cells")
        if cells is None:
            from consultation.rounds import round_cells

            cells = round_cells(obj)
        return CellRefSerializer(
            [{"solution": c.solution.code, "criterion": c.criterion.key} for c in cells], many=True
        ).data


class RoundCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    opens_at = SensibleDateTimeField()
    closes_at = SensibleDateTimeField()
    cells = CellRefSerializer(
        many=True, required=False, help_text="The cells to rate; every current cell when left out."
    )

    def validate(self, attrs):
        if attrs["closes_at"] <= attrs["opens_at"]:
            raise serializers.ValidationError({"closes_at": ["The round must close after it opens."]})
        return attrs


class RoundChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RoundStatus.choices, required=False, help_text='"closed" closes the round; a closed round stays closed.'
    )
    closes_at = SensibleDateTimeField(required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MyRatingSerializer(serializers.Serializer):
    """One cell of the round with the expert's answer (stars and cannot_judge empty while unanswered)."""

    solution = serializers.CharField(max_length=10, help_text="The solution's code.")
    criterion = serializers.CharField(max_length=50, help_text="The criterion's key.")
    stars = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, default=None, help_text="1 to 5; null for none."
    )
    cannot_judge = serializers.BooleanField(default=False)
    comment = serializers.CharField(allow_blank=True, default="", max_length=5000)
    answered = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def validate(self, attrs):
        cells = self.context["cells"]  # (code, key) -> Assessment of the round
        key = (attrs["solution"], attrs["criterion"])
        if key not in cells:
            raise serializers.ValidationError(
                {"solution": [f"{key[0]} × {key[1]} is not a cell of round {self.context['round'].number}."]}
            )
        problems = answer_problems(stars=attrs["stars"], cannot_judge=attrs["cannot_judge"], comment=attrs["comment"])
        if problems:
            raise serializers.ValidationError(problems)
        attrs["assessment"] = cells[key]
        return attrs


class MyRatingsInputSerializer(serializers.ListSerializer):
    child = MyRatingSerializer()

    def validate(self, items):
        seen = set()
        for item in items:
            key = (item["solution"], item["criterion"])
            if key in seen:
                raise serializers.ValidationError(f"{key[0]} × {key[1]} is given twice: give each cell once.")
            seen.add(key)
        return items


def my_rating_data(cell, answer: RoundAnswer | None) -> dict:
    return {
        "solution": cell.solution.code,
        "criterion": cell.criterion.key,
        "stars": answer.stars if answer else None,
        "cannot_judge": answer.cannot_judge if answer else False,
        "comment": answer.comment if answer else "",
        "answered": answer is not None,
        "updated_at": answer.updated_at if answer else None,
    }


class FiguresSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text='Answers with stars ("cannot judge" not counted).')
    cannot_judge = serializers.IntegerField(help_text='Answers "cannot judge".')
    median = serializers.FloatField(allow_null=True)
    quartiles = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="[Q1, median, Q3], by linear interpolation (type 7, as Excel's QUARTILE.INC); null without stars.",
    )
    iqr = serializers.FloatField(allow_null=True, help_text="Q3 - Q1.")
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text='Answers per number of stars, "1" to "5".'
    )
    share_within_one = serializers.FloatField(
        allow_null=True, help_text="Per cent of the star answers within one star of the median."
    )
    consensus = serializers.BooleanField(
        help_text="By the consultation's rule (consensus_min_share, consensus_max_iqr)."
    )


def figures_data(f: Figures) -> dict:
    return {
        "n": f.n,
        "cannot_judge": f.cannot_judge,
        "median": f.median,
        "quartiles": list(f.quartiles) if f.quartiles else None,
        "iqr": f.iqr,
        "distribution": {str(value): f.distribution.get(value, 0) for value in STAR_VALUES},
        "share_within_one": f.share_within_one,
        "consensus": f.consensus,
    }


class CellFiguresSerializer(FiguresSerializer):
    solution = serializers.CharField(help_text="The solution's code.")
    criterion = serializers.CharField(help_text="The criterion's key.")
    by_expert_type = serializers.DictField(
        child=FiguresSerializer(),
        required=False,
        help_text="With ?by=expert_type: the figures per expert type (not_stated for experts who gave none).",
    )


def cell_figures_data(result: CellResult) -> dict:
    data = {
        "solution": result.cell.solution.code,
        "criterion": result.cell.criterion.key,
        **figures_data(result.figures),
    }
    if result.by_expert_type is not None:
        data["by_expert_type"] = {key: figures_data(f) for key, f in result.by_expert_type.items()}
    return data


class RoundResultsQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["expert_type"], required=False, help_text="expert_type: split the figures.")
