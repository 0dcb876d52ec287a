"""The services of expert input: drafts, submitting with a receipt, versions, withdrawal, deadlines, pseudonyms."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import Membership, Status
from evidence.models import Pseudonym, Submission, SubmissionVersion
from evidence.services.pseudonyms import pseudonym_assign
from evidence.services.submissions import (
    submission_edit,
    submission_save_draft,
    submission_submit,
    submission_withdraw,
)
from tests.factories import ConsultationFactory, SolutionFactory

from .factories import attach, draft_of, submitted_by

pytestmark = pytest.mark.django_db


def test_a_draft_keeps_what_the_expert_wrote_with_its_links(consultation, expert, draft_paper):
    s1a = draft_paper["solutions"][0]
    privacy = draft_paper["criteria"][1]

    submission = submission_save_draft(
        consultation=consultation,
        author=expert,
        title="  Client-side   scanning ",
        body="It *can* be evaded.",
        solutions=[s1a],
        criteria=[privacy],
        sections=draft_paper["sections"][1:],
        open_items=[draft_paper["open_item"]],
        references=[draft_paper["reference"]],
        proposed_ratings=[{"solution": s1a, "criterion": privacy, "stars": 2, "justification": "Scans every image."}],
        proposed_references=[{"title": "Bugs in our pockets", "authors": "Abelson et al.", "year": 2021}],
    )

    submission.refresh_from_db()
    assert submission.is_draft and submission.current_version == 0
    assert submission.title == "Client-side scanning"
    assert list(submission.solutions.all()) == [s1a]
    assert list(submission.open_items.all()) == [draft_paper["open_item"]]
    rating = submission.proposed_ratings.get()
    assert (rating.solution, rating.criterion, rating.stars) == (s1a, privacy, 2)
    assert submission.proposed_references.get().year == 2021
    assert not submission.versions.exists()


def test_autosaving_again_updates_the_same_draft_and_bumps_its_version(consultation, expert):
    submission = draft_of(expert, consultation)
    before = submission.version

    saved = submission_save_draft(
        consultation=consultation, author=expert, submission=submission, expected_version=before, body="More."
    )

    assert saved.pk == submission.pk and saved.body == "More." and saved.version == before + 1
    assert Submission.objects.count() == 1


def test_an_autosave_based_on_an_old_version_is_refused_as_stale(consultation, expert):
    submission = draft_of(expert, consultation)
    submission_save_draft(consultation=consultation, author=expert, submission=submission, body="From tab one.")

    with pytest.raises(StaleObjectError):
        submission_save_draft(
            consultation=consultation, author=expert, submission=submission, expected_version=1, body="Tab two."
        )
    submission.refresh_from_db()
    assert submission.body == "From tab one."


def test_links_to_another_consultation_are_refused(consultation, expert, draft_paper):
    foreign = SolutionFactory(consultation=ConsultationFactory())

    with pytest.raises(ValidationError) as error:
        draft_of(expert, consultation, solutions=[draft_paper["solutions"][0], foreign])

    assert "solutions" in error.value.message_dict
    assert not Submission.objects.exists()


def test_a_cell_rated_twice_or_stars_out_of_range_are_refused(consultation, expert, draft_paper):
    s1a = draft_paper["solutions"][0]
    privacy = draft_paper["criteria"][1]
    twice = [{"solution": s1a, "criterion": privacy, "stars": 2}, {"solution": s1a, "criterion": privacy, "stars": 3}]

    with pytest.raises(ValidationError, match="rated twice"):
        draft_of(expert, consultation, proposed_ratings=twice)
    with pytest.raises(ValidationError, match="1 to 5"):
        draft_of(expert, consultation, proposed_ratings=[{"solution": s1a, "criterion": privacy, "stars": 6}])


def test_an_observer_cannot_write_input(consultation, observer):
    with pytest.raises(PermissionDenied):
        draft_of(observer, consultation)
    assert not Submission.objects.exists()


def test_the_secretariat_may_write_input_of_its_own(consultation, secretariat):
    assert submitted_by(secretariat, consultation).submitted_at is not None


def test_only_the_author_changes_a_submission(consultation, expert, other_expert):
    submission = draft_of(expert, consultation)

    with pytest.raises(PermissionDenied):
        submission_save_draft(consultation=consultation, author=other_expert, submission=submission, body="Mine now")
    with pytest.raises(PermissionDenied):
        submission_submit(submission=submission, user=other_expert)


def test_submitting_records_version_one_whose_sha256_is_the_hash_of_its_canonical_content(
    consultation, expert, draft_paper, django_capture_on_commit_callbacks
):
    submission = draft_of(expert, consultation, solutions=draft_paper["solutions"][:1])
    attach(submission, expert)

    with (
        mock.patch("evidence.tasks.send_submission_receipt.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = submission_submit(submission=submission, user=expert)

    submission.refresh_from_db()
    assert submission.submitted_at is not None and submission.current_version == 1
    assert version.number == 1 and version.title == submission.title
    canonical = json.dumps(version.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert version.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert version.content["solutions"] == ["1a"]
    assert version.content["attachments"][0]["sha256"] == submission.attachments.get().sha256
    queued.assert_called_once_with(version.pk)


def test_the_receipt_is_not_queued_when_the_transaction_rolls_back(consultation, expert):
    submission = draft_of(expert, consultation)

    with (
        mock.patch("evidence.tasks.send_submission_receipt.delay") as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submission_submit(submission=submission, user=expert)
        raise RuntimeError("something after it failed")

    queued.assert_not_called()
    assert not SubmissionVersion.objects.exists()


def test_an_empty_draft_cannot_be_submitted(consultation, expert):
    submission = draft_of(expert, consultation, title="", body="")

    with pytest.raises(ValidationError, match="title"):
        submission_submit(submission=submission, user=expert)
    submission.refresh_from_db()
    assert submission.is_draft


def test_submitting_twice_is_a_conflict(consultation, expert):
    submission = submitted_by(expert, consultation)

    with pytest.raises(StateConflictError):
        submission_submit(submission=submission, user=expert)


def test_editing_after_submitting_makes_a_new_version_and_keeps_every_earlier_one(consultation, expert, draft_paper):
    submission = submitted_by(expert, consultation, body="First words.")

    submission, second = submission_edit(submission=submission, user=expert, body="Second words.")
    submission, third = submission_edit(
        submission=submission, user=expert, solutions=draft_paper["solutions"], expected_version=submission.version
    )

    versions = list(submission.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.body for v in versions] == ["First words.", "Second words.", "Second words."]
    assert versions[0].content["body"] == "First words."
    assert versions[2].content["solutions"] == ["1a", "1b"]
    assert len({v.sha256 for v in versions}) == 3
    assert submission.current_version == 3 and (second.number, third.number) == (2, 3)


def test_an_edit_that_changes_nothing_makes_no_version(consultation, expert):
    submission = submitted_by(expert, consultation)

    submission, version = submission_edit(submission=submission, user=expert, body=submission.body)

    assert version is None and submission.versions.count() == 1


def test_an_edit_with_an_old_version_is_refused_and_changes_nothing(consultation, expert):
    submission = submitted_by(expert, consultation)
    old = submission.version
    submission_edit(submission=submission, user=expert, body="Newer.")

    with pytest.raises(StaleObjectError):
        submission_edit(submission=submission, user=expert, body="Based on the old one.", expected_version=old)
    assert submission.versions.count() == 2


def test_attaching_a_file_after_submitting_makes_a_new_version(consultation, expert):
    submission = submitted_by(expert, consultation)

    attach(submission, expert)

    submission.refresh_from_db()
    assert submission.current_version == 2
    assert submission.versions.get(number=2).content["attachments"][0]["name"] == "evidence.pdf"


def test_withdrawing_keeps_the_submission_its_versions_and_files(consultation, expert):
    submission = submitted_by(expert, consultation)
    attach(submission, expert)

    withdrawn = submission_withdraw(submission=submission, user=expert)

    assert withdrawn.withdrawn_at is not None
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert withdrawn.versions.count() == 2 and withdrawn.attachments.count() == 1
    with pytest.raises(StateConflictError, match="withdrew"):
        submission_edit(submission=withdrawn, user=expert, body="Changed my mind")
    with pytest.raises(StateConflictError, match="withdrawn already"):
        submission_withdraw(submission=withdrawn, user=expert)
    with pytest.raises(StateConflictError):
        attach(withdrawn, expert)


def test_a_draft_cannot_be_withdrawn(consultation, expert):
    with pytest.raises(StateConflictError, match="draft"):
        submission_withdraw(submission=draft_of(expert, consultation), user=expert)


def test_after_the_closing_date_nothing_new_is_accepted(consultation, expert):
    submission = draft_of(expert, consultation)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()

    with pytest.raises(StateConflictError, match="closed for input"):
        submission_submit(submission=submission, user=expert)
    with pytest.raises(StateConflictError, match="extension"):
        draft_of(expert, consultation)
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("status", [Status.CLOSED, Status.DRAFT, Status.ARCHIVED])
def test_a_consultation_that_is_not_open_takes_no_input(consultation, expert, status):
    consultation.status = status
    consultation.save()

    with pytest.raises(StateConflictError):
        draft_of(expert, consultation)


def test_a_deadline_extension_lets_that_expert_and_only_that_one_submit_late(consultation, expert, other_expert):
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() + timedelta(days=2))

    late = submitted_by(expert, consultation)

    assert late.submitted_at is not None
    with pytest.raises(StateConflictError):
        draft_of(other_expert, consultation)


def test_an_extension_that_has_run_out_does_not_help(consultation, expert):
    consultation.closes_at = timezone.now() - timedelta(days=2)
    consultation.save()
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() - timedelta(days=1))

    with pytest.raises(StateConflictError):
        draft_of(expert, consultation)


def test_pseudonyms_are_numbered_in_order_of_first_submission_and_stay_stable(consultation, expert, other_expert):
    submitted_by(other_expert, consultation)
    submitted_by(expert, consultation)
    submitted_by(other_expert, consultation)

    numbers = dict(Pseudonym.objects.values_list("user__username", "number"))
    assert numbers == {"exp2": 1, "exp": 2}
    assert str(pseudonym_assign(consultation=consultation, user=other_expert)) == "Expert 1"


def test_pseudonyms_are_counted_per_consultation(consultation, expert):
    other = ConsultationFactory()
    Membership.objects.create(consultation=other, user=expert, role="expert")
    submitted_by(expert, other)

    assert pseudonym_assign(consultation=consultation, user=expert).number == 1
    assert Pseudonym.objects.filter(user=expert).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_first_submissions_at_the_same_moment_get_different_pseudonyms(consultation):
    import threading

    from django.db import connection

    from consultation.models import Role
    from tests.factories import UserFactory

    users = [UserFactory(username=f"racer{n}") for n in range(4)]
    for user in users:
        Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
    start = threading.Barrier(len(users))
    errors = []

    def assign(user):
        try:
            start.wait()
            pseudonym_assign(consultation=consultation, user=user)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Pseudonym.objects.filter(consultation=consultation).values_list("number", flat=True)) == [1, 2, 3, 4]
