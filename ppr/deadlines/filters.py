"""Filtering deadlines: the user's own list and the PPR leader's overview."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict

from ppr.organisation.models import District

from .calendar import today
from .forms import ppr_staff
from .models import OUTSTANDING_STATES, Deadline, DeadlineKind, DeadlineState

ACTIVE = "aktive"
STATE_CHOICES = [(ACTIVE, "Aktive (åbne og overskredne)"), *DeadlineState.choices]


class DeadlineFilter(django_filters.FilterSet):
    """Kind and state; an empty state means the active deadlines (what people look for)."""

    type = django_filters.ChoiceFilter(
        field_name="kind", label="Type", choices=DeadlineKind.choices, empty_label="Alle typer"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATE_CHOICES, empty_label=None, method="filter_state"
    )

    class Meta:
        model = Deadline
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        values: QueryDict | dict[str, Any] = data.copy() if data is not None else {}
        values.setdefault("status", ACTIVE)
        super().__init__(values, *args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def filter_state(
        self, queryset: QuerySet[Deadline], name: str, value: str
    ) -> QuerySet[Deadline]:
        if value == ACTIVE:
            return queryset.filter(state__in=OUTSTANDING_STATES)
        if value == DeadlineState.OVERDUE:
            # Includes the ones the sweep has not marked yet.
            return queryset.filter(
                Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due__lt=today())
            )
        if value == DeadlineState.OPEN:
            return queryset.filter(state=DeadlineState.OPEN, due__gte=today())
        return queryset.filter(state=value)


class AllDeadlinesFilter(DeadlineFilter):
    """The PPR leader's overview: also by person and district."""

    ansvarlig = django_filters.ModelChoiceFilter(
        field_name="responsible",
        label="Ansvarlig",
        queryset=lambda request: ppr_staff(),  # type: ignore[arg-type]  # a callable of the request: the stubs know only a QuerySet
        empty_label="Alle",
        null_label="Ingen ansvarlig",
    )
    distrikt = django_filters.ModelChoiceFilter(
        field_name="district",
        label="Distrikt",
        queryset=District.objects.all(),
        empty_label="Alle distrikter",
    )
