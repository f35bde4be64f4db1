"""Label matchers, as Alertmanager writes them: ``name=value``, ``name!=value``, ``name=~regex``, ``name!~regex``.

Plain Python: routing rules keep their matchers as text, one per line (or
separated by commas), and an alert matches a rule when every matcher holds.
A regex must match the whole value, as in Alertmanager; a missing label
reads as the empty string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = ("=~", "!~", "!=", "=")
_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Matcher:
    label: str
    operator: str
    value: str

    def holds(self, labels: dict[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.operator == "=":
            return actual == self.value
        if self.operator == "!=":
            return actual != self.value
        found = re.fullmatch(self.value, actual) is not None
        return found if self.operator == "=~" else not found

    def __str__(self) -> str:
        return f'{self.label}{self.operator}"{self.value}"'


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _pieces(text: str) -> list[str]:
    """Lines, and within a line commas outside quotes."""
    pieces: list[str] = []
    for line in text.splitlines():
        current, quote = "", ""
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == ",":
                pieces.append(current)
                current = ""
                continue
            current += char
        pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip() and not piece.strip().startswith("#")]


def matchers_parse(text: str) -> list[Matcher]:
    """The matchers of a rule; ValueError naming each piece that is not one."""
    matchers, problems = [], []
    for piece in _pieces(text.strip().removeprefix("{").removesuffix("}")):
        found = _LINE.match(piece)
        if found is None:
            problems.append(f"“{piece}” is not label=value, label!=value, label=~regex or label!~regex")
            continue
        label, operator, value = found.group(1), found.group(2), _unquote(found.group(3))
        if operator in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as error:
                problems.append(f"“{piece}”: not a regular expression ({error})")
                continue
        matchers.append(Matcher(label, operator, value))
    if problems:
        raise ValueError("; ".join(problems))
    return matchers


def matchers_hold(matchers: list[Matcher], labels: dict[str, str]) -> bool:
    return all(matcher.holds(labels) for matcher in matchers)
