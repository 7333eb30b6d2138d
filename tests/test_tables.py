"""The project's django-tables2 template (includes/table.html, extending django-tables2's own
table.html) and the paging in ppr/tables.py."""

import re
from datetime import UTC, date, datetime
from typing import Any

import django_tables2 as tables
import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse

from cases.models import Case
from ppr.tables import TABLES2_CHECKED, TABLES2_INSTALLED, paginate
from tests.cases.case_fixtures import make_case


class ChildTable(tables.Table):
    name = tables.Column(verbose_name="Navn", attrs={"td": {"class": "ppr-name"}})
    colour = tables.Column(
        verbose_name="Farve",
        attrs={"td": {"data-colour": lambda record: record["colour"]}},
    )
    age = tables.Column(verbose_name="Alder", default="–")

    def render_age(self, value: int) -> str:
        return f"{value} år"


def table_html(table: tables.Table, request: Any) -> str:
    """What ``{% render_table %}`` renders, without the site's context processors."""
    template = get_template(settings.DJANGO_TABLES2_TEMPLATE)
    return template.render({"table": table, "request": request})


def render(table: tables.Table, request: Any = None) -> str:
    """The whole table as the project's template renders it."""
    request = request or RequestFactory().get("/")
    tables.RequestConfig(request).configure(table)
    return table_html(table, request)


def body(table: tables.Table) -> str:
    """The rows of the table (django-tables2's own ``table.tbody`` block), without whitespace
    between the tags."""
    html = render(table)
    rows = html[html.index("<tbody") : html.index("</tbody>")]
    rows = rows[rows.index(">") + 1 :]
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", rows)).strip()


def test_django_tables2_is_the_version_the_table_body_was_checked_against() -> None:
    """{% table_body %} (ppr.tables.ColumnCells) reads django-tables2 internals that may change
    in any release: an upgrade fails here until ColumnCells is checked against the new
    BoundRow._get_and_render_with and TABLES2_CHECKED is moved (bench/NOTES.md, issue 20)."""
    assert TABLES2_INSTALLED == TABLES2_CHECKED


def test_cells_come_from_render_methods_and_defaults_and_are_escaped() -> None:
    html = body(
        ChildTable(
            [
                {"name": "<b>Ida</b>", "colour": "roed", "age": 7},
                {"name": "Bo", "colour": "gul", "age": None},
            ]
        )
    )
    assert "&lt;b&gt;Ida&lt;/b&gt;" in html and "<b>" not in html
    assert "<td>7 år</td>" in html  # render_age
    assert "<td>–</td>" in html  # the column default for an empty value
    assert html.count('class="ppr-name"') == 2


def test_attributes_that_depend_on_the_record_are_computed_per_row() -> None:
    html = body(
        ChildTable(
            [{"name": "Ida", "colour": "roed", "age": 7}, {"name": "Bo", "colour": "gul", "age": 9}]
        )
    )
    assert 'data-colour="roed"' in html and 'data-colour="gul"' in html


def test_rows_alternate_even_and_odd() -> None:
    html = body(ChildTable([{"name": n, "colour": "", "age": 1} for n in ("A", "B", "C")]))
    assert html.count('class="even"') == 2 and html.count('class="odd"') == 1


def test_an_empty_table_shows_its_empty_text_across_all_columns() -> None:
    html = body(ChildTable([], empty_text="Ingen børn."))
    assert html == '<tr><td colspan="3">Ingen børn.</td></tr>'


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", ["-1", "0", "100000", "x"])
def test_the_page_size_is_the_views_not_the_addresss(cast, client_as, per_page) -> None:
    for _ in range(26):
        make_case(cast)
    response = client_as(cast.ppr_leader).get(
        reverse("cases:case-list"), {"visning": "alle", "per_page": per_page}
    )
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 25


class Dates(tables.Table):
    """django-tables2's own date columns, with the project's Danish formats."""

    day = tables.DateColumn(format="d.m.Y", default="–")
    at = tables.DateTimeColumn(default="–")


def test_the_table_shows_django_tables2s_date_columns_in_local_danish_time() -> None:
    records = [
        # 22:30 UTC on 30 June is 1 July in Copenhagen: the date is the local one.
        {"day": date(2026, 2, 3), "at": datetime(2026, 6, 30, 22, 30, tzinfo=UTC)},
        {"day": None, "at": None},
    ]
    table = Dates(records)
    rows = body(table)
    assert "<td>03.02.2026</td><td>01.07.2026 00:30</td>" in rows
    assert "<td>–</td><td>–</td>" in rows
    # Exports get django-tables2's ISO text (a report's table gives its dates: reports/tables.py).
    assert list(table.as_values())[1] == ["2026-02-03", "2026-06-30 22:30:00+00:00"]


