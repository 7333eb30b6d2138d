"""Filtering the applications by status."""

from typing import Any

import django_filters

from .models import ApplicationStatus


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ApplicationStatus.choices,
        empty_label="Alle",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["status"].widget.attrs["class"] = "form-select"

    def describe(self) -> str:
        """The filter as the audit log's search term."""
        if not self.is_bound or not self.is_valid():
            return "ansøgninger"
        status = self.form.cleaned_data.get("status")
        return f"ansøgninger status={status}" if status else "ansøgninger"
