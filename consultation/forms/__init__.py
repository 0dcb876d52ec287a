"""Forms of the consultation pages: they validate input and turn it into arguments for a read or a service."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from consultation.consistency import CANONICAL_LEVELS
from consultation.forms.fields import StoredDateTimeField
from consultation.matrix import parse_as_of
from consultation.models import ClassificationChoice, Consultation, OpenItemStatus, Status


class AsOfForm(forms.Form):
    """``?as_of=`` on the matrix: a date (end of that day) or a date and time, in the site's time zone."""

    as_of = forms.CharField(
        label="As of",
        required=False,
        max_length=40,
        help_text="A date (2024-05-08) or a date and time (2024-05-08T14:30). Leave empty for now.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_as_of(self) -> datetime | None:
        value = self.cleaned_data["as_of"].strip()
        if not value:
            return None
        try:
            return parse_as_of(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_as_of") from None


class OpenItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *OpenItemStatus.choices],
        error_messages={
            "invalid_choice": "“%(value)s” is not a status of open items; choose Open, In progress or Resolved."
        },
    )


def _max_upload_text() -> str:
    return filesizeformat(settings.DRAFT_UPLOAD_MAX_BYTES)


class DraftUploadForm(forms.Form):
    """A draft file: a Word document (.docx) or UTF-8 text (.txt, .md), told apart by content.

    ``cleaned_data`` gives ``filename`` and ``content``, the text the importer reads
    (for a Word document, the text read from it; see ``importing.uploads``).
    """

    file = forms.FileField(
        label="Draft file",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".txt,.md,.markdown,.docx,text/plain,text/markdown,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "The plain-text form of the draft (as in the reference file) or Markdown, encoded as UTF-8, or a Word "
            f"document: .txt, .md or .docx, at most {_max_upload_text()}. Nothing is saved until you confirm the "
            "preview."
        )

    def clean_file(self):
        # Imported on use, like the views do: the importer is its own package and the pages must load without it.
        from consultation.importing.uploads import DraftUploadError, read_draft_upload

        upload = self.cleaned_data["file"]
        limit = settings.DRAFT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; drafts can be at most {_max_upload_text()}.",
                code="too_large",
            )
        raw = upload.read(limit + 1)
        if len(raw) > limit:  # the announced size can lie
            raise forms.ValidationError(f"Drafts can be at most {_max_upload_text()}.", code="too_large")
        try:
            content = read_draft_upload(upload.name, raw)
        except DraftUploadError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if (size := len(content.encode("utf-8"))) > limit:  # only text read from a Word document can grow so
            raise forms.ValidationError(
                f"The text read from the Word document is {filesizeformat(size)}; drafts can be at most "
                f"{_max_upload_text()}.",
                code="text_too_large",
            )
        self.cleaned_data["filename"] = upload.name
        self.cleaned_data["content"] = content
        return upload


class OpenItemChangeForm(forms.Form):
    """The secretariat's change of an open item's status and resolution, checked against the version it saw."""

    status = forms.ChoiceField(label="Status", choices=OpenItemStatus.choices)
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the item was resolved; required to mark it resolved.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == OpenItemStatus.RESOLVED and not cleaned.get("resolution", "").strip():
            self.add_error("resolution", "Say how the item was resolved before marking it resolved.")
        return cleaned


# --- Consultations, ratings and classifications changed from the pages ------------------------------------


def _consultation_max_length(name: str) -> int:
    return Consultation._meta.get_field(name).max_length


