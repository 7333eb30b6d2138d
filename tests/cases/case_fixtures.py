"""Helpers for the case-side tests: a case for a child at the cast's school, with a real age."""

import itertools
from datetime import date

from cases.models import Case
from tests.cases.factories import CaseFactory, ChildFactory

_serial = itertools.count(1)


def cpr_born(born: date) -> str:
    """A fictitious CPR number for ``born``. The 7th digit 4 puts years 00–36 in the 2000s
    (a serial starting with 0–3 would make a child born in 2015 a 111-year-old from 1915)."""
    return f"{born:%d%m%y}4{next(_serial) % 1000:03d}"


def make_case(cast, **kwargs) -> Case:
    """A case; ``child__x`` keywords go to the child (default: 11 years old, at cast.school, Team Vest)."""
    child_kwargs = {key[7:]: kwargs.pop(key) for key in list(kwargs) if key.startswith("child__")}
    child_kwargs.setdefault("institution", cast.school)
    child_kwargs.setdefault("cpr", cpr_born(date(2015, 3, 14)))
    child = ChildFactory(**child_kwargs)
    kwargs.setdefault("team", cast.team_vest)
    return CaseFactory(child=child, **kwargs)
