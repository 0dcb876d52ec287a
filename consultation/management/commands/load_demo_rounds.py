"""The demo consultation's ratings over time: versions, a closed round, an adopted change and an open round.

Run by ``make run`` after ``load_demo`` and ``load_demo_input`` (the adopted
change rests on one of the demo submissions), so that the versions, the
comparison, a cell's timeline and both sides of a rating round can be tried at
once:

1. "v1 as circulated": the draft as the demo import left it;
2. round 1 over a handful of cells, answered by ``expert`` and ``expert2``
   (differently, so that some cells reach consensus and some do not), closed;
3. one cell adopted from round 1's median, resting on that round and on a
   submitted demo input, with a reason;
4. "v2 after round 1";
5. round 2 open over the same cells, unanswered, so that an expert signing in
   answers it with round 1's figures beside each cell.

Every step is skipped when what it makes exists already, so running it again
creates nothing. All times are real (now, or the import's time), as a
consultation would record them. The submissions are reached through the
relations of this app's models, so this app still never imports ``evidence``.
"""

from __future__ import annotations

from datetime import timedelta
from statistics import median_low

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from consultation.adoption import candidate_submissions
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Consultation,
    DraftVersion,
    RevisionSource,
    Role,
    Round,
    RoundStatus,
)
from consultation.services import rating_change
from consultation.services.rounds import AnswerInput, round_answers_save, round_close, round_open
from consultation.services.versions import version_publish

DEMO_SLUG = "demo"
V1_LABEL = "v1 as circulated"
V2_LABEL = "v2 after round 1"
ROUND_2_DAYS = 14

# (solution code, criterion key): the answers of expert and expert2, as (stars or None for "cannot judge", comment).
# The cells include two whose text level and stars disagree in the draft (1b effectiveness, 2a transparency).
ROUND_1 = {
    ("1b", "effectiveness"): (
        (3, "Reliable for material already on a list; nothing new is caught."),
        (4, ""),
    ),
    ("1b", "privacy"): (
        (1, "The fingerprints leave the phone, so the server learns something about every image."),
        (4, ""),
    ),
    ("1d", "effectiveness"): (
        (1, "False alarms would swamp the reviewers."),
        (1, "Without independent error rates a classifier cannot be rated higher."),
    ),
    ("2a", "privacy"): ((4, ""), (5, "Content stays sealed inside the enclave.")),
    ("2a", "transparency"): ((2, ""), (None, "Outsiders cannot inspect what runs in the enclave.")),
}
# The cell adopted from round 1's median: down from two stars, resting on expert2's input on 1d as well.
ADOPTED_CELL = ("1d", "effectiveness")
ADOPTED_LEVEL = "Low"  # the level one star stands for, so the change adds no disagreement
ADOPTED_REASON = (
    "Both experts gave one star in round 1, and the submitted input explains why: the error rates of "
    "classifiers have not been measured independently, so their results cannot be relied on yet."
)


