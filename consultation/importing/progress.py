"""An import's progress, recorded where other connections (the page's progress bar) see it while it runs."""

from __future__ import annotations

from django.db import connection

from consultation.models import DraftImport


class ImportProgress:
    """Records an import's progress where other connections see it while the import is still running.

    The data is written in one transaction, so a progress update on the same
    connection would stay invisible until the end; a second connection commits
    each step at once. When the caller already holds a transaction (a shell, a
    test), nobody else could see the import anyway, and the main connection is
    used. The second connection only touches the progress column, which the
    main transaction never locks before its final update.
    """

    STEP = 5

    def __init__(self, draft_import_id: int):
        self.draft_import_id = draft_import_id
        self.shown = 0
        self.side = None if connection.in_atomic_block else connection.copy()

    def __call__(self, percent: float) -> None:
        percent = max(0, min(99, int(percent)))  # 100 is written with the data, when it is done
        if percent < self.shown + self.STEP:
            return
        self.shown = percent
        if self.side is None:
            DraftImport.objects.filter(pk=self.draft_import_id).update(progress=percent)
            return
        table = self.side.ops.quote_name(DraftImport._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [percent, self.draft_import_id])  # noqa: S608

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
