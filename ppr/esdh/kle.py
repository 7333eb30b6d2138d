"""KLE classification: an emnenummer (``17.13.00``) and a handlingsfacet (``G01``).

The format is KLE's: three two-digit groups for the subject (hovedgruppe.gruppe.emne) and a
letter with two digits for the action facet. Which numbers a municipality's PPR uses is its
own choice; the default comes from ``PPR_ESDH_DEFAULT_KLE`` / ``PPR_ESDH_DEFAULT_FACET``.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator

KLE_PATTERN = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
FACET_PATTERN = re.compile(r"^[A-Z]\d{2}$")

validate_kle = RegexValidator(
    KLE_PATTERN,
    "Skriv KLE-emnenummeret som tre tocifrede tal adskilt af punktum, fx 17.13.00.",
    code="invalid_kle",
)
validate_facet = RegexValidator(
    FACET_PATTERN,
    "Skriv handlingsfacetten som et stort bogstav og to cifre, fx G01.",
    code="invalid_facet",
)


def default_number() -> str:
    return str(settings.PPR_ESDH_DEFAULT_KLE)


def default_facet() -> str:
    return str(settings.PPR_ESDH_DEFAULT_FACET)
