"""Forms of rating rounds: opening one, moving its closing time, the consensus rule, and one expert's answer."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings

from consultation.forms.fields import StoredDateTimeField
from consultation.models import Assessment, Consultation, Criterion, Solution
from consultation.rounds import answer_problems

CANNOT_JUDGE = "cannot_judge"
ANSWER_CHOICES = [
    ("1", "1 star"),
    ("2", "2 stars"),
    ("3", "3 stars"),
    ("4", "4 stars"),
    ("5", "5 stars"),
    (CANNOT_JUDGE, "Cannot judge"),
]
CELL_SEPARATOR = ":"


def _datetime_local() -> forms.DateTimeInput:
    # The browser's date-and-time picker; read and shown in the site's time zone.
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def cell_value(solution: Solution, criterion: Criterion) -> str:
    """A cell as a checkbox value: "1a:privacy" (codes and keys never hold a colon)."""
    return f"{solution.code}{CELL_SEPARATOR}{criterion.key}"


class RoundOpenForm(forms.Form):
    """A new round: its dates, and every current cell or the cells ticked in the grid (``round_open``)."""

    ALL, CHOSEN = "all", "chosen"

    title = forms.CharField(
        label="Title", required=False, max_length=200, help_text="Optional, e.g. “After the first draft”."
    )
    opens_at = StoredDateTimeField(
        label="Opens", widget=_datetime_local(), help_text=f"Date and time, {settings.TIME_ZONE} time."
    )
    closes_at = StoredDateTimeField(
        label="Closes",
        widget=_datetime_local(),
        help_text=f"Date and time, {settings.TIME_ZONE} time; after the opening.",
    )
    scope = forms.ChoiceField(
        label="Cells to rate",
        choices=[(ALL, "Every current cell"), (CHOSEN, "Only the cells ticked below")],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    cells = forms.MultipleChoiceField(label="Cells", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, solutions: list[Solution], criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.solutions, self.criteria = solutions, criteria
        self.fields["cells"].choices = [(cell_value(s, c), f"{s.code} × {c.name}") for s in solutions for c in criteria]

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "The round must close after it opens.")
        if cleaned.get("scope") == self.CHOSEN and not cleaned.get("cells"):
            self.add_error("cells", "Tick at least one cell, or choose every current cell.")
        return cleaned

    def chosen_cells(self) -> list[tuple[str, str]] | None:
        """The (solution code, criterion key) pairs ticked, or None for every current cell."""
        if self.cleaned_data["scope"] == self.ALL:
            return None
        return [tuple(value.split(CELL_SEPARATOR, 1)) for value in self.cleaned_data["cells"]]

    def grid(self) -> list[tuple[Solution, list[tuple[Criterion, str, bool]]]]:
        """Rows of the checkbox grid: each solution with (criterion, checkbox value, ticked) per criterion."""
        ticked = set(self["cells"].value() or [])
        return [(s, [(c, cell_value(s, c), cell_value(s, c) in ticked) for c in self.criteria]) for s in self.solutions]


class RoundRescheduleForm(forms.Form):
    closes_at = StoredDateTimeField(
        label="Closes", widget=_datetime_local(), help_text=f"Date and time, {settings.TIME_ZONE} time."
    )


class ConsensusRuleForm(forms.Form):
    """The consultation's consensus rule (``consultation_update``), checked against the version it was shown with."""

    consensus_min_share = forms.IntegerField(
        label="Share within one star of the median (%)",
        min_value=1,
        max_value=100,
        help_text="Consensus needs at least this share of the star answers within one star of the median.",
    )
    consensus_max_iqr = forms.DecimalField(
        label="Largest interquartile range",
        min_value=Decimal("0"),
        max_value=Decimal("4"),
        max_digits=3,
        decimal_places=1,
        help_text="… and an interquartile range (Q3 − Q1) of at most this, in stars.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_consultation(cls, consultation: Consultation, data=None) -> ConsensusRuleForm:
        initial = {
            "consensus_min_share": consultation.consensus_min_share,
            "consensus_max_iqr": consultation.consensus_max_iqr,
            "version": consultation.version,
        }
        return cls(data, initial=initial, prefix="rule")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("consensus_min_share", "consensus_max_iqr")}


class AnswerForm(forms.Form):
    """One expert's answer of one cell: 1 to 5 stars or "cannot judge", and a comment.

    Each cell of the answer page is a form of its own (prefixed with the cell's id, which the form also sends
    as ``cell``), so that saving one never touches what the expert typed in another.
    """

    answer = forms.ChoiceField(label="Your rating", choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, prefix=f"cell-{assessment.pk}", **kwargs)
        self.assessment = assessment

    @staticmethod
    def initial_from(answer) -> dict:
        if answer is None:
            return {}
        return {"answer": CANNOT_JUDGE if answer.cannot_judge else str(answer.stars), "comment": answer.comment}

    def clean(self):
        cleaned = super().clean()
        if "answer" in cleaned and "comment" in cleaned:
            values = self.values()
            for field, messages in answer_problems(**values).items():
                self.add_error("answer" if field == "stars" else field, messages)
        return cleaned

    def values(self) -> dict:
        """stars, cannot_judge and comment, as ``round_answer_save`` takes them."""
        choice = self.cleaned_data.get("answer") or ""
        return {
            "stars": int(choice) if choice.isdigit() else None,
            "cannot_judge": choice == CANNOT_JUDGE,
            "comment": self.cleaned_data.get("comment", "").replace("\r\n", "\n").strip(),
        }
