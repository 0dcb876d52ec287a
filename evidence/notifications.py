"""Composing and sending the evidence app's emails, each at most once.

Every email carries a unique key (``SentNotification.key``). The key is
inserted in the same transaction in which the mail is handed to the backend:
a second attempt with the same key (a retried or redelivered task, a beat
that fires twice) finds the row and sends nothing; two concurrent attempts
serialise on the unique index and the second one gives up. If the mail
backend fails, the row is rolled back so that a retry can send it.

The consultation's handling marking opens every subject line, as it opens
every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Window
from django.db.models.functions import Lag
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation, Membership, Role, Status
from evidence.linked_input import display_name as _display_name
from evidence.models import SentNotification, Submission, SubmissionStatus


def subject_line(consultation: Consultation, text: str) -> str:
    """``[MARKING] reference: text`` (no newlines: a header)."""
    where = consultation.reference or consultation.title
    return " ".join(f"[{consultation.marking}] {where}: {text}".split())


def absolute_url(path: str) -> str:
    """Links in emails need the site's address; ``SITE_URL`` gives it (default: the development server)."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def send_once(*, key: str, kind: str, recipient: str, subject: str, body: str) -> bool:
    """Send one plain-text email unless the one with ``key`` went out already. True when it was sent now."""
    if not recipient:
        return False
    try:
        with transaction.atomic():
            if SentNotification.objects.filter(key=key).exists():
                return False
            SentNotification.objects.create(key=key, kind=kind, recipient=recipient)
            send_mail(subject, body, None, [recipient])
    except IntegrityError:
        # Another worker claimed the same key at the same moment and sent it.
        return False
    return True


# Status change -----------------------------------------------------------------------------------------


def send_status_change(*, submission_id: int, version: int) -> bool:
    """Tell the author the triage status and the response of their submission (key: submission and version)."""
    submission = (
        Submission.objects.select_related("consultation", "author", "author__profile").filter(pk=submission_id).first()
    )
    if submission is None or submission.submitted_at is None:
        return False
    consultation = submission.consultation
    context = {
        "consultation": consultation,
        "submission": submission,
        "name": _display_name(submission.author),
        "url": absolute_url(reverse("evidence:detail", args=[consultation.slug, submission.pk])),
    }
    return send_once(
        key=f"status:{submission.pk}:{version}",
        kind="status_change",
        recipient=submission.author.email,
        subject=subject_line(
            consultation, f"your input “{submission}” is now {submission.get_status_display().lower()}"
        ),
        body=render_to_string("emails/status_change.txt", context),
    )


# Reminders ---------------------------------------------------------------------------------------------


def reminder_due(consultation: Consultation, deadline: datetime | None, now: datetime) -> bool:
    """Within ``reminder_days_before`` days before ``deadline`` (and not after it)."""
    if deadline is None or consultation.reminder_days_before == 0:
        return False
    return deadline - timedelta(days=consultation.reminder_days_before) <= now < deadline


