"""Background work of the evidence app. Tasks take ids, call a service and stay thin; every email is sent once."""

from celery import shared_task
from django.db import OperationalError

from evidence import notifications


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_status_change(self, submission_id: int, version: int) -> bool:
    """Email the author the triage status and response of their submission as of ``version``."""
    return notifications.send_status_change(submission_id=submission_id, version=version)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_deadline_reminders(self) -> int:
    """Run by Celery beat: remind experts without a submission that the deadline is near."""
    return notifications.send_deadline_reminders()


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_secretariat_digests(self) -> int:
    """Run by Celery beat once a day: the secretariat's digest of new input and status changes."""
    return notifications.send_secretariat_digests()


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_submission_receipt(self, version_id: int) -> bool:
    """Email the author the receipt (time and SHA-256) of a submitted version; sent once per version."""
    from evidence.receipts import send_submission_receipt as send

    return send(version_id=version_id)


@shared_task(bind=True, acks_late=True, max_retries=3)
def run_export(self, export_id: int) -> str:
    """Write an export's file. A transient database error retries it (the file is started again from scratch);
    once the retries are spent, the export is marked failed. The service is idempotent: a finished export is
    left alone."""
    from evidence.services.exports import export_fail, export_run

    try:
        return export_run(export_id=export_id).status
    except OperationalError as error:
        if self.request.retries >= self.max_retries:
            export_fail(export_id=export_id, error="the database could not be reached; please try again.")
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def expire_exports(self) -> int:
    """Run by Celery beat every hour: delete the files of exports past their expiry time."""
    from evidence.services.exports import exports_expire

    return exports_expire()
