"""The filters of the Tidlig opsporing overview; the parameter names are the Danish words."""

from typing import Any, cast

import django_filters
from django.db.models import QuerySet

from cases.models import EarlyObservation, ObservationFinding, ObservationKind
from ppr.filters import PeriodDateFilter
from ppr.forms import date_input
from ppr.organisation.models import Institution

#: The overview's default: the observations that call for something (seed 004 §3.1: "rette
#: indsats til rette tid").
WITH_CONCERN = "med-bekymring"
FINDING_CHOICES = [
    (WITH_CONCERN, "Opmærksomhed eller bekymring"),
    *ObservationFinding.choices,
]


class ObservationFilter(django_filters.FilterSet):
    institution = django_filters.ModelChoiceFilter(
        field_name="institution",
        label="Institution",
        queryset=Institution.objects.none(),
        empty_label="Alle institutioner",
    )
    type = django_filters.ChoiceFilter(
        field_name="kind",
        label="Type",
        choices=ObservationKind.choices,
        empty_label="Alle typer",
    )
    resultat = django_filters.ChoiceFilter(
        label="Resultat",
        choices=FINDING_CHOICES,
        empty_label="Alle resultater",
        method="filter_finding",
    )
    fra = PeriodDateFilter(
        field_name="observed_on", lookup_expr="gte", label="Fra dato", widget=date_input()
    )
    til = PeriodDateFilter(
        field_name="observed_on", lookup_expr="lte", label="Til dato", widget=date_input()
    )

    class Meta:
        model = EarlyObservation
        fields: list[str] = []

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions is not None:
            institution = cast(django_filters.ModelChoiceFilter, self.filters["institution"])
            institution.queryset = institutions
        for name in ("institution", "type", "resultat"):
            self.form.fields[name].widget.attrs.setdefault("class", "form-select")

    def filter_finding(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == WITH_CONCERN:
            return queryset.exclude(finding=ObservationFinding.NONE)
        if value:
            return queryset.filter(finding=value)
        return queryset
