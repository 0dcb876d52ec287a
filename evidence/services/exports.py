"""Exports: requesting one, running it in the background, and letting finished files expire.

Who may export is checked by the callers (``evidence.rules``, the page and the API
alike); these services decide what an export holds. Observers always get experts
pseudonymised and no internal notes, whatever they ask for.

The file is written under a temporary name beside its final place and moved there
(``os.replace``, atomic on one file system) only once complete, so a task that dies
never leaves a half-written file behind; a retried task starts the file again from
scratch. Every finished export is recorded in the access trail (format, options,
SHA-256) and, being a tracked model, in the change history.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.text import slugify

from consultation.access import access_record
from consultation.models import AccessKind, Consultation, DraftVersion, Role
from consultation.rules import role_of
from evidence.exports import EXTENSIONS, WRITERS, ExportContext
from evidence.models import Export, ExportFormat, ExportStatus

logger = logging.getLogger(__name__)

UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def export_storage():
    return storages["exports"]


def expiry_hours() -> int:
    return int(getattr(settings, "EXPORT_EXPIRY_HOURS", 72))


def export_request(
    *,
    consultation: Consultation,
    user,
    format: str,
    version: DraftVersion | None = None,
    compare_to: DraftVersion | None = None,
    pseudonymise: bool = False,
    include_internal_notes: bool = False,
    watermark: bool = True,
) -> Export:
    """Record an export job and queue it once the transaction commits.

    ``version`` is the named version exported (None: the state at the time of the
    request); ``compare_to`` an earlier version whose changes are marked. Raises
    ValidationError by field for a format or versions that do not fit.
    """
    errors: dict[str, list[str]] = {}
    if format not in ExportFormat.values:
        errors["format"] = [f"Choose one of: {', '.join(ExportFormat.values)}."]
    for name, chosen in (("version", version), ("compare_to", compare_to)):
        if chosen is not None and chosen.consultation_id != consultation.pk:
            errors[name] = ["This consultation has no such version."]
    if not errors and compare_to is not None:
        if version is not None and compare_to.pk == version.pk:
            errors["compare_to"] = ["Choose a version other than the one exported."]
        elif compare_to.published_at >= (version.published_at if version else timezone.now()):
            errors["compare_to"] = ["Choose a version published before the one exported."]
    if errors:
        raise ValidationError(errors)
    if role_of(user, consultation) == Role.OBSERVER:
        # The secretariat's rule for observers: never named experts, never internal notes.
        pseudonymise, include_internal_notes = True, False
    options = {
        "pseudonymise": bool(pseudonymise),
        "include_internal_notes": bool(include_internal_notes),
        "watermark": bool(watermark),
        "compare_to": compare_to.label if compare_to else None,
        "compare_to_id": compare_to.pk if compare_to else None,
    }
    with transaction.atomic():
        export = Export.objects.create(
            consultation=consultation, requested_by=user, format=format, version=version, options=options
        )
        transaction.on_commit(lambda: _queue(export.pk))
    return export


def _queue(export_id: int) -> None:
    from evidence.tasks import run_export

    run_export.delay(export_id)


def export_context(export: Export) -> ExportContext:
    """What the writers get: the moment (the version's, else the time of the request) and the options."""
    options = export.options or {}
    compare_to = None
    if options.get("compare_to_id"):
        compare_to = DraftVersion.objects.filter(pk=options["compare_to_id"], consultation=export.consultation).first()
    made_at = timezone.now()
    watermark = ""
    if options.get("watermark", True):
        user = export.requested_by
        name = (user.get_full_name() or user.get_username()).strip()
        watermark = f"Prepared for {name}, {timezone.localtime(made_at):%Y-%m-%d %H:%M %Z}"
    return ExportContext(
        consultation=export.consultation,
        recipient=export.requested_by,
        as_of=export.version.published_at if export.version_id else export.created_at,
        version=export.version,
        compare_to=compare_to,
        pseudonymise=bool(options.get("pseudonymise")),
        include_internal_notes=bool(options.get("include_internal_notes")),
        watermark=watermark,
        made_at=made_at,
    )


def _writer(format: str):
    module_name = WRITERS[format]
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        label = ExportFormat(format).label
        raise ExportUnavailable(f"Exports as {label} are not available in this installation yet.") from None


class ExportUnavailable(Exception):
    """The format's writer is not installed."""


def _download_name(export: Export) -> str:
    consultation = export.consultation
    point = export.version.label if export.version_id else timezone.localtime(export.created_at).strftime("%Y-%m-%d")
    stem = slugify(f"{consultation.slug} summary {point}") or "export"
    return f"{stem}.{EXTENSIONS[export.format]}"


def _progress_recorder(export_id: int):
    last = {"percent": -1}

    def progress(percent: int, step: str) -> None:
        percent = max(0, min(99, int(percent)))  # 100 only once the file is in place
        if percent == last["percent"]:
            return
        last["percent"] = percent
        Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(progress=percent, step=step[:200])

    return progress


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_run(*, export_id: int) -> Export:
    """Write the export's file and mark it done; idempotent (a finished, failed or expired export is left alone).

    Transient database errors propagate (the task retries, starting the file again);
    any other error marks the export failed with a message. No partial file remains.
    """
    with transaction.atomic():
        export = Export.objects.select_for_update().select_related("consultation", "requested_by").get(pk=export_id)
        if export.status not in UNFINISHED:
            return export
        export.status = ExportStatus.RUNNING
        export.attempts += 1
        export.started_at = timezone.now()
        export.progress, export.step, export.error = 0, "Starting", ""
        export.save(update_fields=["status", "attempts", "started_at", "progress", "step", "error"])
    export = Export.objects.select_related("consultation", "requested_by", "version").get(pk=export_id)

    storage = export_storage()
    relative = f"{export.consultation.slug}/export-{export.pk}-{secrets.token_hex(8)}.{EXTENSIONS[export.format]}"
    final = Path(storage.path(relative))
    final.parent.mkdir(parents=True, exist_ok=True)
    # A worker killed while writing leaves its partial file; the redelivered task starts afresh without it.
    for stale in final.parent.glob(f".export-{export.pk}-*.part"):
        stale.unlink(missing_ok=True)
    temp = None
    try:
        writer = _writer(export.format)
        with tempfile.NamedTemporaryFile(
            dir=final.parent, prefix=f".export-{export.pk}-", suffix=".part", delete=False
        ) as handle:
            temp = Path(handle.name)
            writer.write(export_context(export), handle, _progress_recorder(export.pk))
            handle.flush()
            os.fsync(handle.fileno())
        sha256, size = _sha256(temp), temp.stat().st_size
        os.replace(temp, final)
    except OperationalError:
        _remove(temp)
        raise
    except Exception as error:
        _remove(temp)
        if not isinstance(error, ExportUnavailable):
            logger.exception("Export %s failed", export.pk)
        return export_fail(export_id=export.pk, error=str(error) or type(error).__name__)

    try:
        with transaction.atomic():
            now = timezone.now()
            updated = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
                status=ExportStatus.DONE,
                progress=100,
                step="Done",
                file_name=relative,
                download_name=_download_name(export),
                size=size,
                sha256=sha256,
                finished_at=now,
                expires_at=now + timedelta(hours=expiry_hours()),
            )
            if not updated:  # another delivery finished (or failed) it meanwhile: keep theirs, drop ours
                final.unlink(missing_ok=True)
                return Export.objects.get(pk=export.pk)
            export.refresh_from_db()
            access_record(
                kind=AccessKind.EXPORT,
                consultation=export.consultation,
                user=export.requested_by,
                what=f"{export.get_format_display()} export {export.download_name}"[:500],
                details={
                    "export": export.pk,
                    "format": export.format,
                    "version": export.version.label if export.version_id else None,
                    "options": export.options,
                    "sha256": sha256,
                    "size": size,
                },
            )
    except Exception:
        final.unlink(missing_ok=True)
        raise
    return export


