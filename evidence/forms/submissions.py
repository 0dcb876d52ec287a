"""Forms of the expert's submission page: the text and its links, proposed ratings, new references, files.

They validate and turn the input into the arguments of
``evidence.services.submissions``; choices are limited to the consultation's
own solutions, criteria, sections, open items and references.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from consultation.models import Consultation, Criterion, OpenItem, OpenItemStatus, Reference, Section, Solution
from evidence.attachments import ACCEPT, ALLOWED_TYPES_TEXT
from evidence.models import Submission

STAR_CHOICES = [("", "—"), ("na", "N/A"), *[(str(n), f"{n} ★") for n in range(1, 6)]]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SolutionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Solution) -> str:
        return f"{obj.code} {obj.title}"


class CriterionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Criterion) -> str:
        return obj.name


class SectionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Section) -> str:
        return f"{obj.number} {obj.title}"


class OpenItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OpenItem) -> str:
        where = f"{obj.section.number}: " if obj.section_id else ""
        prompt = obj.prompt if len(obj.prompt) <= 140 else obj.prompt[:139] + "…"
        return f"{where}{prompt}"


class ReferenceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Reference) -> str:
        authors = f"{obj.authors}: " if obj.authors else ""
        year = f" ({obj.year})" if obj.year else ""
        return f"{obj.group} {obj.number}. {authors}{obj.title}{year}"


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class SubmissionForm(forms.Form):
    """The text, its links and new files. ``submission`` and ``version`` tie an autosaved draft to the page."""

    submission = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label="Title", required=False, max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    body = forms.CharField(
        label="Your input",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: **bold**, *italic*, lists with “- ”, links as [text](https://…).",
    )
    solutions = SolutionChoice(
        label="Solutions", queryset=Solution.objects.none(), required=False, widget=_checkboxes()
    )
    criteria = CriterionChoice(
        label="Criteria", queryset=Criterion.objects.none(), required=False, widget=_checkboxes()
    )
    sections = SectionChoice(
        label="Sections of the draft", queryset=Section.objects.none(), required=False, widget=_checkboxes()
    )
    open_items = OpenItemChoice(
        label="Open items", queryset=OpenItem.objects.none(), required=False, widget=_checkboxes()
    )
    references = ReferenceChoice(
        label="References of the draft you cite",
        queryset=Reference.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    attachments = MultipleFileField(label="Attach files", required=False)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["solutions"].queryset = consultation.solutions.filter(retired_at__isnull=True).order_by(
            "order", "code"
        )
        self.fields["criteria"].queryset = consultation.criteria.filter(retired_at__isnull=True).order_by(
            "order", "key"
        )
        self.fields["sections"].queryset = consultation.sections.order_by("order")
        self.fields["open_items"].queryset = consultation.open_items.select_related("section").order_by(
            "created_at", "pk"
        )
        self.fields["references"].queryset = consultation.references.order_by("group_order", "number")
        self.fields["attachments"].help_text = (
            f"{ALLOWED_TYPES_TEXT}; at most {filesizeformat(settings.ATTACHMENT_MAX_BYTES)} per file and "
            f"{filesizeformat(settings.SUBMISSION_ATTACHMENTS_MAX_BYTES)} per submission. The type is read from the "
            "file itself, not from its name."
        )

    @staticmethod
    def initial_for(submission: Submission | None, *, prefill: dict | None = None) -> dict:
        if submission is None:
            return dict(prefill or {})
        return {
            "submission": submission.pk,
            "version": submission.version,
            "title": submission.title,
            "body": submission.body,
            "solutions": list(submission.solutions.all()),
            "criteria": list(submission.criteria.all()),
            "sections": list(submission.sections.all()),
            "open_items": list(submission.open_items.all()),
            "references": list(submission.references.all()),
        }

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "body", "solutions", "criteria", "sections", "open_items", "references")
        }

    def open_item_prefill(self) -> list[OpenItem]:
        return list(self.fields["open_items"].queryset.exclude(status=OpenItemStatus.RESOLVED))


class ProposedRatingForm(forms.Form):
    solution = forms.ModelChoiceField(label="Solution", queryset=Solution.objects.none(), required=False)
    criterion = forms.ModelChoiceField(label="Criterion", queryset=Criterion.objects.none(), required=False)
    stars = forms.ChoiceField(label="Stars", choices=STAR_CHOICES, required=False)
    justification = forms.CharField(label="Why", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = consultation.solutions.filter(retired_at__isnull=True).order_by(
            "order", "code"
        )
        self.fields["solution"].label_from_instance = lambda s: f"{s.code} {s.title}"
        self.fields["criterion"].queryset = consultation.criteria.filter(retired_at__isnull=True).order_by(
            "order", "key"
        )
        self.fields["criterion"].label_from_instance = lambda c: c.name

    def clean(self):
        data = super().clean()
        filled = any(data.get(name) for name in ("solution", "criterion", "stars", "justification"))
        if filled and not (data.get("solution") and data.get("criterion")):
            raise forms.ValidationError("Choose both the solution and the criterion of the rating you propose.")
        if filled and not data.get("stars"):
            raise forms.ValidationError("Choose the stars you propose (or N/A).")
        return data

    def rating(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("solution"):
            return None
        stars = data["stars"]
        return {
            "solution": data["solution"],
            "criterion": data["criterion"],
            "stars": None if stars == "na" else int(stars),
            "justification": data.get("justification", ""),
        }


class ProposedReferenceForm(forms.Form):
    authors = forms.CharField(label="Authors", required=False, max_length=2000)
    title = forms.CharField(label="Title", required=False, max_length=2000)
    year = forms.IntegerField(label="Year", required=False, min_value=1900, max_value=2200)
    venue = forms.CharField(label="Publisher or journal", required=False, max_length=2000)
    url = forms.URLField(label="Link", required=False, max_length=1000, assume_scheme="https")

    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in ("authors", "year", "venue", "url")) and not data.get("title"):
            raise forms.ValidationError("Give the title of the reference (or clear its other fields).")
        return data

    def reference(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        return {name: data.get(name) for name in ("authors", "title", "year", "venue", "url")}


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        if consultation is not None:
            kwargs.setdefault("form_kwargs", {})["consultation"] = consultation
        super().__init__(*args, **kwargs)


RatingFormSet = forms.formset_factory(ProposedRatingForm, formset=BaseRowFormSet, extra=2, max_num=200)
ReferenceFormSet = forms.formset_factory(ProposedReferenceForm, formset=BaseRowFormSet, extra=1, max_num=200)


def rating_initial(submission: Submission | None) -> list[dict]:
    if submission is None:
        return []
    return [
        {
            "solution": r.solution,
            "criterion": r.criterion,
            "stars": "na" if r.stars is None else str(r.stars),
            "justification": r.justification,
        }
        for r in submission.proposed_ratings.select_related("solution", "criterion")
    ]


def reference_initial(submission: Submission | None) -> list[dict]:
    if submission is None:
        return []
    return [
        {"authors": r.authors, "title": r.title, "year": r.year, "venue": r.venue, "url": r.url}
        for r in submission.proposed_references.order_by("id")
    ]
