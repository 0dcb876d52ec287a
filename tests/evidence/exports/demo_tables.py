"""The demo consultation (draft, input, rounds) and an ExportContext over it, for the table writers' tests."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command

from consultation.models import Consultation
from evidence.exports import ExportContext

MADE_AT = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
NAMES = ("Erik Janssen", "Elena Rossi")  # the demo experts' names, never in a pseudonymised export


def load_demo(*, rounds: bool = False) -> Consultation:
    for command in ("load_demo", "load_demo_input", *(["load_demo_rounds"] if rounds else [])):
        call_command(command, stdout=io.StringIO(), verbosity=0)
    return Consultation.objects.get(slug="demo")


def context(consultation: Consultation, *, user: str = "secretariat", **options) -> ExportContext:
    recipient = get_user_model().objects.get(username=user)
    options.setdefault("watermark", f"Prepared for {recipient.get_full_name()}, 2030-01-02 04:04 CET")
    return ExportContext(consultation=consultation, recipient=recipient, as_of=MADE_AT, made_at=MADE_AT, **options)


def no_progress(percent: int, step: str) -> None:
    assert 0 <= percent <= 100 and step
