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
