"""Filtering referrals: PPR's intake queue and the institutions' own list."""

from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cases.models import WAITING_STATUSES, ReferralRequest, ReferralStatus, RulerColour
from ppr.options import OptionsForm, cached_options
from ppr.organisation.models import District, Institution

SELECT = {"class": "form-select"}

#: Age bands PPR talks about: småbørn, børnehave, indskoling, mellemtrin, udskoling.
AGE_BANDS = {
    "0-2": (0, 2, "0–2 år"),
    "3-5": (3, 5, "3–5 år"),
    "6-9": (6, 9, "6–9 år"),
    "10-12": (10, 12, "10–12 år"),
    "13-18": (13, 18, "13–18 år"),
}
WAITING = {"7": 7, "14": 14, "30": 30, "60": 60}


def birth_dates_for_age(low: int, high: int, today: date) -> tuple[date, date]:
    """The birth dates of children aged ``low``..``high`` (inclusive) on ``today``."""

    def years_before(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    return years_before(high + 1) + timedelta(days=1), years_before(low)


def _requests_contain(queryset: QuerySet, value: str) -> QuerySet:
    # The JSON list as text, e.g. ["ppv", "test"]: portable across SQLite and PostgreSQL.
    return queryset.annotate(requests_text=Cast("requests", TextField())).filter(
        requests_text__contains=f'"{value}"'
    )


class ReferralQueueFilter(django_filters.FilterSet):
    """PPR's intake queue: submitted and received referrals waiting for visitation."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(s.value, s.label) for s in WAITING_STATUSES],
        empty_label="Indsendt og modtaget",
    )
    distrikt = django_filters.ModelChoiceFilter(
        field_name="institution__district",
        label="Distrikt",
        queryset=District.objects.order_by("name"),
        empty_label="Alle distrikter",
    )
    institution = django_filters.ModelChoiceFilter(
        field_name="institution",
        label="Institution",
        queryset=Institution.objects.order_by("name"),
        empty_label="Alle institutioner",
    )
    alder = django_filters.ChoiceFilter(
        label="Alder",
        choices=[(key, label) for key, (_, _, label) in AGE_BANDS.items()],
        empty_label="Alle aldre",
        method="filter_age",
    )
    farve = django_filters.ChoiceFilter(
        field_name="ruler_colour",
        label="Børnelineal",
        choices=RulerColour.choices,
        empty_label="Alle farver",
    )
    oensker = django_filters.ChoiceFilter(
        label="Ønsker af PPR",
        choices=ReferralRequest.choices,
        empty_label="Alle ønsker",
        method="filter_request",
    )
    ventetid = django_filters.ChoiceFilter(
        label="Ventetid",
        choices=[(key, f"Mere end {days} dage") for key, days in WAITING.items()],
        empty_label="Alle",
        method="filter_waiting",
    )

    class Meta:
        fields: list[str] = []
        form = OptionsForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        cached_options(self.form, {"distrikt": "districts", "institution": "institutions"})

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        low, high, _ = AGE_BANDS[value]
        first, last = birth_dates_for_age(low, high, timezone.localdate())
        return queryset.filter(child__birth_date__range=(first, last))

    def filter_request(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _requests_contain(queryset, value)

    def filter_waiting(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=WAITING[value]))

    def describe(self) -> str:
        """The criteria as one line for the audit row."""
        parts = [
            f"{name}={value}" for name in self.filters if (value := (self.data or {}).get(name))
        ]
        return " ".join(parts) or "(alle)"


class ReferralListFilter(django_filters.FilterSet):
    """The institutions' (and PPR's) list of referrals, by status."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ReferralStatus.choices,
        empty_label="Alle statusser",
    )
    aktive = django_filters.BooleanFilter(
        label="Kun igangværende",
        method="filter_active",
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["status"].widget.attrs.setdefault("class", "form-select")

    def filter_active(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(~Q(status=ReferralStatus.CLOSED))

    def describe(self) -> str:
        parts = [
            f"{name}={value}" for name in self.filters if (value := (self.data or {}).get(name))
        ]
        return " ".join(parts) or "(alle)"
