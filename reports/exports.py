"""CSV and XLSX exports of a report table (tablib), safe to open in a spreadsheet.

Reports hold aggregates and staff names, never a child's CPR number or name. A cell that a
spreadsheet would read as a formula is prefixed with an apostrophe (CSV/formula injection).
CSV is semicolon-separated with a BOM, decimal commas and dates as 06.12.2026, as Danish Excel
expects; XLSX keeps numbers as numbers and dates as dates, shown as 06.12.2026.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import tablib
from django.http import HttpResponse
from django.utils.formats import date_format
from openpyxl import load_workbook

from .formatting import smart

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Excel's number format for a date as Danish Excel shows it.
XLSX_DATE = "dd.mm.yyyy"

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal | float):
        return smart(value, 2).replace(".", "")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return safe_cell("" if value is None else value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell(value)


def dataset(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str, fmt: str
) -> tablib.Dataset:
    convert = _csv_cell if fmt == "csv" else _xlsx_cell
    data = tablib.Dataset(headers=[str(h) for h in headers], title=title[:31])
    for row in rows:
        data.append([convert(cell) for cell in row])
    return data


def table_rows(table: Any) -> tuple[list[str], list[list[Any]]]:
    """Header and raw values of every row of a django-tables2 table (not only the page)."""
    values = list(table.as_values())
    return [str(h) for h in values[0]], [list(row) for row in values[1:]]


def _danish_dates(xlsx: bytes) -> bytes:
    """The workbook with its date cells shown as dd.mm.yyyy (openpyxl writes yyyy-mm-dd)."""
    workbook = load_workbook(io.BytesIO(xlsx))
    dates = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row if cell.is_date]
    if not dates:
        return xlsx
    for cell in dates:
        cell.number_format = XLSX_DATE
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def response(data: tablib.Dataset, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        # Excel opens a semicolon-separated file with a BOM as UTF-8 with Danish letters intact.
        content: str | bytes = "\ufeff" + data.export("csv", delimiter=";")
    else:
        content = _danish_dates(data.export("xlsx"))
    result = HttpResponse(content, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    result["X-Content-Type-Options"] = "nosniff"
    result["Cache-Control"] = "no-store, private"
    return result
