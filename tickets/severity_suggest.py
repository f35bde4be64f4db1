"""Suggest a severity from a few plain questions (seed 003's P1–P4).

Pure Python, no Django: the portal's "help me choose" and its tests call it.

- P1 Critical: total unavailability in production, no workaround.
- P2 High: partial unavailability or degraded performance in production, no workaround.
- P3 Medium: unavailability in production with a workaround; or unavailability in test.
- P4 Low: not about unavailability: questions, requests, guidance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Environment(StrEnum):
    PRODUCTION = "production"
    TEST = "test"


class Impact(StrEnum):
    TOTAL = "total"  # the environment or the platform's connectors are unavailable
    PARTIAL = "partial"  # some features unavailable, or performance degraded
    NONE = "none"  # nothing is unavailable


@dataclass(frozen=True)
class Suggestion:
    level: int
    rule: str  # which definition applied, for the explanation shown beside it


def severity_suggest(*, environment: Environment, impact: Impact, workaround: bool, question: bool) -> Suggestion:
    if question or impact is Impact.NONE:
        return Suggestion(4, "question")
    if environment is Environment.TEST:
        return Suggestion(3, "test")
    if workaround:
        return Suggestion(3, "workaround")
    if impact is Impact.TOTAL:
        return Suggestion(1, "total")
    return Suggestion(2, "partial")
