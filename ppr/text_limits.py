"""How long free text may be, in characters: one scale for every model and form.

A limit is enforced by the form (Django's Danish "højst %(limit_value)d tegn" at the field)
and by the model (``limited_text`` adds a ``MaxLengthValidator``: ``full_clean`` and every
ModelForm check it), so a 100,000-character paste is refused, never stored."""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

#: A line or two: who takes part, "evt.", a target group.
SHORT = 2_000
#: A note, a reason or a short description.
NOTE = 5_000
#: A section of a referral, a PPV or a meeting's notat.
SECTION = 20_000
#: A journal entry (and its earlier versions).
JOURNAL = 50_000


def limited_text(verbose_name: str | None = None, *, limit: int, **kwargs: Any) -> models.TextField:
    """A TextField that holds at most ``limit`` characters (its form field says so too)."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs
    )
