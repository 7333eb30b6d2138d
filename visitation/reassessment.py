"""How often a placement in a special offer is reassessed (issue 21): below both the services
that decide and the placements that open the review deadlines."""

from datetime import date

from django.conf import settings

from ppr.deadlines import calendar


def review_months() -> int:
    """A placement is reassessed at least this often (PPR_VISITATION_REVIEW_MONTHS)."""
    return int(settings.PPR_VISITATION_REVIEW_MONTHS)


def review_deadline(starts_on: date) -> date:
    """The latest review of a placement: ``review_months()`` after it starts."""
    return calendar.add_months(starts_on, review_months())
