"""Background work of the consultation app. Tasks take ids, call a service and stay thin."""

from celery import shared_task
from django.db import OperationalError

from consultation.importing.services import draft_import_apply


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def apply_draft_import(self, draft_import_id: int) -> None:
    """Apply a confirmed draft import; retried when the database is briefly out of reach.

    The service is idempotent (an import already done returns at once), so a
    redelivered or retried task is harmless.
    """
    draft_import_apply(draft_import_id=draft_import_id)


@shared_task(bind=True, autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5, acks_late=True)
def send_invitation_email(self, invitation_id: int, token: str) -> bool:
    """Mail an invitation's link; retried when the mail server or the database is briefly out of reach.

    The token travels in the task because only its hash is stored. The service
    sends nothing for an invitation that was accepted, revoked, expired or
    replaced meanwhile, and a retry sends the same valid link again.
    """
    from consultation.services.members import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id, token=token)
