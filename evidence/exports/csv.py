"""The CSV export: a zip of UTF-8 CSV files, one per table, and a README.txt with the marking and the options.

Each CSV is written into the zip as it is read from the database, a chunk of
rows at a time (``ZipFile.open(name, "w")`` compresses as it goes), so the file
never sits whole in memory. The CSVs start with a byte order mark so that
spreadsheet programs read them as UTF-8.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from evidence.exports import ExportContext, Progress
from evidence.exports.tables import about_rows, tables

ROWS_PER_CHUNK = 1000
AS_IS = frozenset({str, int, float})
# Deflate's fastest level: text tables still shrink to about a quarter, at a fraction of the default level's cost.
COMPRESS_LEVEL = 1


def text(value) -> str:
    """A value as a CSV cell: ISO 8601 date-times, empty for none, "true"/"false" for flags."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_chunks(columns: Iterable[str], rows: Iterable[tuple], *, bom: bool = True) -> Iterator[bytes]:
    """UTF-8 CSV bytes of a header and its rows, ``ROWS_PER_CHUNK`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        # Text and numbers (most cells) go to the csv module as they are; only the rest is converted.
        writer.writerow([value if value.__class__ in AS_IS else text(value) for value in row])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def readme(context: ExportContext, chosen) -> str:
    lines = [context.consultation.marking, "", f"Tables exported from {context.consultation}", ""]
    lines += [f"{label}: {value}" for label, value in about_rows(context, chosen)]
    lines += ["", "Files (UTF-8 CSV, comma-separated, first row the column names, date-times in ISO 8601):"]
    lines += [f"  {table.key}.csv — {table.title}" for table in chosen]
    lines += ["", context.consultation.marking, ""]
    return "\n".join(lines)


def write(context: ExportContext, out: BinaryIO, progress: Progress) -> None:
    """Write the zip to ``out``: README.txt, then one CSV per table."""
    chosen = tables(context)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        archive.writestr("README.txt", readme(context, chosen).encode("utf-8"))
        for index, table in enumerate(chosen):
            progress(5 + 90 * index // len(chosen), f"Writing {table.key}.csv")
            with archive.open(f"{table.key}.csv", "w", force_zip64=True) as member:
                for chunk in csv_chunks(table.columns, table.rows()):
                    member.write(chunk)
    progress(100, "Done")
