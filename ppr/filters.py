"""Filters shared by the apps' filter sets."""

import django_filters

from ppr.forms import PeriodDateField


class PeriodDateFilter(django_filters.DateFilter):
    """django-filter's date filter, refusing a date outside a plausible period in Danish."""

    field_class = PeriodDateField
