from __future__ import annotations

import pytest

from tickets.severity_suggest import Environment, Impact, severity_suggest

P, T = Environment.PRODUCTION, Environment.TEST


@pytest.mark.parametrize(
    "environment, impact, workaround, question, level",
    [
        (P, Impact.TOTAL, False, False, 1),
        (P, Impact.PARTIAL, False, False, 2),
        (P, Impact.TOTAL, True, False, 3),
        (P, Impact.PARTIAL, True, False, 3),
        (T, Impact.TOTAL, False, False, 3),
        (T, Impact.PARTIAL, True, False, 3),
        (P, Impact.NONE, False, False, 4),
        (P, Impact.TOTAL, False, True, 4),
        (T, Impact.NONE, True, True, 4),
    ],
)
def test_seed_003_priorities(environment, impact, workaround, question, level):
    assert severity_suggest(environment=environment, impact=impact, workaround=workaround, question=question).level == level


def test_the_module_stays_free_of_django():
    from pathlib import Path

    import tickets.severity_suggest as module

    source = Path(module.__file__).read_text()
    assert "django" not in source
