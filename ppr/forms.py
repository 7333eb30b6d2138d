"""Form fields shared by the apps."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

#: The range of the database's 64-bit primary keys.
SMALLEST_ID, LARGEST_ID = -(2**63), 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id outside the 64-bit range as an invalid choice.

    Django's ``pk__in`` lookup passes such an id to the database as it is, and SQLite answers
    with an OverflowError (a 500) instead of finding nothing (found by
    tests/security/test_fuzz_endpoints.py)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # Django's own check refuses it
            if not SMALLEST_ID <= number <= LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


#: The first day a search period may start on: the service's records begin after it.
EARLIEST_PERIOD_DAY = date(2000, 1, 1)
#: How many years ahead a period may end (planned meetings and deadlines lie ahead).
PERIOD_YEARS_AHEAD = 10


def period_bounds() -> tuple[date, date]:
    """The range a search period's dates must lie in."""
    return EARLIEST_PERIOD_DAY, date(timezone.localdate().year + PERIOD_YEARS_AHEAD, 12, 31)


class PeriodDateField(forms.DateField):
    """A date that bounds a search or report period, within ``period_bounds()``.

    A day like 9999-12-31 is a valid date, but a period's end is turned into the next
    midnight for the query, which overflows Python's dates (a 500); no record is that far
    off, so the form answers in Danish instead."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = period_bounds()
        if not first <= value <= last:
            raise ValidationError(
                "Vælg en dato mellem %(first)s og %(last)s.",
                code="out_of_range",
                params={"first": date_format(first), "last": date_format(last)},
            )
