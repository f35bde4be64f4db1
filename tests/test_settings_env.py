"""Settings fail closed: a value we cannot read stops start-up and names its variable."""

from __future__ import annotations

import os
import subprocess  # nosec B404 - runs our own manage.py
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportdesk.env import StrictEnv

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "raw, expected",
    [("true", True), ("On", True), ("1", True), ("yes", True), ("false", False), ("OFF", False), ("0", False), ("no", False)],
)
def test_the_words_for_yes_and_no_are_read(monkeypatch, raw, expected) -> None:
    monkeypatch.setenv("SOME_FLAG", raw)
    assert StrictEnv().bool("SOME_FLAG", default=not expected) is expected


def test_an_unset_or_empty_flag_takes_its_default(monkeypatch) -> None:
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert StrictEnv().bool("SOME_FLAG", default=True) is True
    monkeypatch.setenv("SOME_FLAG", "")
    assert StrictEnv().bool("SOME_FLAG", default=False) is False


@pytest.mark.parametrize(
    "reader, raw",
    [
        ("bool", "flase"),
        ("bool", "nope"),
        ("int", "3o"),
        ("int", "-5"),
        ("rate", "120/fortnight"),
        ("log_level", "LOUD"),
    ],
)
def test_a_malformed_value_is_refused_with_the_variables_name(monkeypatch, reader, raw) -> None:
    monkeypatch.setenv("SOME_SETTING", raw)
    defaults = {"bool": False, "int": 1, "rate": "120/minute", "log_level": "INFO"}
    with pytest.raises(ImproperlyConfigured, match="SOME_SETTING"):
        getattr(StrictEnv(), reader)("SOME_SETTING", default=defaults[reader])


def test_a_bad_boolean_stops_manage_py_check_with_a_clear_message() -> None:
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "SECURE_SSL_REDIRECT": "flase",
        "SESSION_COOKIE_SECURE": "nope",
    }
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(  # nosec B603 - fixed arguments
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    # The first unreadable variable is named, with what it held.
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: SESSION_COOKIE_SECURE must be true or false "
        "(or 1/0, yes/no, on/off), not 'nope'."
    )
