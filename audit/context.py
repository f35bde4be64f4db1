"""Who is acting, for the audit trail: set once at the edge (a request, a task, a command)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Actor:
    user: Any = None
    label: str = ""


SYSTEM = Actor(label="System")
_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    return _actor.get() or SYSTEM


@contextmanager
def acting_as(user: Any = None, label: str = "") -> Iterator[None]:
    token = _actor.set(Actor(user=user, label=label))
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    """Changes made while answering a request are the signed-in person's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with acting_as(user):
                return self.get_response(request)
        with acting_as(label="Anonymous visitor"):
            return self.get_response(request)
