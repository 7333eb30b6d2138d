"""The project's table body ({% table_body %}, ppr/tables.py) renders what django-tables2 would."""

from datetime import UTC, date, datetime

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.urls import get_script_prefix, reverse, set_script_prefix

from cases.models import Case
from ppr.tables import paginate, pk_url, table_body
from tests.cases.case_fixtures import make_case

TEMPLATE = Template("{% load ppr_tables %}{% table_body table %}")


class ChildTable(tables.Table):
    name = tables.Column(verbose_name="Navn", attrs={"td": {"class": "ppr-name"}})
    colour = tables.Column(
        verbose_name="Farve",
        attrs={"td": {"data-colour": lambda record: record["colour"]}},
    )
    age = tables.Column(verbose_name="Alder", default="–")

    def render_age(self, value: int) -> str:
        return f"{value} år"


def body(table: tables.Table) -> str:
    tables.RequestConfig(RequestFactory().get("/")).configure(table)
    return TEMPLATE.render(Context({"table": table}))


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
    assert "<td>7 år</td>" in html  # render_age, with the signature remembered per method
    assert "<td>–</td>" in html  # the column default for an empty value
    assert html.count('class="ppr-name"') == 2  # static attributes, computed once per column


def test_attributes_that_depend_on_the_record_are_computed_per_row() -> None:
    html = body(
        ChildTable(
            [{"name": "Ida", "colour": "roed", "age": 7}, {"name": "Bo", "colour": "gul", "age": 9}]
        )
    )
    assert 'data-colour="roed"' in html and 'data-colour="gul"' in html


def test_rows_alternate_even_and_odd_like_django_tables2() -> None:
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


def test_the_table_body_shows_django_tables2s_date_columns_in_local_danish_time() -> None:
    records = [
        # 22:30 UTC on 30 June is 1 July in Copenhagen: the date is the local one.
        {"day": date(2026, 2, 3), "at": datetime(2026, 6, 30, 22, 30, tzinfo=UTC)},
        {"day": None, "at": None},
    ]
    table = Dates(records)
    tables.RequestConfig(RequestFactory().get("/")).configure(table)
    body = table_body(table)
    assert "<td>03.02.2026</td><td>01.07.2026 00:30</td>" in body
    assert "<td>–</td><td>–</td>" in body
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


#: The header and page links as includes/table.html rendered them with template tags, before
#: ppr.tables.table_head and table_pagination: the reference the Python versions must match.
TEMPLATE_HEAD_AND_PAGES = Template(
    """{% load django_tables2 %}
<thead {{ table.attrs.thead.as_html }}><tr>
{% for column in table.columns %}
  <th scope="col" {{ column.attrs.th.as_html }}{% if column.orderable and column.is_ordered %} aria-sort="{% if column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}"{% endif %}>
  {% if column.orderable %}
    {% querystring_replace table.prefixed_order_by_field=column.order_by_alias.next as=sort_query %}
    <a href="{{ sort_query }}" hx-get="{{ sort_query }}" hx-target="closest [data-table-region]" hx-swap="outerHTML" hx-push-url="true">{{ column.header }}<span class="sr-only"> – sortér</span></a>
  {% else %}{{ column.header }}{% endif %}
  </th>
{% endfor %}
</tr></thead>
{% if table.page and table.paginator.num_pages > 1 %}
<nav class="pagination" aria-label="Sider"><ul class="pagination__items">
  {% if table.page.has_previous %}
    <li class="pagination-item">
    {% querystring_replace table.prefixed_page_field=table.page.previous_page_number as=page_query %}
    <a class="pagination-nav-link" href="{{ page_query }}" hx-get="{{ page_query }}" hx-target="closest [data-table-region]" hx-swap="outerHTML" hx-push-url="true">Forrige<span class="sr-only"> side</span></a>
    </li>
  {% endif %}
  {% for p in table.page|table_page_range:table.paginator %}
    <li class="pagination-item">
    {% if p == "..." %}<span class="pagination-overflow">…</span>
    {% elif p == table.page.number %}<span class="pagination-number" aria-current="page"><span class="sr-only">Side </span>{{ p }}</span>
    {% else %}
      {% querystring_replace table.prefixed_page_field=p as=page_query %}
      <a class="pagination-number" href="{{ page_query }}" hx-get="{{ page_query }}" hx-target="closest [data-table-region]" hx-swap="outerHTML" hx-push-url="true"><span class="sr-only">Side </span>{{ p }}</a>
    {% endif %}
    </li>
  {% endfor %}
  {% if table.page.has_next %}
    <li class="pagination-item">
    {% querystring_replace table.prefixed_page_field=table.page.next_page_number as=page_query %}
    <a class="pagination-nav-link" href="{{ page_query }}" hx-get="{{ page_query }}" hx-target="closest [data-table-region]" hx-swap="outerHTML" hx-push-url="true">Næste<span class="sr-only"> side</span></a>
    </li>
  {% endif %}
</ul></nav>
{% endif %}"""
)
PYTHON_HEAD_AND_PAGES = Template(
    "{% load ppr_tables %}{% table_head table %}{% table_pagination table %}"
)


class Sortable(tables.Table):
    name = tables.Column(verbose_name="Navn & efternavn")
    colour = tables.Column(verbose_name="Farve", orderable=False)
    age = tables.Column(verbose_name="Alder", attrs={"th": {"class": "ppr-number"}})


@pytest.mark.parametrize(
    "query",
    [
        {"page": "1"},
        {"page": "6", "sort": "-age", "q": "Åse & Bo", "farve": ["gul", "roed"]},
        {"page": "12", "sort": "name"},
        {"sort": "age"},
    ],
)
def test_header_and_page_links_are_what_the_template_tags_rendered(query) -> None:
    request = RequestFactory().get("/sager/", query)
    rows = [{"name": f"Barn {n}", "colour": "gul", "age": n % 17} for n in range(60)]
    table = Sortable(rows)
    paginate(request, table, per_page=5)
    context = Context({"table": table, "request": request})
    ours = parse_html(PYTHON_HEAD_AND_PAGES.render(context))
    theirs = parse_html(TEMPLATE_HEAD_AND_PAGES.render(context))
    assert ours == theirs


def test_a_table_of_one_page_has_no_page_links() -> None:
    request = RequestFactory().get("/")
    table = Sortable([{"name": "Ida", "colour": "gul", "age": 7}])
    paginate(request, table)
    html = PYTHON_HEAD_AND_PAGES.render(Context({"table": table, "request": request}))
    assert "pagination" not in html and 'aria-sort="ascending"' not in html


@pytest.mark.parametrize("name", ["cases:case-detail", "cases:referral-detail"])
def test_row_links_are_the_reversed_urls(name) -> None:
    for pk in (1, 7, 2147483647, 90210):
        assert pk_url(name, pk) == reverse(name, args=[pk])


def test_row_links_follow_the_script_prefix() -> None:
    """Behind a path prefix (SCRIPT_NAME) the links carry it, as reverse() gives them."""
    before = get_script_prefix()
    try:
        set_script_prefix("/ppr/")
        assert pk_url("cases:case-detail", 5) == reverse("cases:case-detail", args=[5])
        assert pk_url("cases:case-detail", 5).startswith("/ppr/")
    finally:
        set_script_prefix(before)
    assert pk_url("cases:case-detail", 5) == "/sager/5/"
