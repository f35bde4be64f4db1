"""Reading the environment strictly: a value we cannot read stops start-up and names its variable.

django-environ reads any unknown word as false ("flase" turns HTTPS redirection off) and lets a
malformed number escape as a bare ValueError; these readers refuse both.
"""

from __future__ import annotations

import os
import re
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
RATE = re.compile(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class StrictEnv(environ.Env):  # type: ignore[misc]  # django-environ has no types: Env is Any
    def _raw(self, var: str) -> str | None:
        value = os.environ.get(var)
        if value is None or not value.strip():
            return None  # unset or empty: the default
        return value.strip()

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:
        raw = self._raw(var)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable (true or false).")
            return bool(default)
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{var} must be true or false (or 1/0, yes/no, on/off), not {raw!r}.")

    def int(self, var: str, default: Any = environ.Env.NOTSET, *, minimum: int = 0) -> int:
        raw = self._raw(var)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable (a whole number).")
            return int(default)
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{var} must be a whole number, not {raw!r}.") from None
        if value < minimum:
            raise ImproperlyConfigured(f"{var} must be at least {minimum}, not {value}.")
        return value

    def rate(self, var: str, default: str) -> str:
        """A throttle rate such as 120/minute."""
        value = self._raw(var) or default
        if not RATE.fullmatch(value):
            raise ImproperlyConfigured(f"{var} must look like 120/minute (<count>/<second|minute|hour|day>), not {value!r}.")
        return value

    def log_level(self, var: str, default: str) -> str:
        value = (self._raw(var) or default).upper()
        if value not in LOG_LEVELS:
            raise ImproperlyConfigured(f"{var} must be one of {', '.join(LOG_LEVELS)}, not {value!r}.")
        return value

    def url(self, var: str, default: Any = environ.Env.NOTSET) -> Any:
        return self._named(super().url, var, default)

    def db_url(self, var: str = environ.Env.DEFAULT_DATABASE_ENV, default: Any = environ.Env.NOTSET, engine: Any = None) -> Any:
        config = self._named(super().db_url, var, default)
        if not config.get("ENGINE"):
            raise ImproperlyConfigured(f"{var} names no database we know, such as postgres://… or sqlite:///….")
        return config

    def email_url(self, var: str = environ.Env.DEFAULT_EMAIL_ENV, default: Any = environ.Env.NOTSET, backend: Any = None) -> Any:
        return self._named(super().email_url, var, default)

    def _named(self, read: Any, var: str, default: Any) -> Any:
        try:
            return read(var, default=default)
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the parser tripped on, say which variable
            raise ImproperlyConfigured(f"{var} is not a URL we can read: {exc}") from None
