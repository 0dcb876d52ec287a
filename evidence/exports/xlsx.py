"""The XLSX export: one sheet per table, frozen header row, filters, the marking and watermark on every sheet.

Written with XlsxWriter in ``constant_memory`` mode: each row is flushed to a
temporary file as soon as the next one starts, so a sheet of 100,000
submissions costs about as much memory as one of 10. That mode needs rows
written in order, which the tables' row generators give.
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

import xlsxwriter
from django.utils import timezone

from evidence.exports import ExportContext, Progress
from evidence.exports.tables import about_rows, tables

MAX_CELL = 32767  # Excel's limit of characters in one cell
WIDE = {"rationale", "body", "response", "reason", "note", "prompt", "resolution", "title", "authors"}


def _header_text(text: str) -> str:
    """A header/footer text for Excel: "&" starts a control code, so it is doubled."""
    return text.replace("&", "&&")


def cell_value(value):
    """A value as the sheet shows it: local naive date-times, text cut to Excel's cell limit."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str) and len(value) > MAX_CELL:
        return value[: MAX_CELL - 1] + "…"
    return value


def write(context: ExportContext, out: BinaryIO, progress: Progress) -> None:
    """Write the workbook to ``out``: an "About" sheet, then one sheet per table."""
    chosen = tables(context)
    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "in_memory": False, "remove_timezone": True, "strings_to_urls": False}
    )
    workbook.set_properties(
        {
            "title": f"{context.consultation} — export",
            "subject": context.consultation.marking,
            "comments": context.watermark,
        }
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#E8E8E8", "bottom": 1})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    marking = _header_text(context.consultation.marking)
    watermark = _header_text(context.watermark)
    header = f"&C&B{marking}" + (f"&R{watermark}" if watermark else "")
    footer = f"&L{marking}&C&P / &N" + (f"&R{watermark}" if watermark else "")

    def prepare(sheet) -> None:
        sheet.set_header(header)
        sheet.set_footer(footer)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)

    about = workbook.add_worksheet("About")
    prepare(about)
    about.set_column(0, 0, 26)
    about.set_column(1, 1, 80)
    for row, (label, value) in enumerate(about_rows(context, chosen)):
        about.write_string(row, 0, label, bold)
        about.write_string(row, 1, value)

    for index, table in enumerate(chosen):
        progress(5 + 90 * index // len(chosen), f"Writing the sheet “{table.title}”")
        sheet = workbook.add_worksheet(table.title[:31])
        prepare(sheet)
        sheet.repeat_rows(0)
        for column, name in enumerate(table.columns):
            wide = any(word in name for word in WIDE)
            sheet.set_column(column, column, 50 if wide else 16, wrap if wide else None)
            sheet.write_string(0, column, name, bold)
        sheet.freeze_panes(1, 0)
        last = 0
        for last, values in enumerate(table.rows(), start=1):
            for column, value in enumerate(values):
                value = cell_value(value)
                if value is None:
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(last, column, value, when)
                elif isinstance(value, str):
                    sheet.write_string(last, column, value)
                else:
                    sheet.write(last, column, value)
        sheet.autofilter(0, 0, last, len(table.columns) - 1)
    progress(97, "Closing the workbook")
    workbook.close()
    progress(100, "Done")
