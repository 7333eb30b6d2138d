"""Filtering the case list: status, district, institution, case worker, colour, age, waiting time."""

from datetime import date, timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, CaseStatus, RulerColour
from ppr.filters import PeriodDateFilter
from ppr.forms import date_input
from ppr.options import OptionsForm, cached_options
from ppr.organisation.models import District, Institution

from .forms import caseworkers

#: Age bands (years, inclusive) as the PPR leader talks about them: småbørn, børnehave, skole …
AGE_BANDS = {
    "0-2": (0, 2),
    "3-5": (3, 5),
    "6-9": (6, 9),
    "10-13": (10, 13),
    "14-18": (14, 18),
}
AGE_CHOICES = [(key, f"{low}–{high} år") for key, (low, high) in AGE_BANDS.items()]
WAITING_CHOICES = [
    ("30", "Over 30 dage"),
    ("60", "Over 60 dage"),
    ("90", "Over 90 dage"),
    ("180", "Over et halvt år"),
]


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class CaseFilter(django_filters.FilterSet):
    """The case list's filters; parameter names are the Danish words users see in the URL."""

    status = django_filters.ChoiceFilter(
        field_name="status",
        label="Status",
        choices=CaseStatus.choices,
        empty_label="Alle",
    )
    distrikt = django_filters.ModelChoiceFilter(
        field_name="child__institution__district",
        label="Distrikt",
        queryset=District.objects.order_by("name"),
        empty_label="Alle distrikter",
    )
    institution = django_filters.ModelChoiceFilter(
        field_name="child__institution",
        label="Institution",
        queryset=Institution.objects.order_by("name"),
        empty_label="Alle institutioner",
    )
    sagsbehandler = django_filters.ModelChoiceFilter(
        field_name="assigned",
        label="Sagsbehandler",
        queryset=caseworkers(),
        empty_label="Alle",
        null_label="Ikke tildelt",
    )
    farve = django_filters.ChoiceFilter(
        field_name="latest_colour",
        label="Børnelineal",
        choices=RulerColour.choices,
        empty_label="Alle farver",
        null_label="Ingen vurdering",
        null_value="ingen",
        method="filter_colour",
    )
    alder = django_filters.ChoiceFilter(
        label="Alder",
        choices=AGE_CHOICES,
        empty_label="Alle aldre",
        method="filter_age",
    )
    ventetid = django_filters.ChoiceFilter(
        label="Åben i",
        choices=WAITING_CHOICES,
        empty_label="Uanset",
        method="filter_waiting",
    )
    fra = PeriodDateFilter(
        field_name="opened_at", lookup_expr="date__gte", label="Oprettet fra", widget=date_input()
    )
    til = PeriodDateFilter(
        field_name="opened_at", lookup_expr="date__lte", label="Oprettet til", widget=date_input()
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = OptionsForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "status",
            "distrikt",
            "institution",
            "sagsbehandler",
            "farve",
            "alder",
            "ventetid",
        ):
            self.form.fields[name].widget.attrs.setdefault("class", "form-select")
        cached_options(
            self.form,
            {
                "distrikt": "districts",
                "institution": "institutions",
                "sagsbehandler": "caseworkers",
            },
        )

    def filter_colour(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == "ingen":
            return queryset.filter(latest_colour="")
        return queryset.filter(latest_colour=value)

    def filter_age(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        low, high = AGE_BANDS[value]
        today = timezone.localdate()
        # Aged low..high today: born after the day one turned high+1, on or before turning low.
        return queryset.filter(
            child__birth_date__gt=years_before(today, high + 1),
            child__birth_date__lte=years_before(today, low),
        )

    def filter_waiting(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(opened_at__lte=timezone.now() - timedelta(days=int(value)))

    def describe(self) -> str:
        """The filters as one line for the audit row ("status=aaben farve=roed")."""
        parts = [
            f"{name}={self.form.data.get(name)}"
            for name in self.filters
            if self.form.data.get(name)
        ]
        return " ".join(parts)
