"""The es and pt-BR catalogs stay complete: a marked string without its translations cannot land.

makemessages runs on a scratch copy of the project, exactly as `make messages` does, so a
string marked anywhere shows up here as a missing entry; the committed catalogs are then read
for untranslated and fuzzy entries, and msgfmt --check compares every placeholder.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - runs gettext's msgfmt
from pathlib import Path

import polib
import pytest

from supportdesk import catalogs

ROOT = Path(__file__).resolve().parent.parent
# What makemessages would skip anyway, and what is large: the copy takes a fraction of a second.
SKIP = {
    ".venv",
    ".git",
    "var",
    "staticfiles",
    "test-artifacts",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "__pycache__",
    "bench",
    "faults",
    "tests",
    "db.sqlite3",
}


def _copy_of_project(target: Path) -> Path:
    def ignore(_folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in SKIP or name.endswith((".mo", ".pyc"))}

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    return target


def _keys(po: polib.POFile) -> set[str]:
    return {catalogs.entry_key(entry) for entry in po if not entry.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    """The catalogs as makemessages writes them from today's code, merged with the committed ones."""
    copy = _copy_of_project(tmp_path_factory.mktemp("catalogs") / "project")
    catalogs.extract(copy)
    return {locale: polib.pofile(str(copy / "locale" / locale / "LC_MESSAGES" / "django.po")) for locale in catalogs.LOCALES}


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_every_marked_string_is_in_the_catalog(extracted: dict[str, polib.POFile], locale: str) -> None:
    committed = polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))
    missing = sorted(_keys(extracted[locale]) - _keys(committed))
    assert not missing, f"Not in locale/{locale} (run `make messages` and translate them): {missing}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(extracted: dict[str, polib.POFile], locale: str) -> None:
    gaps = [catalogs.entry_key(entry) for entry in catalogs.gaps(extracted[locale])]
    assert not gaps, f"Untranslated or fuzzy in locale/{locale} (see docs/glossary.md): {gaps}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_placeholders_match_and_the_catalog_compiles(locale: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        from tests import services

        services.require("gettext")
    po_path = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments
        [msgfmt, "--check", "--output-file", str(tmp_path / "django.mo"), str(po_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
