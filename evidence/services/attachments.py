"""Files attached to a submission: checked, stored under generated names, and removed when a save is refused.

The checks themselves (size, type by content) are in ``evidence.attachments``;
the rules every write to a submission follows (author only, not withdrawn,
before the deadline, a new version once submitted) are those of
``evidence.services.submissions``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from evidence.attachments import EXTENSIONS, check_upload
from evidence.models import Attachment, Submission
from evidence.services.submissions import (
    _lock,
    _record_version,
    _refuse_withdrawn,
    _require_author,
    _save,
    refuse_unless_accepting,
)


def attachments_size(submission: Submission) -> int:
    return submission.attachments.aggregate(total=Sum("size"))["total"] or 0


def attachment_files_delete(attachments: Iterable[Attachment]) -> None:
    """Remove the stored files of ``attachments`` whose rows a refused save rolled back, so nothing of it stays."""
    storage = Attachment._meta.get_field("file").storage
    for attachment in attachments:
        storage.delete(attachment.file.name)


def attachment_add(
    *, submission: Submission, user: AbstractBaseUser, file: IO[bytes], record_version: bool = True
) -> Attachment:
    """Check ``file`` and attach it under a generated name; refused files store nothing.

    Raises ``AttachmentRefused`` (``AttachmentTooLarge`` 413, ``AttachmentTypeRefused``
    415) with the reason. Attaching to a submitted submission records a new
    version unless ``record_version`` is False (the caller records one after
    more changes).
    """
    stored_name = ""
    storage = Attachment._meta.get_field("file").storage
    try:
        with transaction.atomic():
            locked = _lock(submission)
            _require_author(locked, user)
            _refuse_withdrawn(locked)
            refuse_unless_accepting(locked.consultation, user)
            checked = check_upload(file, already=attachments_size(locked))
            generated = f"{locked.consultation_id}/{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}"
            file.seek(0)
            stored_name = storage.save(generated, File(file, name=generated))
            attachment = Attachment.objects.create(
                submission=locked,
                file=stored_name,
                name=checked.name,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                uploaded_by=user,
            )
            fields = []
            if record_version and locked.submitted_at is not None:
                _record_version(locked, user, timezone.now())
                fields.append("current_version")
            _save(locked, *fields)
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return attachment