class Command(BaseCommand):
    help = (
        "Add versions, a closed and an open rating round and an adopted change to the 'demo' consultation "
        "(after load_demo and load_demo_input). Safe to re-run."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        consultation = Consultation.objects.filter(slug=DEMO_SLUG).first()
        if consultation is None:
            raise CommandError("No demo consultation: run load_demo first.")
        secretariat = self._member(consultation, "secretariat", Role.SECRETARIAT)
        experts = [self._member(consultation, username, Role.EXPERT) for username in ("expert", "expert2")]
        if not self._adopted_already(consultation) and self._submission(consultation) is None:
            # Not an error: `make run` goes on and serves the demo without its rating history.
            self.stdout.write(
                f"No submitted demo input on {ADOPTED_CELL[0]}: run load_demo_input first. Nothing added."
            )
            return
        with transaction.atomic():
            self._v1(consultation, secretariat)
            first = self._round_1(consultation, secretariat, experts)
            self._adopt(consultation, secretariat, first)
            self._v2(consultation, secretariat)
            self._round_2(consultation, secretariat)

    def _member(self, consultation: Consultation, username: str, role: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not consultation.memberships.filter(user=user, role=role).exists():
            raise CommandError(f"The demo account {username} is not a {role} of '{DEMO_SLUG}': run load_demo first.")
        return user

    def _cell(self, consultation: Consultation) -> Assessment:
        code, key = ADOPTED_CELL
        return Assessment.objects.select_related("solution", "criterion").get(
            consultation=consultation, solution__code=code, criterion__key=key
        )

    def _adopted_already(self, consultation: Consultation) -> bool:
        return AssessmentRevision.objects.filter(
            assessment=self._cell(consultation), round__consultation=consultation, round__number=1
        ).exists()

    def _submission(self, consultation: Consultation):
        """The submitted demo input on the adopted cell's solution that the change rests on (the oldest)."""
        return next(iter(candidate_submissions(self._cell(consultation).solution)), None)

    def _v1(self, consultation: Consultation, user) -> None:
        if DraftVersion.objects.filter(consultation=consultation, label=V1_LABEL).exists():
            self._say(f"Version “{V1_LABEL}” exists already.")
            return
        imported_at = AssessmentRevision.objects.filter(
            consultation=consultation, source=RevisionSource.IMPORT
        ).aggregate(last=Max("created_at"))["last"]
        if imported_at is None:
            raise CommandError(f"The demo draft is not imported into '{DEMO_SLUG}': run load_demo first.")
        version_publish(
            consultation=consultation,
            user=user,
            label=V1_LABEL,
            note="The draft as it went out to the experts.",
            published_at=imported_at,
        )
        self._say(f"Published “{V1_LABEL}”.")

    def _round_1(self, consultation: Consultation, user, experts) -> Round:
        existing = Round.objects.filter(consultation=consultation, number=1).first()
        if existing is not None:
            self._say("Round 1 exists already.")
            return existing
        now = timezone.now()
        round = round_open(
            consultation=consultation,
            user=user,
            opens_at=now,
            closes_at=now + timedelta(days=1),
            title="First ratings of the experts",
            cells=list(ROUND_1),
        )
        cells = {(a.solution.code, a.criterion.key): a for a in round.cells.select_related("solution", "criterion")}
        for n, expert in enumerate(experts):
            answers = [
                AnswerInput(
                    assessment=cells[cell],
                    stars=given[n][0],
                    cannot_judge=given[n][0] is None,
                    comment=given[n][1],
                )
                for cell, given in ROUND_1.items()
            ]
            round_answers_save(round=round, expert=expert, answers=answers)
        round, _ = round_close(round=round, user=user)
        self._say(f"Round 1 opened over {len(ROUND_1)} cells, answered by two experts and closed.")
        return round

    def _adopt(self, consultation: Consultation, user, first: Round) -> None:
        code, key = ADOPTED_CELL
        cell = self._cell(consultation)
        if AssessmentRevision.objects.filter(assessment=cell, round=first).exists():
            self._say(f"{code} × {key} was adopted from round 1 already.")
            return
        if first.status != RoundStatus.CLOSED:
            raise CommandError("Round 1 of the demo is still open; close it before adopting a rating from it.")
        submission = self._submission(consultation)
        stars = [a.stars for a in first.answers.filter(assessment=cell, cannot_judge=False)]
        median = median_low(stars) if stars else cell.stars  # a whole number of stars, as a cell holds
        rating_change(
            consultation=consultation,
            solution=cell.solution,
            criterion=cell.criterion,
            user=user,
            reason=ADOPTED_REASON,
            stars=median,
            level=ADOPTED_LEVEL,
            evidence=[submission.pk],
            round_number=first.number,
        )
        self._say(f"Adopted {code} × {key} at {median} star{'' if median == 1 else 's'} from round 1.")

    def _v2(self, consultation: Consultation, user) -> None:
        if DraftVersion.objects.filter(consultation=consultation, label=V2_LABEL).exists():
            self._say(f"Version “{V2_LABEL}” exists already.")
            return
        version_publish(
            consultation=consultation, user=user, label=V2_LABEL, note="With the rating adopted from round 1."
        )
        self._say(f"Published “{V2_LABEL}”.")

    def _round_2(self, consultation: Consultation, user) -> None:
        if Round.objects.filter(consultation=consultation, number=2).exists():
            self._say("Round 2 exists already.")
            return
        now = timezone.now()
        closes_at = now + timedelta(days=ROUND_2_DAYS)
        if consultation.closes_at and consultation.closes_at > now:
            closes_at = min(closes_at, consultation.closes_at)
        round_open(
            consultation=consultation,
            user=user,
            opens_at=now,
            closes_at=closes_at,
            title="Second look, with the figures of round 1",
            cells=list(ROUND_1),
        )
        self._say(f"Round 2 opened over the same {len(ROUND_1)} cells.")

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)
