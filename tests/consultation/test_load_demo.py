"""`manage.py load_demo`: demo accounts, the "demo" consultation and its draft, set up once however often it runs."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    DraftImport,
    Membership,
    OpenItem,
    Solution,
)

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password-2024"
DEMO_DRAFT = Path(settings.BASE_DIR) / "consultation" / "demo" / "demo_draft.txt"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
REFERENCE_DRAFT = SEEDS / "000_38559a9845985580.txt"

User = get_user_model()


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts(consultation: Consultation) -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "consultations": Consultation.objects.count(),
        "draft_imports": DraftImport.objects.filter(consultation=consultation).count(),
        "memberships": Membership.objects.filter(consultation=consultation).count(),
        "solutions": Solution.objects.filter(consultation=consultation).count(),
        "criteria": Criterion.objects.filter(consultation=consultation).count(),
        "assessments": Assessment.objects.filter(consultation=consultation).count(),
        "classifications": Classification.objects.filter(consultation=consultation).count(),
        "open_items": OpenItem.objects.filter(consultation=consultation).count(),
        "assessment_revisions": AssessmentRevision.objects.filter(consultation=consultation).count(),
        "classification_revisions": ClassificationRevision.objects.filter(consultation=consultation).count(),
    }


def test_running_it_twice_sets_up_one_demo_consultation_with_its_members_and_draft():
    _load_demo()
    consultation = Consultation.objects.get(slug="demo")
    first = _counts(consultation)
    dates = (consultation.opens_at, consultation.closes_at)

    output = _load_demo()

    assert _counts(consultation) == first
    consultation.refresh_from_db()
    assert (consultation.opens_at, consultation.closes_at) == dates
    assert consultation.reference == "DEMO 1/2026"
    assert consultation.status == "open"
    assert consultation.marking == "LIMITE — demo data, not for distribution"
    assert 29 <= (consultation.closes_at - consultation.opens_at).days <= 31
    assert consultation.title in DEMO_DRAFT.read_text(encoding="utf-8")
    roles = dict(Membership.objects.filter(consultation=consultation).values_list("user__username", "role"))
    assert roles == {"secretariat": "secretariat", "expert": "expert", "expert2": "expert", "observer": "observer"}
    assert first["solutions"] == 11
    assert first["criteria"] == 5
    assert first["assessments"] == 55
    assert first["classifications"] == 11
    assert first["open_items"] == 2
    assert "http://127.0.0.1:8000/" in output
    assert DEMO_PASSWORD in output


@pytest.mark.parametrize("username", ["secretariat", "expert", "expert2", "observer", "admin"])
def test_every_demo_account_signs_in_with_the_demo_password(username):
    _load_demo()
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert user.email == f"{username}@demo.invalid"
    assert user.first_name
    assert user.last_name


def test_admin_is_a_staff_superuser_outside_the_demo_consultation():
    _load_demo()
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not Membership.objects.filter(user=admin).exists()


def test_a_rerun_keeps_a_password_someone_changed():
    _load_demo()
    expert = User.objects.get(username="expert")
    expert.set_password("my own choice 123")
    expert.save()

    _load_demo()

    assert authenticate(username="expert", password="my own choice 123") is not None
    assert authenticate(username="expert", password=DEMO_PASSWORD) is None


def test_the_demo_keeps_the_reference_drafts_disagreement_between_text_level_and_stars():
    _load_demo()
    cell = Assessment.objects.get(consultation__slug="demo", solution__code="1a", criterion__name="Effectiveness")
    assert (cell.level, cell.stars) == ("Medium-high", 5)


# --- the demo draft is newly written, not copied from the reference draft ---------------------------------------

SUPERSCRIPTS = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# The one sentence both drafts must share: it marks an open item for the importer, it is not prose.
OPEN_ITEM_MARKER = "to be further completed with the experts' input"
LIST_MARKER = re.compile(r"^\s*(?:[-•➤]|\d+\.|[a-z]\)|[a-z]\.)\s+")
SOLUTION_HEADING = re.compile(r"^[a-z]\. [^.]+$")


def prose_sentences(text: str) -> set[str]:
    """Sentences of eight words or more, lower-cased, without markdown, footnote marks and punctuation.

    Facts the demo shares with the reference on purpose are left out: the overview table (lines with a
    TAB), the solution headings ("c. On-device partial hashing with ...") and the reference annex.
    """
    sentences = set()
    for line in text.split("ANNEX 2: REFERENCES")[0].splitlines():
        if "\t" in line or SOLUTION_HEADING.match(line.strip()):
            continue
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = line.translate(SUPERSCRIPTS).replace("*", "").replace("\\", "").replace("’", "'")
        line = LIST_MARKER.sub("", line)
        for sentence in re.split(r"(?<=[.!?;:])\s+", line):
            words = re.findall(r"[\w'-]+", sentence.lower())
            if len(words) >= 8:
                sentences.add(" ".join(words))
    return sentences


@pytest.mark.seeds
@pytest.mark.skipif(not REFERENCE_DRAFT.exists(), reason=f"the reference draft is not in {SEEDS}")
def test_the_demo_draft_shares_no_sentence_with_the_reference_draft():
    demo = prose_sentences(DEMO_DRAFT.read_text(encoding="utf-8"))
    reference = prose_sentences(REFERENCE_DRAFT.read_text(encoding="utf-8"))
    assert len(demo) > 100
    assert len(reference) > 200
    assert OPEN_ITEM_MARKER in demo

    copied = (demo & reference) - {OPEN_ITEM_MARKER}
    assert copied == set()
