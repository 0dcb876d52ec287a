"""Forms of the secretariat's triage: the inbox filters, status and response, notes, tags, open-item resolution."""

from __future__ import annotations

from django import forms

from consultation.models import Consultation, Criterion, ExpertType, OpenItem, Section, Solution
from evidence.models import Submission, SubmissionStatus, Tag

WITHDRAWN_CHOICES = [("", "Active and withdrawn"), ("no", "Active only"), ("yes", "Withdrawn only")]


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        if isinstance(obj, Solution):
            return f"{obj.code} {obj.title}"
        if isinstance(obj, Section):
            return f"{obj.number} {obj.title}"
        if isinstance(obj, OpenItem):
            return f"#{obj.pk} {obj.prompt[:70]}"
        return str(obj)


class InboxFilterForm(forms.Form):
    """``GET`` parameters of the inbox. Choices are the consultation's own (so ids of others are invalid)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text='Words in the title or text; "quoted phrase", or -word to exclude.',
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *SubmissionStatus.choices]
    )
    expert_type = forms.ChoiceField(
        label="Expert type", required=False, choices=[("", "All types"), *ExpertType.choices]
    )
    solution = CodeChoiceField(label="Solution", required=False, queryset=Solution.objects.none(), to_field_name="code")
    criterion = CodeChoiceField(
        label="Criterion", required=False, queryset=Criterion.objects.none(), to_field_name="key"
    )
    section = CodeChoiceField(label="Section", required=False, queryset=Section.objects.none())
    open_item = CodeChoiceField(label="Open item", required=False, queryset=OpenItem.objects.none())
    tag = CodeChoiceField(label="Tag", required=False, queryset=Tag.objects.none(), to_field_name="name")
    withdrawn = forms.ChoiceField(label="Withdrawn", required=False, choices=WITHDRAWN_CHOICES)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = consultation.solutions.order_by("order", "code")
        self.fields["criterion"].queryset = consultation.criteria.order_by("order", "key")
        self.fields["section"].queryset = consultation.sections.order_by("order")
        self.fields["open_item"].queryset = consultation.open_items.order_by("created_at", "pk")
        self.fields["tag"].queryset = Tag.objects.filter(consultation=consultation).order_by("name")
        for name in ("solution", "criterion", "section", "open_item", "tag"):
            self.fields[name].empty_label = "All"


class TriageForm(forms.Form):
    """Status and the response the author sees; ``version`` is the one the form was rendered with."""

    status = forms.ChoiceField(label="Status", choices=SubmissionStatus.choices)
    response = forms.CharField(
        label="Response to the expert",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The author sees this response with the status, and is told by email when either changes.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Internal note",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the secretariat sees internal notes; the expert never does.",
        error_messages={"required": "Write the note first."},
    )


class TagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label="Tags", required=False, queryset=Tag.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    new_tag = forms.CharField(
        label="New tag",
        required=False,
        max_length=Tag._meta.get_field("name").max_length,
        help_text="Creates the tag (if it does not exist yet) and puts it on this submission.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.filter(consultation=consultation).order_by("name")


class ResolveForm(forms.Form):
    """Resolve an open item with the input that answers it; ``action`` "link" only saves the links."""

    submissions = forms.ModelMultipleChoiceField(
        label="Input that answers it",
        required=False,
        queryset=Submission.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the draft takes the input into account. Required to resolve the item.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Set by the button pressed; without one the form resolves.
    action = forms.ChoiceField(
        choices=[("resolve", "Resolve"), ("link", "Save the links only")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submissions"].queryset = submissions

    def clean(self):
        data = super().clean()
        data["action"] = data.get("action") or "resolve"
        if data["action"] == "resolve" and not (data.get("resolution") or "").strip():
            self.add_error("resolution", "Say how the item was resolved before marking it resolved.")
        return data
