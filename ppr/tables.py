"""The body of every django-tables2 table, rendered fast enough for a 25-row page.

django-tables2 renders each cell through the template engine, rebuilds the cell attributes per
cell and inspects the signature of the column's ``render_*`` method per cell. For a case list
page (25 rows × 11 columns) that cost 40–60 ms of CPU – more than the whole admin changelist
(bench/NOTES.md). The project's table template (``includes/table.html``) therefore renders the
body with ``{% table_body table %}``:

- the cells are django-tables2's own (``BoundRow.items``), so ``render_*`` methods, accessors,
  defaults, choice labels and links behave exactly as documented;
- the ``<td>`` attributes are computed once per column, unless a column's attributes are
  callables of the record;
- the signature of each ``render_*`` method is inspected once per process, not once per cell.

Views sort and page a table with ``paginate(request, table)``: the page size is the view's.
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import RequestConfig, utils
from django_tables2.columns.base import BoundColumn
from django_tables2.tables import Table

register = template.Library()

_signature = utils.signature
_signatures: dict[Any, tuple[tuple[str, ...], str | None]] = {}


def _remembered_signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    """``django_tables2.utils.signature``, inspected once per function (bound methods share it)."""
    key = getattr(fn, "__func__", fn)
    if key not in _signatures:
        _signatures[key] = _signature(fn)
    return _signatures[key]


utils.signature = _remembered_signature  # call_with_appropriate looks the name up per call


def _depends_on_record(attrs: Any) -> bool:
    return isinstance(attrs, dict) and any(
        callable(value) or _depends_on_record(value) for value in attrs.values()
    )


def _static_cell_attrs(column: BoundColumn) -> str | None:
    """The ``<td …>`` start tag of a column if it is the same in every row, else None."""
    table_attrs = column._table.attrs
    sources = (
        column.column.attrs.get("td"),
        column.column.attrs.get("cell"),
        table_attrs.get("td"),
        table_attrs.get("cell"),
    )
    if any(_depends_on_record(attrs) for attrs in sources):
        return None
    return _start_tag(column)


def _start_tag(column: BoundColumn) -> str:
    attrs = column.attrs["td"].as_html()
    return f"<td {attrs}>" if attrs else "<td>"


def _cells(row: Any, start_tags: list[str | None]) -> Iterable[str]:
    for start_tag, (column, cell) in zip(start_tags, row.items(), strict=True):
        yield f"{start_tag or _start_tag(column)}{conditional_escape(cell)}</td>"


@register.simple_tag
def table_body(table: Table) -> SafeString:
    """The ``<tr>`` rows of the table's current page, or one row with its empty text."""
    columns = list(table.columns)
    start_tags = [_static_cell_attrs(column) for column in columns]
    rows = [
        f"<tr {row.attrs.as_html()}>{''.join(_cells(row, start_tags))}</tr>"
        for row in table.paginated_rows
    ]
    if not rows:
        empty = table.empty_text or "Ingen rækker."
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), empty)
    return mark_safe("".join(rows))  # every cell is escaped above, attributes by as_html()


class FixedSizePaginator(Paginator):
    """Pages of the size the view chose. django-tables2 passes ``?per_page=`` from the address on
    to the paginator: −1 was a 500, and 100000 would render every row of the municipality."""

    def __init__(self, object_list: Any, per_page: int, *args: Any, page_size: int, **kwargs: Any):
        super().__init__(object_list, page_size, *args, **kwargs)


def keep_known_sort(request: HttpRequest, table: Table) -> None:
    """Pass on only the table's own column names as its sort: django-tables2 reads any other
    value (e.g. ``?sort=.`` from a crafted address) as an accessor path and warns that it will
    stop accepting it (found by tests/security/test_fuzz_endpoints.py)."""
    field = table.prefixed_order_by_field
    wanted = request.GET.getlist(field)
    names = set(table.columns.names())
    known = [value for value in wanted if value.removeprefix("-") in names]
    if known != wanted:
        request.GET = request.GET.copy()
        request.GET.setlist(field, known)


def paginate(request: HttpRequest, table: Table, *, per_page: int = 25) -> None:
    """Sort the table as the request asks and show the requested page of ``per_page`` rows."""
    keep_known_sort(request, table)
    RequestConfig(
        request,
        paginate={
            "paginator_class": FixedSizePaginator,
            "per_page": per_page,
            "page_size": per_page,
        },
    ).configure(table)
