"""`manage.py benchmark_asof` at tiny sizes: it prints its table, checks its sample and leaves nothing behind."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from consultation.models import Assessment, AssessmentRevision, Consultation, Solution

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_its_figures_checks_the_sample_and_deletes_its_consultation():
    out, err = StringIO(), StringIO()
    call_command(
        "benchmark_asof",
        "--solutions=3",
        "--criteria=2",
        "--revisions=50,200",
        "--repeat=1",
        stdout=out,
        stderr=err,
    )
    output = out.getvalue()

    row = r"\s*{} \| +[\d.]+ / [\d.]+ \| +[\d.]+ / [\d.]+ \| +[\d.]+ / [\d.]+ \| 4/4/4$"
    assert re.search(row.format(50), output, re.MULTILINE), output
    assert re.search(row.format(200), output, re.MULTILINE), output
    assert re.search(r"ratio 200 / 50 revisions .*×[\d.]+.*queries constant", output)
    assert "Correctness check passed: 30 sampled cell reads" in output
    assert "FAILED" not in output
    assert "EXPLAIN (ANALYZE, BUFFERS) of the as-of cells query at 200" in output
    assert "assessment_rev_asof" in output  # the per-cell lookup uses the as-of index

    slug = re.search(r"Deleted the consultation (benchmark-\S+)\.", output).group(1)
    assert not Consultation.objects.filter(slug=slug).exists()
    assert not Solution.objects.filter(consultation__slug=slug).exists()
    assert not Assessment.objects.exists()
    assert not AssessmentRevision.objects.exists()


def test_keep_leaves_the_consultation_with_its_whole_history():
    out = StringIO()
    call_command(
        "benchmark_asof",
        "--solutions=2",
        "--criteria=2",
        "--revisions=20",
        "--repeat=1",
        "--keep",
        stdout=out,
        stderr=StringIO(),
    )
    slug = re.search(r"Kept the consultation (benchmark-\S+)\.", out.getvalue()).group(1)
    consultation = Consultation.objects.get(slug=slug)
    assert consultation.assessment_revisions.count() == 20
    # consecutive numbers per cell, and each cell's current value is its last revision
    for cell in consultation.assessments.all():
        numbers = list(cell.revisions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, 6))
        last = cell.revisions.get(number=5)
        assert (cell.revision, cell.stars, cell.level, cell.changed_at) == (5, last.stars, last.level, last.created_at)