def send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Remind the experts of open consultations who have not submitted anything that the deadline is near.

    An expert's deadline is the consultation's closing date, or the extension
    the secretariat granted them when it is later. One reminder per expert and
    deadline (the key names both), so running this every hour sends each once,
    and a moved deadline gets its own reminder. Returns the number sent.
    """
    now = now or timezone.now()
    sent = 0
    consultations = Consultation.objects.filter(status=Status.OPEN, closes_at__isnull=False, reminder_days_before__gt=0)
    for consultation in consultations:
        submitted = Submission.objects.filter(consultation=consultation, submitted_at__isnull=False).values("author")
        experts = (
            Membership.objects.filter(consultation=consultation, role=Role.EXPERT)
            .exclude(user__in=submitted)
            .select_related("user", "user__profile")
        )
        for membership in experts:
            deadline = max(filter(None, [consultation.closes_at, membership.deadline_extended_until]))
            if not reminder_due(consultation, deadline, now):
                continue
            context = {
                "consultation": consultation,
                "name": _display_name(membership.user),
                "deadline": deadline,
                "url": absolute_url(reverse("consultation:home", args=[consultation.slug])),
            }
            sent += send_once(
                key=f"reminder:{consultation.pk}:{membership.user_id}:{deadline.isoformat()}",
                kind="reminder",
                recipient=membership.user.email,
                subject=subject_line(consultation, f"input closes on {timezone.localtime(deadline):%d %B %Y %H:%M}"),
                body=render_to_string("emails/reminder.txt", context),
            )
    return sent


# Daily digest ------------------------------------------------------------------------------------------


@dataclass
class StatusChange:
    submission: Submission
    before: str
    after: str
    at: datetime

    @property
    def before_label(self) -> str:
        return SubmissionStatus(self.before).label

    @property
    def after_label(self) -> str:
        return SubmissionStatus(self.after).label


@dataclass
class Digest:
    consultation: Consultation
    since: datetime
    until: datetime
    new_submissions: list[Submission] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.new_submissions and not self.status_changes


def digest_for(consultation: Consultation, *, since: datetime, until: datetime) -> Digest:
    """What happened to the consultation's input in ``[since, until)``: new submissions and status changes.

    Status changes are read from the audit trail (every update of a submission
    is an event there), comparing each event's status with the one before it.
    """
    digest = Digest(consultation=consultation, since=since, until=until)
    digest.new_submissions = list(
        Submission.objects.filter(consultation=consultation, submitted_at__gte=since, submitted_at__lt=until)
        .select_related("author", "author__profile")
        .order_by("submitted_at", "pk")
    )
    for submission in digest.new_submissions:
        submission.author_name = _display_name(submission.author)
    event_model = apps.get_model("evidence", "SubmissionEvent")
    touched = event_model.objects.filter(
        pgh_obj__consultation=consultation, pgh_created_at__gte=since, pgh_created_at__lt=until
    ).values("pgh_obj_id")
    events = (
        event_model.objects.filter(pgh_obj_id__in=touched, pgh_created_at__lt=until)
        .annotate(previous=Window(Lag("status"), partition_by=[F("pgh_obj_id")], order_by=F("pgh_id").asc()))
        .order_by("pgh_id")
        .values("pgh_obj_id", "status", "previous", "pgh_created_at")
    )
    changes = [
        e for e in events if e["pgh_created_at"] >= since and e["previous"] is not None and e["previous"] != e["status"]
    ]
    by_id = Submission.objects.select_related("author", "author__profile").in_bulk({e["pgh_obj_id"] for e in changes})
    digest.status_changes = [
        StatusChange(submission=by_id[e["pgh_obj_id"]], before=e["previous"], after=e["status"], at=e["pgh_created_at"])
        for e in changes
        if e["pgh_obj_id"] in by_id
    ]
    return digest


def send_secretariat_digests(*, now: datetime | None = None) -> int:
    """Send each secretariat member a digest of the last day's input, unless nothing happened.

    One digest per member, consultation and day (the key names the day the
    digest ends on), so a second run on the same day sends nothing.
    """
    until = now or timezone.now()
    since = until - timedelta(days=1)
    sent = 0
    for consultation in Consultation.objects.exclude(status=Status.ARCHIVED):
        digest = digest_for(consultation, since=since, until=until)
        if digest.is_empty:
            continue
        members = Membership.objects.filter(consultation=consultation, role=Role.SECRETARIAT).select_related(
            "user", "user__profile"
        )
        for membership in members:
            context = {
                "digest": digest,
                "consultation": consultation,
                "name": _display_name(membership.user),
                "url": absolute_url(reverse("evidence:inbox", args=[consultation.slug])),
            }
            sent += send_once(
                key=f"digest:{consultation.pk}:{membership.user_id}:{timezone.localdate(until).isoformat()}",
                kind="digest",
                recipient=membership.user.email,
                subject=subject_line(
                    consultation,
                    f"{len(digest.new_submissions)} new submission(s), "
                    f"{len(digest.status_changes)} status change(s) since yesterday",
                ),
                body=render_to_string("emails/digest.txt", context),
            )
    return sent
