"""A service's refusal (ValidationError) is shown on the page's form, whatever its shape, and never lost."""

from django import forms
from django.core.exceptions import ValidationError

from consultation.views.common import add_service_errors


class LabelForm(forms.Form):
    label = forms.CharField(required=False)


def _form() -> LabelForm:
    form = LabelForm({"label": "v1"})
    assert form.is_valid()
    return form


def test_an_error_naming_a_field_of_the_form_is_shown_on_that_field():
    form = _form()

    add_service_errors(form, ValidationError({"label": ["There is a version “v1” already."]}))

    assert form.errors == {"label": ["There is a version “v1” already."]}


def test_an_error_naming_another_field_is_shown_above_the_form():
    form = _form()

    add_service_errors(form, ValidationError({"cells": ["Choose at least one cell."]}))

    assert form.non_field_errors() == ["Choose at least one cell."]


def test_an_error_naming_no_field_is_shown_above_the_form_with_its_parameters_filled_in():
    form = _form()

    add_service_errors(form, ValidationError("At most %(n)s answers.", params={"n": 3}))

    assert form.non_field_errors() == ["At most 3 answers."]


def test_a_list_of_errors_keeps_every_message():
    form = _form()

    add_service_errors(form, ValidationError(["First problem.", "Second problem."]))

    assert form.non_field_errors() == ["First problem.", "Second problem."]
