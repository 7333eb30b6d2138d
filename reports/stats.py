"""Waiting times in the database: days between two timestamps, and their percentiles.

PostgreSQL computes medians and 90th percentiles with ``percentile_cont`` in the grouping
query itself. SQLite (the laptop/demo database) has no ordered-set aggregates; there the values
are fetched once, already sorted by the database, and the same linear interpolation as
``percentile_cont`` is applied per group in Python. Large municipalities run on PostgreSQL.
"""

import math
from collections.abc import Sequence
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class DaysBetween(Func):
    """Days (with fractions) from ``start`` to ``end``; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: Any, start: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def _parts(self, compiler: Any) -> tuple[str, str, list[Any]]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, [*end_params, *start_params]

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]  # a whole expression of its own: no function/template
        end, start, params = self._parts(compiler)
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)", params

    def as_sqlite(  # type: ignore[override]  # params as a list, as Django's compiler gives them
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        end, start, params = self._parts(compiler)
        return f"(julianday({end}) - julianday({start}))", params


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile: ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``.

    NULLs are ignored, as by every aggregate, so the rows still waiting do not count.
    """

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """``percentile_cont`` on an already sorted list: linear interpolation between neighbours."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    low, high = sorted_values[lower], sorted_values[upper]
    return low + (high - low) * (position - lower)
