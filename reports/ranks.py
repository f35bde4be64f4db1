"""Exact percentiles over values held as sorted runs, without merging or sorting the runs.

A quarter's time to acknowledge at a million tickets is ~70,000 values kept as a few hundred
sorted runs (one per day and group, ``reports.models.FiguresDay``). ``percentiles`` answers
``percentile_cont`` exactly as PostgreSQL does (linear interpolation between the two closest
ranks, in the same float arithmetic), by k-th smallest selection: a sorted sample of every
``stride``-th value of each run brackets the k-th value between two sample values, whose exact
ranks come from a binary search per run; only the few values between them are sorted. Small
sets are simply sorted. Plain Python, no Django.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from itertools import chain

Run = tuple[Sequence[float], int, int]  # values, first index, end index (values[first:end] sorted)

SAMPLE = 2048  # about this many sample values per selection
DIRECT = 4096  # at most this many values in all: sorted at once


def percentiles(runs: Sequence[Run], fractions: Sequence[float]) -> list[float | None]:
    """``percentile_cont(fraction)`` of the values of ``runs``, for each fraction (None without values)."""
    runs = [run for run in runs if run[2] > run[1]]
    count = sum(end - first for _values, first, end in runs)
    if not count:
        return [None for _fraction in fractions]
    if count <= DIRECT:
        ordered = sorted(chain.from_iterable(values[first:end] for values, first, end in runs))
        return [_continuous(ordered.__getitem__, count, fraction) for fraction in fractions]
    selector = _Selector(runs, count)
    return [_continuous(selector.kth, count, fraction) for fraction in fractions]


def _continuous(kth: object, count: int, fraction: float) -> float:
    """PostgreSQL's percentile_cont_final_common: floor and ceil of fraction × (count − 1), then lerp."""
    assert callable(kth)
    position = fraction * (count - 1)
    below, above = math.floor(position), math.ceil(position)
    first: float = kth(below)
    if above > below:
        second: float = kth(above)
        return first + (second - first) * (position - below)
    return first


class _Selector:
    def __init__(self, runs: list[Run], count: int) -> None:
        self.runs = runs
        self.stride = stride = max(1, count // SAMPLE)
        # Every stride-th value of the runs laid end to end: a run shorter than the stride still
        # gives a value now and then, and within a run the sampled values are a stride apart.
        sample: list[float] = []
        offset = 0
        for values, first, end in runs:
            sample.extend(values[first + (-offset - 1) % stride : end : stride])
            offset += end - first
        sample.sort()
        self.sample = sample

    def _positions(self, value: float) -> list[int]:
        return [bisect_right(values, value, first, end) for values, first, end in self.runs]

    def _rank(self, positions: list[int]) -> int:
        """How many values are at or below the value whose ``positions`` these are."""
        return sum(position - first for position, (_values, first, _end) in zip(positions, self.runs, strict=True))

    def kth(self, k: int) -> float:
        """The k-th smallest value (from 0)."""
        sample = self.sample
        # The last sample value with at most k values at or below it (``low``; -1: none) and the first
        # with more (``high``; len(sample): none) bracket the k-th value in (low, high]. Each run holds
        # fewer than a stride of values between two neighbouring sample values, so few lie there.
        low, high = -1, len(sample)
        low_positions = [first for _values, first, _end in self.runs]
        high_positions = [end for _values, _first, end in self.runs]
        low_rank = 0
        stride = self.stride
        probe = k // stride
        while high - low > 1:
            probe = min(max(probe, low + 1), high - 1)
            positions = self._positions(sample[probe])
            rank = self._rank(positions)
            # The rank grows by about a stride per sample value: step by the distance still to go.
            if rank <= k:
                low, low_positions, low_rank = probe, positions, rank
                probe += max(1, (k - rank) // stride)
            else:
                high, high_positions = probe, positions
                probe -= max(1, (rank - k) // stride)
        window = sorted(
            chain.from_iterable(
                values[start:stop]
                for (values, _first, _end), start, stop in zip(self.runs, low_positions, high_positions, strict=True)
            )
        )
        return window[k - low_rank]
