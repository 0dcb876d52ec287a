"""`manage.py benchmark_exports` at tiny sizes: it prints its figures and leaves nothing behind."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from consultation.models import Consultation
from evidence.models import Submission

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_csv_and_copy_speeds_and_xlsx_memory_then_deletes_its_consultation():
    out, err = StringIO(), StringIO()
    call_command("benchmark_exports", "--rows=50,200", stdout=out, stderr=err)
    output = out.getvalue()

    row = r"^\s*{} \| +[\d,]+ \| +[\d,]+ \| +\d+% \| +[\d.]+ MiB \| +[\d.]+ MiB \| +[\d.]+s$"
    assert re.search(row.format(50), output, re.MULTILINE), output
    assert re.search(row.format(200), output, re.MULTILINE), output
    assert re.search(r"CSV at 200 rows: \d+% of COPY's speed \(target at least 50%: (met|NOT met)\)", output)
    assert re.search(r"XLSX peak memory 200 / 50 rows: ×[\d.]+", output)
    assert "Adding submissions 51 to 200" in err.getvalue()

    slug = re.search(r"Deleted the consultation (benchmark-exports-\S+) \(rolled back", output).group(1)
    assert not Consultation.objects.filter(slug=slug).exists()
    assert not Submission.objects.exists()
    assert not get_user_model().objects.filter(username__startswith=slug).exists()


def test_keep_leaves_the_consultation_and_its_submissions():
    out = StringIO()
    call_command("benchmark_exports", "--rows=30", "--keep", stdout=out, stderr=StringIO())
    slug = re.search(r"Kept the consultation (benchmark-exports-\S+)\.", out.getvalue()).group(1)
    assert Submission.objects.filter(consultation__slug=slug, submitted_at__isnull=False).count() == 30


def test_row_counts_must_be_positive_and_increasing():
    with pytest.raises(CommandError, match="increasing order"):
        call_command("benchmark_exports", "--rows=200,50", stdout=StringIO(), stderr=StringIO())
