"""Named versions: publishing them, and reading a version label or a date as a moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.matrix import build_matrix
from consultation.models import DraftVersion, Status
from consultation.services.versions import unique_version_label, version_publish
from consultation.versions import NOW, UnknownPoint, previous_version, resolve_point, resolve_version

from .versions_fixtures import V1, V2, history_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_publishing_names_the_draft_as_it_stands_now(consultation, secretariat):
    before = timezone.now()
    version = version_publish(consultation=consultation, user=secretariat, label="  v1   as circulated ", note="x")

    assert version.label == "v1 as circulated"
    assert before <= version.published_at <= timezone.now()
    assert version.created_by == secretariat


@pytest.mark.parametrize(
    ("label", "message"),
    [("", "Give the version a label"), ("v1/v2", "cannot contain"), ("x" * 101, "at most 100")],
)
def test_a_bad_label_is_refused_with_a_message(consultation, secretariat, label, message):
    with pytest.raises(ValidationError) as error:
        version_publish(consultation=consultation, user=secretariat, label=label)

    assert message in error.value.message_dict["label"][0]
    assert not DraftVersion.objects.exists()


def test_a_label_is_unique_in_its_consultation(consultation, secretariat):
    version_publish(consultation=consultation, user=secretariat, label="v1")

    with pytest.raises(ValidationError) as error:
        version_publish(consultation=consultation, user=secretariat, label="v1")
    assert "already" in error.value.message_dict["label"][0]


def test_a_version_cannot_be_published_in_the_future(consultation, secretariat):
    with pytest.raises(ValidationError) as error:
        version_publish(
            consultation=consultation, user=secretariat, label="v9", published_at=timezone.now() + timedelta(days=1)
        )
    assert "future" in error.value.message_dict["published_at"][0]


def test_a_closed_consultation_publishes_no_version(consultation, secretariat):
    consultation.status = Status.CLOSED
    consultation.save()

    with pytest.raises(StateConflictError):
        version_publish(consultation=consultation, user=secretariat, label="v1")


def test_a_label_or_a_date_resolves_to_a_moment(history):
    assert resolve_point(history.consultation, "v2 after round 1").when == V2
    assert resolve_point(history.consultation, "v2 after round 1").version == history.v2
    day = resolve_point(history.consultation, "2024-03-01")
    assert day.version is None and day.when.date().isoformat() == "2024-03-01"
    assert resolve_point(history.consultation, NOW).label == "now"


def test_an_unknown_label_says_it_is_neither_a_version_nor_a_date(history):
    with pytest.raises(UnknownPoint, match="neither a version"):
        resolve_point(history.consultation, "v3")
    with pytest.raises(UnknownPoint, match="no version"):
        resolve_version(history.consultation, "2024-03-01")


def test_the_matrix_of_a_version_is_the_matrix_as_of_its_publication(history):
    matrix = build_matrix(history.consultation, resolve_version(history.consultation, "v1 as circulated").when)

    eff, priv = history.criteria["eff"], history.criteria["priv"]
    assert matrix.cell(history.solutions["1a"], eff).stars == 3
    assert matrix.cell(history.solutions["1b"], priv).stars is None
    assert build_matrix(history.consultation, V2).cell(history.solutions["1a"], eff).stars == 4


def test_the_previous_version_is_the_one_published_just_before(history):
    assert previous_version(history.v2) == history.v1
    assert previous_version(history.v1) is None


def test_an_automatic_label_never_clashes(consultation, secretariat):
    version_publish(consultation=consultation, user=secretariat, label="Imported draft.txt 2024-05-08")

    assert unique_version_label(consultation, "Imported draft.txt 2024-05-08") == "Imported draft.txt 2024-05-08 (2)"
    assert unique_version_label(consultation, "a/b") == "a-b"
