"""Set up the demo consultation: demo accounts, the "demo" consultation with its members, and the demo draft.

Running it again changes nothing: accounts, the consultation and memberships
are only created when missing (passwords and dates are never reset), and the
draft is imported only when this exact text has not been imported yet, so a
re-run does not undo rating changes made in the demo since.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from consultation.importing.parser import DraftParseError
from consultation.importing.services import import_draft_text
from consultation.models import Consultation, DraftImport, DraftImportStatus, Membership, Role, Status
from consultation.services import consultation_create
from consultation.services.members import email_mark_verified

DEMO_PASSWORD = "demo-password-2024"  # noqa: S105 - published on purpose: it signs into throwaway demo data only
DEMO_SLUG = "demo"
DEMO_REFERENCE = "DEMO 1/2026"
DEMO_TITLE = "Detecting child sexual abuse material in end-to-end encrypted messaging: a technical options paper (demo)"
DEMO_MARKING = "LIMITE — demo data, not for distribution"
DEMO_OPEN_DAYS = 30
DRAFT_PATH = Path(__file__).resolve().parents[2] / "demo" / "demo_draft.txt"
SIGN_IN_URL = "http://127.0.0.1:8000/"

# username, first name, last name, role in the demo consultation (None: not a member)
DEMO_PEOPLE = [
    ("secretariat", "Sara", "Lindqvist", Role.SECRETARIAT),
    ("expert", "Erik", "Janssen", Role.EXPERT),
    ("expert2", "Elena", "Rossi", Role.EXPERT),
    ("observer", "Olivier", "Dubois", Role.OBSERVER),
]
ADMIN = ("admin", "Ada", "Admin")


class Command(BaseCommand):
    help = "Create the demo accounts and the 'demo' consultation, and import the demo draft into it. Safe to re-run."

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            users = {username: self._user(username, first, last) for username, first, last, _ in DEMO_PEOPLE}
            admin = self._user(*ADMIN, superuser=True)
            # allauth signs in only accounts with a verified address: the demo's are taken as verified.
            for user in [*users.values(), admin]:
                email_mark_verified(user=user, email=user.email or f"{user.username}@demo.invalid")
            consultation = self._consultation(creator=users["secretariat"])
            for username, _, _, role in DEMO_PEOPLE:
                self._membership(consultation, users[username], role)
        self._import_draft(consultation, users["secretariat"])
        self._print_sign_in()

    def _user(self, username: str, first_name: str, last_name: str, *, superuser: bool = False):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            self._say(f"User {username} already exists; left as it is.")
            return user
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(
            username=username,
            email=f"{username}@demo.invalid",
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
        )
        self._say(f"Created user {username}.")
        return user

    def _consultation(self, *, creator) -> Consultation:
        consultation = Consultation.objects.filter(slug=DEMO_SLUG).first()
        if consultation is not None:
            self._say(f"Consultation {DEMO_SLUG} already exists; left as it is.")
            return consultation
        opens_at = timezone.now()
        consultation = consultation_create(
            user=creator,
            slug=DEMO_SLUG,
            reference=DEMO_REFERENCE,
            title=DEMO_TITLE,
            marking=DEMO_MARKING,
            status=Status.OPEN,
            opens_at=opens_at,
            closes_at=opens_at + timedelta(days=DEMO_OPEN_DAYS),
        )
        self._say(f"Created consultation {DEMO_SLUG} ({DEMO_REFERENCE}).")
        return consultation

    def _membership(self, consultation: Consultation, user, role: str) -> None:
        membership, created = Membership.objects.get_or_create(
            consultation=consultation, user=user, defaults={"role": role}
        )
        if created:
            self._say(f"Added {user.username} as {membership.get_role_display().lower()}.")

    def _import_draft(self, consultation: Consultation, user) -> None:
        content = DRAFT_PATH.read_text(encoding="utf-8")
        already = DraftImport.objects.filter(
            consultation=consultation, content=content, status=DraftImportStatus.DONE
        ).exists()
        if already:
            self._say(f"{DRAFT_PATH.name} is already imported; not imported again.")
            return
        try:
            draft_import = import_draft_text(
                consultation=consultation, filename=DRAFT_PATH.name, content=content, user=user
            )
        except DraftParseError as exc:
            raise CommandError(f"The demo draft {DRAFT_PATH} could not be read. {exc}") from exc
        if draft_import.status != DraftImportStatus.DONE:
            raise CommandError(f"Importing the demo draft failed: {draft_import.error}")
        self._say(f"Imported {DRAFT_PATH.name} into {DEMO_SLUG}.")

    def _print_sign_in(self) -> None:
        lines = [
            "",
            "Demo ready. Sign in at " + SIGN_IN_URL,
            *(f"  {username:<12} {role.label.lower()} of '{DEMO_SLUG}'" for username, _, _, role in DEMO_PEOPLE),
            f"  {ADMIN[0]:<12} staff superuser for the Django admin ({SIGN_IN_URL}admin/), not a member",
            f"Password for every demo account: {DEMO_PASSWORD}",
            "'secretariat' and 'admin' set up two-factor authentication (an authenticator app) at their first"
            " sign-in; the others may, from their profile.",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)
