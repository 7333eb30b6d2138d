"""Detecting personal data where it must not be: text that looks like a CPR number.

Anonymous forums (the tværfaglige tirsdagsmøder, anonymous agenda items) and free-text fields
that end up in notifications refuse such text. The check is deliberately broad: anything shaped
like ``ddmmyy-xxxx`` or ``ddmmyyxxxx`` (also with a space or an en dash) with a plausible day and
month counts, whether or not the modulus-11 check holds: many real CPR numbers since 2007 fail it.
"""

import re

from django.core.exceptions import ValidationError

CPR_LIKE = re.compile(
    r"(?<!\d)"
    r"(?:0[1-9]|[12]\d|3[01])"  # day
    r"(?:0[1-9]|1[0-2])"  # month
    r"\d{2}"  # year
    r"[-–\s]?"
    r"\d{4}"
    r"(?!\d)"
)

CPR_LIKE_MESSAGE = (
    "Teksten indeholder noget, der ligner et CPR-nummer. Skriv aldrig CPR-numre her – "
    "drøftelsen skal være anonym."
)


def contains_cpr_like(text: str | None) -> bool:
    """True if ``text`` contains something shaped like a Danish CPR number."""
    return bool(text and CPR_LIKE.search(text))


def reject_cpr_like(text: str | None) -> None:
    """A form/model validator: refuse text that contains something shaped like a CPR number."""
    if contains_cpr_like(text):
        raise ValidationError(CPR_LIKE_MESSAGE, code="cpr_like")
