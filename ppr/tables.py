"""Paging and sorting of the project's django-tables2 tables, and the rows' links.

The tables render through django-tables2's own template (``includes/table.html`` extends
``django_tables2/table.html``: DKFDS markup in its header and pagination blocks, the library's
own rows). Views sort and page a table with ``paginate(request, table)``: the page size is the
view's, and a queryset that joins its related rows is paged by a deferred join
(``FixedSizePaginator``).
"""

import functools
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRows
from django_tables2.tables import Table


def pk_url(name: str, pk: Any) -> str:
    """``reverse(name, args=[pk])`` for a row's link, where the URL's one argument is an
    ``<id:pk>``. Reversed once per URL name: Django reverses every link anew and checks it
    against its pattern (≈ 30 µs; a page of the case list has 50 such links)."""
    before, after = _around_pk(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{before}{int(pk)}{after}"


@functools.cache
def _around_pk(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    marker = "2147483647"
    before, after = reverse(name, args=[int(marker)], urlconf=urlconf).split(marker)
    return before, after


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
        return self._get_page(BoundRows(page_rows, rows.table, rows.pinned_data), number, self)


def _joins_related_rows(queryset: Any) -> bool:
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
