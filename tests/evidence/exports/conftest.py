"""Fixtures of the export tests: the demo consultation with its input and rounds, a private exports folder."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from consultation.models import Consultation
from evidence.services.exports import export_storage


@pytest.fixture(autouse=True)
def exports_folder(tmp_path, monkeypatch):
    """Each test keeps its export files in a folder of its own, so "no file was left" can be checked exactly."""
    storage = export_storage()
    folder = tmp_path / "exports"
    monkeypatch.setattr(storage, "_location", str(folder))
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)
    yield folder
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)


def load_demo() -> Consultation:
    for command in ("load_demo", "load_demo_input", "load_demo_rounds"):
        call_command(command, stdout=StringIO(), verbosity=0)
    return Consultation.objects.get(slug="demo")


@pytest.fixture
def demo(db):
    """The demo consultation (55 cells, three submissions, an internal note, versions and rounds)."""
    return load_demo()


@pytest.fixture
def demo_users(demo):
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["secretariat", "expert", "expert2", "observer"])
    }
    return users


def run_export(consultation, user, format="pdf", **options):
    """Request an export and run its job at once (the task's work, without a worker); answers it and its bytes."""
    from evidence.services.exports import export_file_path, export_request
    from evidence.services.exports import export_run as run

    export = export_request(consultation=consultation, user=user, format=format, **options)
    export = run(export_id=export.pk)
    path = export_file_path(export)
    return export, (path.read_bytes() if path else b"")


def pdf_pages(data: bytes) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF text extraction breaks lines wherever the layout wrapped them."""
    return "".join(text.split())
