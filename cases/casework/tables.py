"""The case list as a django-tables2 table."""

import django_tables2 as tables
from django.db.models import Case as CaseExpr
from django.db.models import IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.html import format_html

from cases.colours import colour_badge
from cases.models import Case, RulerColour

#: Sort order of the Børnelineal colours: by seriousness, not alphabetically.
COLOUR_RANK = CaseExpr(
    When(latest_colour=RulerColour.ROED, then=Value(3)),
    When(latest_colour=RulerColour.GUL, then=Value(2)),
    When(latest_colour=RulerColour.GROEN, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def with_colour_rank(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.annotate(colour_rank=COLOUR_RANK)


class CaseTable(tables.Table):
    """PPR's cases: the child, where it is, who has the case, how serious, how long it has been open."""

    reference = tables.Column(verbose_name="Sag", accessor="pk", order_by=("opened_at", "pk"))
    child = tables.Column(
        verbose_name="Barn",
        accessor="child__name",
        order_by=("child_sort_name", "pk"),  # indexed: deep pages stay fast
    )
    age = tables.Column(
        verbose_name="Alder", accessor="child__age", order_by=("-child__birth_date",)
    )
    institution = tables.Column(
        verbose_name="Institution",
        accessor="child__institution__name",
        order_by=("child__institution__name",),
    )
    district = tables.Column(
        verbose_name="Distrikt",
        accessor="child__institution__district__name",
        order_by=("child__institution__district__name",),
    )
    status = tables.Column(verbose_name="Status")
    assigned = tables.Column(
        verbose_name="Sagsbehandler",
        default="Ikke tildelt",
        order_by=("assigned__first_name", "assigned__last_name"),
    )
    team = tables.Column(verbose_name="Team", default="–", order_by=("team__name",))
    colour = tables.Column(
        verbose_name="Børnelineal", accessor="latest_colour", order_by=("colour_rank",)
    )
    opened_at = tables.DateColumn(verbose_name="Oprettet", format="d.m.Y")
    open_days = tables.Column(
        verbose_name="Åben i", accessor="opened_at", order_by=("-opened_at",), empty_values=()
    )

    class Meta:
        model = Case
        fields = (
            "reference",
            "child",
            "age",
            "institution",
            "district",
            "status",
            "assigned",
            "team",
            "colour",
            "opened_at",
            "open_days",
        )
        order_by = ("-opened_at",)
        empty_text = "Ingen sager matcher."
        attrs = {"id": "case-table"}
        orderable = True

    def render_reference(self, record: Case) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.reference)

    def render_child(self, record: Case) -> str:
        child = record.child
        group = f" ({child.group})" if child.group else ""
        return format_html(
            '<a href="{}">{}</a>{}',
            record.get_absolute_url(),
            child.name,
            group,
        )

    def render_age(self, value: int) -> str:
        return f"{value} år"

    def render_status(self, record: Case) -> str:
        return record.get_status_display()

    def render_colour(self, record: Case) -> str:
        return colour_badge(record.latest_colour, empty="Ingen vurdering")

    def render_open_days(self, record: Case) -> str:
        end = record.closed_at or timezone.now()
        days = (end - record.opened_at).days
        return f"{days} dag{'' if days == 1 else 'e'}"
