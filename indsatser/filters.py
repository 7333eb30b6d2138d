"""Filters for the course list and the school's list of absence cases."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from .models import (
    AbsenceCaseStatus,
    AbsenceProcedureStep,
    CourseKind,
    CourseStatus,
    PreventionLevel,
)


def _selects(filterset: django_filters.FilterSet) -> None:
    for field in filterset.form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-input"
        field.widget.attrs.setdefault("class", css)


class CourseFilter(django_filters.FilterSet):
    """The parameter names are the Danish words users see in the URL."""

    status = django_filters.ChoiceFilter(
        field_name="status", label="Status", choices=CourseStatus.choices, empty_label="Alle"
    )
    niveau = django_filters.ChoiceFilter(
        field_name="intervention__level",
        label="Forebyggelsesniveau",
        choices=PreventionLevel.choices,
        empty_label="Alle niveauer",
    )
    type = django_filters.ChoiceFilter(
        field_name="kind", label="Type", choices=CourseKind.choices, empty_label="Alle typer"
    )
    mine = django_filters.BooleanFilter(
        label="Kun forløb, jeg er ansvarlig for", method="filter_mine", widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _selects(self)
        self.form.fields["mine"].widget.attrs["class"] = "form-checkbox"

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value or self.user is None:
            return queryset
        return queryset.filter(responsible=self.user)


class AbsenceCaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        field_name="status", label="Status", choices=AbsenceCaseStatus.choices, empty_label="Alle"
    )
    trin = django_filters.ModelChoiceFilter(
        field_name="current_step",
        label="Nuværende trin",
        queryset=AbsenceProcedureStep.objects.order_by("order"),
        empty_label="Alle trin",
    )
    aar = django_filters.NumberFilter(field_name="year", label="År", min_value=2000, max_value=2100)
    kvartal = django_filters.ChoiceFilter(
        field_name="quarter",
        label="Kvartal",
        choices=[(q, f"{q}. kvartal") for q in (1, 2, 3, 4)],
        empty_label="Alle kvartaler",
    )
    overskredet = django_filters.BooleanFilter(
        label="Kun sager med overskredne trin", method="filter_overdue", widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _selects(self)
        self.form.fields["overskredet"].widget.attrs["class"] = "form-checkbox"

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(overdue_steps__gt=0) if value else queryset
