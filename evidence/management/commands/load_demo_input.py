"""Demo input for the 'demo' consultation: a few submissions by the demo experts, one of them triaged.

Run by ``make run`` after ``load_demo`` so the inbox, the triage page, the input
counts of the matrix and an answered open item can be tried at once. Safe to
re-run: input that exists already (same author and title) is left as it is.
The text is written for the demo; it quotes no source document.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from consultation.models import Consultation, ExpertType, Profile
from evidence.demo_library import load_demo_sources
from evidence.models import Submission
from evidence.services.submissions import input_refusal, submission_save_draft, submission_submit
from evidence.services.triage import internal_note_add, open_item_answers_set, submission_triage, tag_create

DEMO_SLUG = "demo"

PROFILES = {
    "expert": ("Erik Janssen", "Delft University of Technology", ExpertType.ACADEMIA, "NL"),
    "expert2": ("Elena Rossi", "Associazione Diritti Digitali", ExpertType.CIVIL_SOCIETY, "IT"),
}

# author, title, body (Markdown), solution codes, criterion keys, answers the first open item, proposed rating
INPUT = [
    (
        "expert",
        "Matching on the device only finds what is already known",
        "Fingerprint lists catch **re-shared** material well, but nothing new.\n\n"
        "- Small edits (crops, filters) defeat naive fingerprints.\n- Robust ones raise the false-match rate.",
        ["1a", "1b"],
        ["effectiveness"],
        False,
        ("1b", "effectiveness", 3, "Good for known material, blind to new material."),
    ),
    (
        "expert2",
        "Start with the server-side options and publish the audits",
        "Of the options, those that keep keys off the device are easier to audit. "
        "We suggest starting there and publishing the audit reports.",
        ["2a"],
        ["transparency", "privacy"],
        True,
        None,
    ),
    (
        "expert2",
        "Classifiers on phones need an independent error-rate study",
        "Error rates reported by vendors are not comparable. An independent test set is needed first.",
        ["1d"],
        ["effectiveness", "security"],
        False,
        None,
    ),
]


class Command(BaseCommand):
    help = "Add demo submissions (and a little triage) to the 'demo' consultation. Safe to re-run."

    def handle(self, *args, **options):
        consultation = Consultation.objects.filter(slug=DEMO_SLUG).first()
        if consultation is None:
            self.stdout.write("No demo consultation: run load_demo first.")
            return
        users = {u.username: u for u in get_user_model().objects.filter(username__in=PROFILES)}
        for username, (name, organisation, expert_type, country) in PROFILES.items():
            if username in users:
                Profile.objects.get_or_create(
                    user=users[username],
                    defaults={"name": name, "organisation": organisation, "expert_type": expert_type,
                              "country": country},
                )  # fmt: skip
        load_demo_sources(consultation, self.stdout)
        created = []
        for author_name, title, body, codes, keys, answers_item, rating in INPUT:
            author = users.get(author_name)
            if author is None or Submission.objects.filter(consultation=consultation, author=author, title=title):
                continue
            refusal = input_refusal(consultation, author)
            if refusal:
                self.stdout.write(f"Demo input not added: {refusal}")
                return
            with transaction.atomic():
                draft = submission_save_draft(
                    consultation=consultation,
                    author=author,
                    title=title,
                    body=body,
                    solutions=list(consultation.solutions.filter(code__in=codes)),
                    criteria=list(consultation.criteria.filter(key__in=keys)),
                    open_items=list(consultation.open_items.order_by("pk")[:1]) if answers_item else [],
                    proposed_ratings=self._rating(consultation, rating),
                )
                submission_submit(submission=draft, user=author)
            created.append((Submission.objects.get(pk=draft.pk), answers_item))
        if created:
            self._triage(consultation, created)
        self.stdout.write(f"Demo input: {len(created)} submission(s) added.")

    def _rating(self, consultation: Consultation, rating) -> list[dict]:
        if rating is None:
            return []
        code, key, stars, justification = rating
        solution = consultation.solutions.filter(code=code).first()
        criterion = consultation.criteria.filter(key=key).first()
        if solution is None or criterion is None:
            return []
        return [{"solution": solution, "criterion": criterion, "stars": stars, "justification": justification}]

    def _triage(self, consultation: Consultation, created: list) -> None:
        secretariat = consultation.memberships.filter(role="secretariat").select_related("user").first()
        if secretariat is None:
            return
        user = secretariat.user
        first, _ = created[0]
        tag = tag_create(consultation=consultation, user=user, name="follow-up")
        submission_triage(
            submission=first,
            user=user,
            status="under_review",
            response="Thank you. We are checking this against the robustness studies in the annex.",
            tags=[tag],
        )
        internal_note_add(submission=first, user=user, body="Ask for the false-match figures behind the second point.")
        item = consultation.open_items.order_by("pk").first()
        answering = [s for s, answers in created if answers]
        if item is not None and answering:
            open_item_answers_set(item=item, user=user, submissions=answering)
