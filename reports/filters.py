"""The filter every operational report shares: period, district and institution.

Each report says which field is its date and how a row reaches its district and institution
(``Report.period_field``, ``district_path``, ``institution_path``); the filter applies them.
An institution leader is offered only their own institutions and their districts.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from ppr.filters import PeriodDateFilter
from ppr.forms import Form, date_input, model_choice_field
from ppr.organisation.models import District, Institution

from .models import Measurement
from .scope import Scope


class ReportFilterForm(Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("fra"), data.get("til")
        if start and end and start > end:
            self.add_error("til", "Til-datoen skal være samme dag som eller efter fra-datoen.")
        return data


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Copenhagen, as an aware datetime (index-friendly)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class ReportFilter(django_filters.FilterSet):
    fra = PeriodDateFilter(
        label="Fra dato",
        method="filter_from",
        widget=date_input(),
    )
    til = PeriodDateFilter(
        label="Til dato",
        method="filter_to",
        widget=date_input(),
    )
    distrikt = django_filters.ModelChoiceFilter(
        label="Distrikt",
        queryset=District.objects.all(),
        method="filter_district",
        empty_label="Alle distrikter",
    )
    institution = django_filters.ModelChoiceFilter(
        label="Institution",
        queryset=Institution.objects.all(),
        method="filter_institution",
        empty_label="Alle institutioner",
    )

    class Meta:
        form = ReportFilterForm

    def __init__(self, data: Any, queryset: QuerySet[Any], *, report: Any, scope: Scope) -> None:
        super().__init__(data, queryset=queryset)
        self.report = report
        self.scope = scope
        fields = self.form.fields
        if not scope.whole_municipality:
            model_choice_field(self.form, "institution").queryset = Institution.objects.filter(
                pk__in=scope.institution_ids
            )
            model_choice_field(self.form, "distrikt").queryset = District.objects.filter(
                institutions__in=scope.institution_ids
            ).distinct()
        for name, noun in (("distrikt", "et distrikt"), ("institution", "en institution")):
            fields[name].widget.attrs["class"] = "form-select"
            fields[name].error_messages["invalid_choice"] = f"Vælg {noun} fra listen."

    # The period ------------------------------------------------------------------------

    def filter_from(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        field = self.report.period_field
        if not field:
            return queryset
        if self.report.period_is_datetime:
            return queryset.filter(**{f"{field}__gte": day_start(value)})
        return queryset.filter(**{f"{field}__gte": value})

    def filter_to(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        field = self.report.period_field
        if not field:
            return queryset
        if self.report.period_is_datetime:
            return queryset.filter(**{f"{field}__lt": day_start(value + timedelta(days=1))})
        return queryset.filter(**{f"{field}__lte": value})

    # The place -------------------------------------------------------------------------

    def filter_district(self, queryset: QuerySet[Any], name: str, value: District) -> QuerySet[Any]:
        return queryset.filter(self.report.district_condition([value.pk]))

    def filter_institution(
        self, queryset: QuerySet[Any], name: str, value: Institution
    ) -> QuerySet[Any]:
        return queryset.filter(self.report.institution_condition([value.pk]))

    @property
    def period(self) -> tuple[date | None, date | None]:
        if not self.is_bound or not self.is_valid():
            return None, None
        data = self.form.cleaned_data
        return data.get("fra"), data.get("til")

    def describe(self) -> str:
        """The filter as one line for the export's audit row."""
        parts = [
            f"{name}={self.form.data.get(name)}"
            for name in ("fra", "til", "distrikt", "institution")
            if self.form.data.get(name)
        ]
        return " ".join(parts) or "(alle)"


def path_condition(path: str, ids: list[int]) -> Q:
    return Q(**{f"{path}__in": ids})


class RetiredGoalFilter(django_filters.FilterSet):
    """Retired goals by name (the parameter is the Danish word users see in the URL)."""

    navn = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Navn")
    maaling = django_filters.ChoiceFilter(
        field_name="measurement", label="Måling", choices=Measurement.choices, empty_label="Alle"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["navn"].widget.attrs["class"] = "form-input"
        self.form.fields["maaling"].widget.attrs["class"] = "form-select"
