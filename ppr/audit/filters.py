"""Searching the audit log: by user, child, action and period."""

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from ppr.filters import PeriodDateFilter
from ppr.forms import date_input
from ppr.options import OptionsForm, cached_options

from .models import AuditAction, AuditEvent


class IdFilter(django_filters.NumberFilter):
    """A whole-number id (django-filter's NumberFilter would accept 3.5)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # the stubs pin NumberFilter to DecimalField


class AuditEventFilter(django_filters.FilterSet):
    """The PPR leader's search form; the parameter names are the Danish labels users see in URLs."""

    bruger = django_filters.ModelChoiceFilter(
        field_name="actor",
        label="Bruger",
        queryset=get_user_model().objects.order_by("first_name", "last_name", "email"),
        empty_label="Alle brugere",
    )
    barn = IdFilter(
        field_name="child_id",
        label="Barnets id",
        min_value=1,
        # child_id is a bigint: a larger number would fail in the database, not in the form.
        max_value=2**63 - 1,
        widget=forms.NumberInput(attrs={"class": "form-input", "inputmode": "numeric"}),
    )
    handling = django_filters.ChoiceFilter(
        field_name="action",
        label="Handling",
        choices=AuditAction.choices,
        empty_label="Alle handlinger",
    )
    fra = PeriodDateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label="Fra dato",
        widget=date_input(),
    )
    til = PeriodDateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label="Til dato",
        widget=date_input(),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = OptionsForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("bruger", "handling"):
            self.form.fields[name].widget.attrs.setdefault("class", "form-select")
        cached_options(self.form, {"bruger": "users"})

    def clean_period(self) -> None:
        """Called by the view after validation: a period that ends before it starts is an error."""
        data = self.form.cleaned_data
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            self.form.add_error("til", "Til-datoen skal være samme dag som eller efter fra-datoen.")

    def describe(self) -> str:
        """The search as one line for the audit row ("bruger=12 barn=5 handling=view …")."""
        parts = []
        for name in ("bruger", "barn", "handling", "fra", "til"):
            value = self.form.data.get(name, "")
            if value:
                parts.append(f"{name}={value}")
        return " ".join(parts) or "(alle)"