def _datetime_local() -> forms.DateTimeInput:
    # The browser's date-and-time picker; the value is read (and shown) in the site's time zone.
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _normalise_text(value: str) -> str:
    """A textarea's value as stored: browsers send CRLF line ends, so a text sent back unchanged must compare equal."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if value.strip() else ""


class ConsultationDetailsForm(forms.Form):
    """The details of a consultation that its secretariat can change (see ``consultation_update``)."""

    CHANGEABLE = ("reference", "title", "marking", "status", "opens_at", "closes_at")

    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=_consultation_max_length("reference"),
        help_text="The document reference, e.g. “WK 6697/2024”. Optional.",
    )
    title = forms.CharField(label="Title", max_length=_consultation_max_length("title"))
    marking = forms.CharField(
        label="Marking",
        max_length=_consultation_max_length("marking"),
        initial="LIMITE",
        help_text="The handling marking shown on every page and every export of the consultation.",
        error_messages={"required": "Give the handling marking (e.g. LIMITE): every page and export shows it."},
    )
    status = forms.ChoiceField(label="Status", choices=Status.choices, initial=Status.DRAFT)
    opens_at = StoredDateTimeField(
        label="Opens",
        required=False,
        widget=_datetime_local(),
        help_text=f"Date and time, {settings.TIME_ZONE} time. Optional.",
    )
    closes_at = StoredDateTimeField(
        label="Closes",
        required=False,
        widget=_datetime_local(),
        help_text=f"Date and time, {settings.TIME_ZONE} time; after the opening. Optional.",
    )

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "The consultation must close after it opens.")
        return cleaned

    def changes(self) -> dict:
        """The cleaned values of the changeable fields, as keyword arguments of the services."""
        return {name: self.cleaned_data[name] for name in self.CHANGEABLE}


class ConsultationCreateForm(ConsultationDetailsForm):
    """A new consultation, for ``consultation_create``; its creator becomes its secretariat."""

    field_order = ["slug", "reference", "title", "marking", "status", "opens_at", "closes_at"]

    slug = forms.SlugField(
        label="Slug",
        max_length=_consultation_max_length("slug"),
        help_text="The consultation's address (/c/<slug>/): letters, digits, hyphens and underscores. "
        "It cannot change later.",
        error_messages={"invalid": "Use only letters, digits, hyphens and underscores in the slug."},
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Consultation.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                f"The slug “{slug}” is taken by another consultation; choose another one.", code="slug_taken"
            )
        return slug


class ConsultationChangeForm(ConsultationDetailsForm):
    """The secretariat's change of a consultation, checked against the version the form was rendered with."""

    field_order = ["slug", "reference", "title", "marking", "status", "opens_at", "closes_at"]

    slug = forms.SlugField(
        label="Slug",
        required=False,
        disabled=True,
        help_text="The consultation's address: it cannot change.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Who reads the experts' input, and when the reminders go out (issue 3): changed on this page like the
    # details above, so that sharing is the secretariat's decision rather than an administrator's.
    SHARING = ("share_input_with_experts", "observers_see_input", "observers_may_export", "reminder_days_before")
    CHANGEABLE = ConsultationDetailsForm.CHANGEABLE + SHARING

    share_input_with_experts = forms.BooleanField(
        label="Experts read each other's input",
        required=False,
        help_text="Every expert then reads the others' submitted input, pseudonymised (Expert 1, Expert 2 …); "
        "files, earlier versions and the secretariat's responses stay with their author.",
    )
    observers_see_input = forms.BooleanField(
        label="Observers read the experts' input",
        required=False,
        help_text="Observers then read the submitted input, pseudonymised; never internal notes.",
    )
    observers_may_export = forms.BooleanField(
        label="Observers may export summaries",
        required=False,
        help_text="Observers then make exports (PDF, Word, tables) themselves: always pseudonymised, never with "
        "internal notes, and with the input only where they may read it.",
    )
    reminder_days_before = forms.IntegerField(
        label="Reminder (days before the closing date)",
        min_value=0,
        max_value=90,
        help_text="Experts who have not submitted are reminded this many days before the closing date; 0 sends "
        "no reminder.",
        error_messages={"required": "Give a number of days (0 for no reminder)."},
    )

    def _same_minute_as_before(self, name: str) -> datetime | None:
        # The picker shows minutes only: a time set to the second elsewhere (the API) and sent back
        # untouched keeps its seconds instead of counting as a change.
        value, before = self.cleaned_data[name], self.initial.get(name)
        if value and before and value == before.replace(second=0, microsecond=0):
            return before
        return value

    def clean_opens_at(self) -> datetime | None:
        return self._same_minute_as_before("opens_at")

    def clean_closes_at(self) -> datetime | None:
        return self._same_minute_as_before("closes_at")


STAR_CHOICES = [
    ("", "Choose…"),
    ("5", "★★★★★ 5 stars"),
    ("4", "★★★★ 4 stars"),
    ("3", "★★★ 3 stars"),
    ("2", "★★ 2 stars"),
    ("1", "★ 1 star"),
    ("na", "N/A (not applicable)"),
]
NOT_APPLICABLE = "na"

# The levels the draft uses, then the in-between values it writes as "Medium/Medium-low".
USUAL_LEVELS = [
    *dict.fromkeys(CANONICAL_LEVELS.values()),
    "High/Medium-high",
    "Medium-high/Medium",
    "Medium/Medium-low",
    "Medium-low/Low",
]

_REASON_REQUIRED = "Say why it changes: the reason is kept with the revision."


class RatingChangeForm(forms.Form):
    """The secretariat's change of one cell (stars, level, rationale) with its reason, for ``rating_change``.

    ``revision`` is the cell's revision the form was built on: a change made
    meanwhile by someone else is then refused instead of being overwritten.
    """

    stars = forms.ChoiceField(
        label="Stars",
        choices=STAR_CHOICES,
        error_messages={
            "required": "Choose the stars: 1 to 5, or N/A.",
            "invalid_choice": "“%(value)s” is not a rating: choose 1 to 5 stars, or N/A.",
        },
    )
    level = forms.CharField(
        label="Level in the text",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"list": "rating-levels", "autocomplete": "off"}),
        help_text="One of the usual levels (High … Low, None, Not applicable) or an in-between one such as "
        "Medium/Medium-low.",
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        strip=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the revision: the input, round or document the change rests on.",
        error_messages={"required": _REASON_REQUIRED},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    evidence = forms.TypedMultipleChoiceField(
        label="Evidence",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The submitted input on this solution the change rests on.",
        error_messages={"invalid_choice": "Submission %(value)s is not submitted input on this solution."},
    )
    excerpts = forms.TypedMultipleChoiceField(
        label="Excerpts",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The excerpts of source documents or input on this rating the change rests on.",
        error_messages={"invalid_choice": "Excerpt %(value)s is not an excerpt on this rating."},
    )
    round = forms.TypedChoiceField(
        label="Rests on round",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A closed rating round whose figures the change adopts.",
        error_messages={"invalid_choice": "Round %(value)s is not a closed round of this consultation."},
    )

    levels = USUAL_LEVELS

    def __init__(self, *args, submissions=(), rounds=(), evidence=None, **kwargs):
        """``submissions`` and ``rounds``: what the change may rest on (see ``views.solutions.adoption_basis``);
        ``evidence``: the cell's own evidence list (``extensions.adoption_evidence``, its submissions and excerpts)."""
        super().__init__(*args, **kwargs)
        set_basis_choices(self, submissions, rounds, evidence)

    @classmethod
    def initial_for(cls, assessment) -> dict:
        """The form's starting values: the cell as it stands (nothing chosen for a cell never rated)."""
        if assessment is None or not assessment.revision:
            return {"stars": "", "level": "", "rationale": "", "revision": assessment.revision if assessment else 0}
        stars = NOT_APPLICABLE if assessment.stars is None else str(assessment.stars)
        return {
            "stars": stars,
            "level": assessment.level,
            "rationale": assessment.rationale,
            "revision": assessment.revision,
        }

    def clean_stars(self) -> int | None:
        value = self.cleaned_data["stars"]
        return None if value == NOT_APPLICABLE else int(value)

    def clean_rationale(self) -> str:
        return _normalise_text(self.cleaned_data["rationale"])

    def changes(self) -> dict:
        """Keyword arguments of ``rating_change``."""
        data = self.cleaned_data
        return {
            "stars": data["stars"],
            "level": data["level"],
            "rationale": data["rationale"],
            "reason": data["reason"],
            "expected_revision": data["revision"],
            "evidence": data.get("evidence") or [],
            "round_number": data.get("round"),
            "excerpts": data.get("excerpts") or [],
        }


