"""`manage.py load_demo_input`: demo submissions, one of them triaged, added once however often it runs."""

from io import StringIO

import pytest
from django.core.management import call_command

from consultation.extensions import input_counts
from consultation.models import Consultation, OpenItem
from evidence.models import InternalNote, Submission

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out, verbosity=0)
    return out.getvalue()


def test_demo_input_is_submitted_triaged_and_counted_once():
    run("load_demo")

    first = run("load_demo_input")
    again = run("load_demo_input")

    consultation = Consultation.objects.get(slug="demo")
    submissions = Submission.objects.filter(consultation=consultation)
    assert "3 submission(s) added" in first and "0 submission(s) added" in again
    assert submissions.count() == 3 and all(s.submitted_at for s in submissions)
    triaged = submissions.get(status="under_review")
    assert triaged.response and list(triaged.tags.values_list("name", flat=True)) == ["follow-up"]
    assert InternalNote.objects.filter(submission=triaged).count() == 1
    item = OpenItem.objects.filter(consultation=consultation).order_by("pk").first()
    assert item.answering_submissions.count() == 1
    secretariat = consultation.memberships.get(role="secretariat").user
    counts = input_counts(secretariat, consultation)
    assert sum(counts.by_solution.values()) == 4 and sum(counts.by_cell.values()) >= 4


def test_without_the_demo_consultation_it_says_what_to_run_first():
    assert "run load_demo first" in run("load_demo_input")
