"""A percentile aggregate that PostgreSQL computes itself and SQLite through a function we register.

Both interpolate linearly between the two nearest values (PostgreSQL's
``percentile_cont``), and both answer in seconds.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, FloatField


class Percentile(Aggregate):
    """``Percentile(duration_expression, fraction=0.9)``: the duration's percentile, in seconds."""

    function = "percentile_cont"
    output_field = FloatField()
    template = "percentile_cont(%(fraction)s) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction lies between 0 and 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite keeps durations (and datetime differences) as microseconds.
        clone = self.copy()
        clone.template = "percentile_cont(%(fraction)s, (%(expressions)s) / 1000000.0)"
        return clone.as_sql(compiler, connection, **extra_context)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


class _SqlitePercentile:
    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, fraction: float, value: float | None) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def sqlite_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, _SqlitePercentile)