def set_basis_choices(form: forms.Form, submissions, rounds, evidence=None) -> None:
    """The choices of what a change rests on. ``evidence`` (``extensions.CellChoices`` of the cell or the
    solution: its ``submissions`` and ``excerpts``) comes first, with its stance; then the rest of the submitted
    input on the solution."""
    offered = list(evidence.submissions) if evidence else []
    known = {choice.pk for choice in offered}
    form.fields["evidence"].choices = [
        *((c.pk, f"{c.label}, {c.stance_label.lower()}" if c.stance_label else c.label) for c in offered),
        *((s.pk, f"#{s.pk} {s.title or 'Untitled'}") for s in submissions if s.pk not in known),
    ]
    form.fields["excerpts"].choices = [
        (c.pk, f"{c.label}, {c.stance_label.lower()}" if c.stance_label else c.label)
        for c in (evidence.excerpts if evidence else [])
    ]
    form.fields["round"].choices = [("", "No round"), *((r.number, f"Round {r.number}") for r in rounds)]


class ClassificationChangeForm(forms.Form):
    """The secretariat's change of a solution's overall classification with its reason."""

    value = forms.ChoiceField(
        label="Classification",
        choices=[("", "Choose…"), *ClassificationChoice.choices],
        error_messages={
            "required": "Choose a classification.",
            "invalid_choice": "“%(value)s” is not a classification: choose Top 3, Needs research, Discard or N/A.",
        },
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the revision: the input, round or document the change rests on.",
        error_messages={"required": _REASON_REQUIRED},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    evidence = RatingChangeForm.base_fields["evidence"]
    excerpts = forms.TypedMultipleChoiceField(
        label="Excerpts",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The excerpts linked to this solution the change rests on.",
        error_messages={"invalid_choice": "Excerpt %(value)s is not an excerpt on this solution."},
    )
    round = RatingChangeForm.base_fields["round"]

    def __init__(self, *args, submissions=(), rounds=(), evidence=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_basis_choices(self, submissions, rounds, evidence)

    @classmethod
    def initial_for(cls, classification) -> dict:
        if classification is None or not classification.revision:
            return {"value": "", "revision": classification.revision if classification else 0}
        return {"value": classification.value, "revision": classification.revision}

    def changes(self) -> dict:
        """Keyword arguments of ``classification_change``."""
        data = self.cleaned_data
        return {
            "value": data["value"],
            "reason": data["reason"],
            "expected_revision": data["revision"],
            "evidence": data.get("evidence") or [],
            "round_number": data.get("round"),
            "excerpts": data.get("excerpts") or [],
        }
