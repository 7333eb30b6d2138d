"""The two registries of the life cycle: record types with their clocks and deleters, and holds.

A record type says what starts its clock and finds the records whose clock has run out
(``due``); it deletes a batch of them (``delete``). A hold looks at candidates and returns
those it stops, with the hold's key. Adding either is one decorated function in any module
imported at start-up (an app's ``ready()``); the list, the review page and the deletion read
only these registries.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Candidate:
    """A record whose clock has run out: what it is, whose child it concerns, its dates."""

    record_type: str
    object_id: int
    clock_started: date
    due_on: date
    child_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.record_type, self.object_id)


#: Further records a deletion took with it, logged beside it: [(record type, id)], e.g. the child
#: whose last case went.
Extra = list[tuple[str, int]]


@dataclass(frozen=True)
class RecordType:
    """A kind of record with a retention rule."""

    key: str
    label: str
    clock: str  # what starts the clock, as the PPR leader reads it
    default_years: int
    min_years: int
    covers: str  # what goes with the record
    due: Callable[[int, date], Iterable[Candidate]]  # (years, today) -> candidates
    delete: Callable[[Sequence[int]], Extra]  # deletes records (and their files) by id
    order: int = 100


@dataclass(frozen=True)
class Hold:
    """Something that stops a record's clock while it lasts."""

    key: str
    label: str
    check: Callable[[Sequence[Candidate], date], set[tuple[str, int]]]


RECORD_TYPES: dict[str, RecordType] = {}
HOLDS: dict[str, Hold] = {}


def record_type(
    key: str,
    *,
    label: str,
    clock: str,
    default_years: int,
    min_years: int = 1,
    covers: str = "",
    order: int = 100,
) -> Callable[[Callable[[int, date], Iterable[Candidate]]], "_Pending"]:
    """Register a record type: decorate its ``due`` function, then its deleter with
    ``@<due>.deleter``."""

    def decorate(due: Callable[[int, date], Iterable[Candidate]]) -> "_Pending":
        return _Pending(
            key=key,
            label=label,
            clock=clock,
            default_years=default_years,
            min_years=min_years,
            covers=covers,
            order=order,
            due=due,
        )

    return decorate


@dataclass
class _Pending:
    key: str
    label: str
    clock: str
    default_years: int
    min_years: int
    covers: str
    order: int
    due: Callable[[int, date], Iterable[Candidate]]

    def deleter(self, delete: Callable[[Sequence[int]], Extra]) -> Callable[[Sequence[int]], Extra]:
        RECORD_TYPES[self.key] = RecordType(
            key=self.key,
            label=self.label,
            clock=self.clock,
            default_years=self.default_years,
            min_years=self.min_years,
            covers=self.covers,
            due=self.due,
            delete=delete,
            order=self.order,
        )
        return delete


def hold(
    key: str, *, label: str
) -> Callable[
    [Callable[[Sequence[Candidate], date], set[tuple[str, int]]]],
    Callable[[Sequence[Candidate], date], set[tuple[str, int]]],
]:
    """Register a hold: a function (candidates, today) -> the keys of those it holds."""

    def decorate(
        check: Callable[[Sequence[Candidate], date], set[tuple[str, int]]],
    ) -> Callable[[Sequence[Candidate], date], set[tuple[str, int]]]:
        HOLDS[key] = Hold(key=key, label=label, check=check)
        return check

    return decorate


def record_types() -> list[RecordType]:
    return sorted(RECORD_TYPES.values(), key=lambda t: (t.order, t.key))


def held(candidates: Sequence[Candidate], today: date) -> dict[tuple[str, int], list[str]]:
    """{candidate key: [hold keys]} for every candidate some hold stops."""
    found: dict[tuple[str, int], list[str]] = {}
    if not candidates:
        return found
    for hold_ in HOLDS.values():
        for key in hold_.check(candidates, today):
            found.setdefault(key, []).append(hold_.key)
    return found


def add_years(start: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March (never a day early)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def latest_start(today: date, years: int) -> date:
    """The latest clock start whose ``years`` have run out by ``today``."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return date(today.year - years, 2, 28)
