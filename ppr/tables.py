"""The tables of the project: django-tables2's own template, its rows rendered per column.

The tables render through django-tables2's template (``includes/table.html`` extends
``django_tables2/table.html``: DKFDS markup in its header and pagination blocks). Only the
rows of the body come from ``{% table_body table %}``: django-tables2 renders each cell through
the template engine, rebuilds the cell attributes per cell, resolves the accessor's model field
per cell and inspects the signature of the column's ``render_*`` method per cell; measured at
100,040 children that tripled the CPU time of every list page (bench/NOTES.md, "Issue 20").

``ColumnCells`` follows django-tables2's own rules (``BoundRow.get_cell``) and reads some of its
internals (``BoundColumn._table``, ``current_value``/``current_record``, ``utils.signature``,
``Accessor``), so it is pinned to the django-tables2 version it was checked against:
tests/test_tables.py fails on any other version (``TABLES2_CHECKED``), and the demo crawl compares
every cell with ``BoundRow.get_cell`` (tests/security/test_crawler.py). The upstream issue this
waits for is written out in bench/NOTES.md.

- what is the same in every row is worked out once per column (``ColumnCells``), and the ``<td>``
  and ``<tr>`` attributes once per table unless they are callables of the record;
- the rows of a report (dicts keyed by the accessors) are read by key, as ``Accessor.resolve``
  reads them first;
- the signature of each ``render_*`` method is inspected once per process, not once per cell.

Views sort and page a table with ``paginate(request, table)``: the page size is the view's, and
a queryset that joins its related rows is paged by a deferred join (``FixedSizePaginator``).
"""

from typing import Any, TypeGuard

import django_tables2
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import RequestConfig, utils
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.base import BoundColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.tables import Table
from django_tables2.utils import Accessor, AttributeDict

#: The django-tables2 version ``ColumnCells`` was checked against (cell for cell, by the demo
#: crawl). tests/test_tables.py fails when the installed version differs: check the internals
#: named above against the new version's ``BoundRow._get_and_render_with`` before changing it.
TABLES2_CHECKED = "3.0.1"
TABLES2_INSTALLED = django_tables2.__version__

register = template.Library()

_signature = utils.signature
_signatures: dict[Any, tuple[tuple[str, ...], str | None]] = {}


def _remembered_signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    """``django_tables2.utils.signature``, inspected once per function (bound methods share it)."""
    key = getattr(fn, "__func__", fn)
    if key not in _signatures:
        _signatures[key] = _signature(fn)
    return _signatures[key]


def _depends_on_record(attrs: Any) -> bool:
    return isinstance(attrs, dict) and any(
        callable(value) or _depends_on_record(value) for value in attrs.values()
    )


def _start_tag(column: BoundColumn) -> str:
    attrs = column.attrs["td"].as_html()
    return f"<td {attrs}>" if attrs else "<td>"


def _walk(current: Any, bits: tuple[str, ...] | list[str]) -> Any:
    """``Accessor.resolve`` along ``bits`` from a model instance: an attribute lookup (a model has
    no ``[key]``), callables called unless they alter data, ``None`` ends the path; a value that
    is not a model is looked up further by django-tables2's own ``Accessor``."""
    for index, bit in enumerate(bits):
        if not isinstance(current, models.Model):
            return Accessor(Accessor.SEPARATOR.join(bits[index:])).resolve(current)
        current = getattr(current, bit)
        if callable(current):
            if getattr(current, "alters_data", False):
                raise ValueError(f"{bit}() alters data")
            if not getattr(current, "do_not_call_in_templates", False):
                current = current()
        if current is None:
            break
    return current