class CaseRows(tables.Table):
    child = tables.Column(accessor="child__name", order_by=("child_sort_name", "pk"))
    institution = tables.Column(accessor="child__institution__name")


@pytest.mark.django_db
def test_a_joined_queryset_is_paged_by_its_ids_first_in_one_query(
    cast, django_assert_num_queries
) -> None:
    """The deferred join gives every page the rows plain slicing gives, in the table's order,
    each page read with its related rows in one query (the count is a query of its own)."""
    for n in range(7):
        make_case(cast, child__first_name=f"Barn{n % 3}", child__last_name=f"Efternavn{n % 2}")
    joined = Case.objects.select_related("child__institution").order_by("child_sort_name", "pk")
    expected = list(joined.values_list("pk", flat=True))
    seen = []
    for number in (1, 2, 3):
        table = CaseRows(joined)
        request = RequestFactory().get("/", {"page": number, "sort": "child"})
        paginate(request, table, per_page=3)
        table.paginator.count  # noqa: B018 – counted before the rows are read
        with django_assert_num_queries(1) as captured:
            rows = [(row.record.pk, row.get_cell("institution")) for row in table.paginated_rows]
        assert "IN (SELECT" in captured.captured_queries[0]["sql"].replace('"', "").upper()
        assert all(institution == cast.school.name for _, institution in rows)
        seen += [pk for pk, _ in rows]
    assert seen == expected  # 3 + 3 + 1 rows, nothing lost or repeated


@pytest.mark.django_db
def test_a_queryset_without_joins_is_sliced_as_django_slices_it(cast) -> None:
    for _ in range(4):
        make_case(cast)
    table = CaseRows(Case.objects.order_by("pk"))
    paginate(RequestFactory().get("/", {"page": 2}), table, per_page=3)
    assert table.page.object_list.data.query.is_sliced
    assert [row.record.pk for row in table.paginated_rows] == list(
        Case.objects.order_by("pk").values_list("pk", flat=True)
    )[3:]


class Sortable(tables.Table):
    name = tables.Column(verbose_name="Navn & efternavn")
    colour = tables.Column(verbose_name="Farve", orderable=False)
    age = tables.Column(verbose_name="Alder", attrs={"th": {"class": "ppr-number"}})


def sortable(query: dict[str, Any]) -> str:
    request = RequestFactory().get("/sager/", query)
    table = Sortable([{"name": f"Barn {n}", "colour": "gul", "age": n % 17} for n in range(60)])
    paginate(request, table, per_page=5)
    return table_html(table, request)


def test_sortable_headers_are_htmx_links_and_the_sorted_one_says_so() -> None:
    html = sortable({"sort": "-age", "q": "Åse & Bo"})
    assert 'aria-sort="descending"' in html and html.count("aria-sort") == 1
    assert 'href="?sort=age&amp;q=%C3%85se+%26+Bo"' in html  # the next sort, the query kept
    assert 'hx-target="closest [data-table-region]"' in html and 'hx-push-url="true"' in html
    assert 'Navn &amp; efternavn<span class="sr-only"> – sortér</span></a>' in html
    assert 'class="desc orderable ppr-number" aria-sort="descending">' in html
    assert "Farve<span" not in html


def test_page_links_are_dkfds_pagination_that_keeps_the_query() -> None:
    html = sortable({"page": "6", "sort": "name", "farve": ["gul", "roed"]})
    assert '<nav class="pagination" aria-label="Sider">' in html
    assert 'aria-current="page"><span class="sr-only">Side </span>6</span>' in html
    assert 'href="?page=5&amp;sort=name&amp;farve=gul&amp;farve=roed"' in html
    assert "Forrige<span" in html and "Næste<span" in html
    assert '<span class="pagination-overflow">…</span>' in html
    first, last = sortable({"page": "1"}), sortable({"page": "12"})
    assert "Forrige<span" not in first and "Næste<span" in first
    assert "Næste<span" not in last and "Forrige<span" in last


def test_a_table_of_one_page_has_no_page_links() -> None:
    request = RequestFactory().get("/")
    table = Sortable([{"name": "Ida", "colour": "gul", "age": 7}])
    paginate(request, table)
    html = table_html(table, request)
    assert "pagination" not in html and 'aria-sort="ascending"' not in html
