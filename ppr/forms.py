"""Form fields shared by the apps."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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