def _remove(temp: Path | None) -> None:
    if temp is not None:
        temp.unlink(missing_ok=True)


def export_fail(*, export_id: int, error: str) -> Export:
    """Mark an unfinished export failed with a message the requester reads."""
    message = f"The export failed: {error}".strip()[:2000]
    Export.objects.filter(pk=export_id, status__in=UNFINISHED).update(
        status=ExportStatus.FAILED, error=message, step="Failed", finished_at=timezone.now()
    )
    return Export.objects.get(pk=export_id)


def export_file_path(export: Export) -> Path | None:
    """Where a finished export's file is on disk, or None when it is not there (expired, never made)."""
    if export.status != ExportStatus.DONE or not export.file_name:
        return None
    path = Path(export_storage().path(export.file_name))
    return path if path.is_file() else None


def exports_expire(*, now=None) -> int:
    """Delete the files of exports past their expiry time and mark them expired. Returns how many expired."""
    now = now or timezone.now()
    count = 0
    for export in Export.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).order_by("pk"):
        if export.file_name:
            export_storage().delete(export.file_name)
        Export.objects.filter(pk=export.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name="", step="Expired"
        )
        count += 1
    # Partial files of exports whose worker died and that were never run again.
    root = Path(export_storage().path(""))
    stale_before = (now - timedelta(hours=expiry_hours())).timestamp()
    for stale in root.glob("*/.export-*.part") if root.exists() else []:
        if stale.stat().st_mtime < stale_before:
            stale.unlink(missing_ok=True)
    return count
