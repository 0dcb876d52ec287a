"""`manage.py load_demo_input` also adds a demo source document (our own text) with a table and two excerpts."""

from io import StringIO

import pytest
from django.core.management import call_command

from consultation.models import Consultation
from evidence.models import Excerpt, SourceDocument
from evidence.services.library import excerpt_locate

pytestmark = pytest.mark.django_db


def test_the_demo_source_has_a_table_and_two_excerpts_linked_to_cells_added_once():
    call_command("load_demo", stdout=StringIO(), verbosity=0)
    call_command("load_demo_input", stdout=StringIO(), verbosity=0)
    call_command("load_demo_input", stdout=StringIO(), verbosity=0)
    consultation = Consultation.objects.get(slug="demo")
    source = SourceDocument.objects.get(consultation=consultation)
    version = source.versions.get()
    (table,) = [b for b in version.blocks if b["type"] == "table"]
    assert len(table["rows"]) == 4 and all(len(row) == 3 for row in table["rows"])
    excerpts = Excerpt.objects.filter(source=source)
    assert sorted(e.stance for e in excerpts) == ["lower", "supports"]
    assert all(e.cells.count() == 1 for e in excerpts)
    assert all(excerpt_locate(e).status == "found" for e in excerpts)