class ColumnCells:
    """The cells of one column: ``BoundRow.get_cell`` of django-tables2, with everything that is
    the same in every row worked out once – the accessor, whether its last part is a field with
    choices (then ``get_FOO_display()`` gives the value), the render method and the arguments it
    takes, the default, and the ``<td>`` start tag unless the attributes depend on the record."""

    def __init__(self, column: BoundColumn) -> None:
        self.column = column
        self.accessor = Accessor(column.accessor)
        path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path = Accessor(path).bits
        self.empty_values = column.column.empty_values
        self.default = column.default
        self.render = column.render
        names, takes_any = _remembered_signature(column.render)
        self.arguments = None if takes_any else names  # None: all of them
        self.link = column.link
        self.table = column._table
        # Link and many-to-many columns have rules of their own: django-tables2 renders those.
        self.general = isinstance(column.column, BaseLinkColumn | ManyToManyColumn)
        table_attrs = self.table.attrs
        sources = (
            column.column.attrs.get("td"),
            column.column.attrs.get("cell"),
            table_attrs.get("td"),
            table_attrs.get("cell"),
        )
        self.start_tag = (
            None if any(_depends_on_record(attrs) for attrs in sources) else _start_tag(column)
        )
        self._shows_choice_label: dict[tuple[type, type], bool] = {}

    def _choice_label(self, record: Any, penultimate: models.Model) -> Any:
        """``get_FOO_display()`` where the accessor ends in a field with choices, else None."""
        key = (type(record), type(penultimate))
        if key not in self._shows_choice_label:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            display = getattr(penultimate, f"get_{self.remainder}_display", None)
            self._shows_choice_label[key] = bool(getattr(field, "choices", ()) and display)
        if self._shows_choice_label[key]:
            return getattr(penultimate, f"get_{self.remainder}_display")
        return None

    def value(self, record: Any) -> Any:
        """``Accessor.resolve``; a failed lookup is an empty cell, as in django-tables2."""
        try:
            penultimate = _walk(record, self.path)
        except Exception:
            return None
        if isinstance(penultimate, models.Model):
            display = self._choice_label(record, penultimate)
            if display is not None:
                return display()
        if penultimate is None and self.path:
            return None  # a relation along the way is empty
        try:
            return _walk(penultimate, (self.remainder,))
        except Exception:
            return None

    def cell(self, row: BoundRow) -> Any:
        record = row.record
        if self.general:
            return row.get_cell(self.column.name)
        if isinstance(record, models.Model):
            value = self.value(record)
        elif type(record) is dict and self.accessor in record:
            value = record[self.accessor]  # a report's row: Accessor.resolve's own short cut
        else:
            return row.get_cell(self.column.name)  # other rows keep the general way
        if value in self.empty_values:
            return self.default
        arguments = {
            "value": value,
            "record": record,
            "column": self.column.column,
            "bound_column": self.column,
            "bound_row": row,
            "table": self.table,
        }
        if self.arguments is None:
            content = self.render(**arguments)
        elif all(name in arguments for name in self.arguments):
            content = self.render(**{name: arguments[name] for name in self.arguments})
        else:
            content = None  # as call_with_appropriate: a render method wanting more is not called
        return self.link(content, **arguments) if self.link else content

    def td(self, row: BoundRow) -> str:
        content = self.cell(row)
        start_tag = self.start_tag
        if start_tag is None:  # attributes computed from this row's record and value
            self.column.current_value, self.column.current_record = content, row.record
            start_tag = _start_tag(self.column)
        return f"{start_tag}{conditional_escape(content)}</td>"


def _row_start_tags(table: Table) -> tuple[str, str] | None:
    """The ``<tr>`` start tags of odd and even rows when no row attribute depends on the record."""
    if _depends_on_record(table.row_attrs):
        return None
    tags = []
    for parity in ("even", "odd"):
        attrs = dict(table.row_attrs)
        attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
        tags.append(f"<tr {AttributeDict(attrs).as_html()}>")
    return tags[0], tags[1]


@register.simple_tag
def table_body(table: Table) -> SafeString:
    """The ``<tr>`` rows of the table's current page, or one row with its empty text."""
    columns = [ColumnCells(column) for column in table.columns]
    row_tags = _row_start_tags(table)
    rows = []
    for row in table.paginated_rows:
        start = row_tags[row.row_counter % 2] if row_tags else f"<tr {row.attrs.as_html()}>"
        rows.append(f"{start}{''.join(column.td(row) for column in columns)}</tr>")
    if not rows:
        empty = table.empty_text or "Ingen rækker."
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), empty)
    return mark_safe("".join(rows))  # every cell is escaped above, attributes by as_html()


class FixedSizePaginator(Paginator):
    """Pages of the size the view chose. django-tables2 passes ``?per_page=`` from the address on
    to the paginator: −1 was a 500, and 100000 would render every row of the municipality.

    A queryset that joins its related rows (``select_related``) is paged by a deferred join: the
    page's ids are sorted and cut from its own table, where an index can serve the sort, and only
    those rows are read with their related rows – in one query, instead of joining every row
    before the cut (deep pages) or fetching the related rows in a query each (``prefetch``)."""

    def __init__(self, object_list: Any, per_page: int, *args: Any, page_size: int, **kwargs: Any):
        super().__init__(object_list, page_size, *args, **kwargs)

    def page(self, number: Any) -> Any:
        rows = self.object_list  # the table's BoundRows, over its TableQuerysetData
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if not isinstance(rows, BoundRows) or not _joins_related_rows(queryset):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page
            top = self.count
        ids = queryset.values("pk")[bottom:top]
        page_rows = queryset.filter(pk__in=ids)
        return self._get_page(BoundRows(page_rows, rows.table, rows.pinned_data), number, self)  # type: ignore[attr-defined]  # Paginator's hook for subclasses, not in the stubs


def _joins_related_rows(queryset: Any) -> TypeGuard[QuerySet[Any]]:
    """A plain queryset with ``select_related``: not sliced, combined, grouped or distinct."""
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    plain = not (query.is_sliced or query.combinator or query.group_by or query.distinct)
    return plain and bool(query.select_related)


def keep_known_sort(request: HttpRequest, table: Table) -> None:
    """Pass on only the table's own column names as its sort: django-tables2 reads any other
    value (e.g. ``?sort=.`` from a crafted address) as an accessor path and warns that it will
    stop accepting it (found by tests/security/test_fuzz_endpoints.py)."""
    field = table.prefixed_order_by_field
    wanted = request.GET.getlist(field)
    names = set(table.columns.names())
    known = [value for value in wanted if value.removeprefix("-") in names]
    if known != wanted:
        query = request.GET.copy()
        query.setlist(field, known)
        request.GET = query  # type: ignore[assignment]  # the stubs say request.GET is immutable


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
