"""The private-names contract of lint-imports finds a private name imported from another module."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportdesk.importcontracts import private_imports


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("from ._impl import _hidden\n")
    (root / "clocks.py").write_text("def _record(): ...\ndef clock_record(): ...\n")
    monkeypatch.chdir(tmp_path)
    return root


def test_a_private_name_from_a_sibling_module_is_found_even_inside_one_package(package: Path) -> None:
    (package / "escalations.py").write_text("from shop.clocks import clock_record, _record\n")
    assert private_imports("shop.escalations") == [(1, "shop.clocks", "_record")]


def test_relative_imports_are_resolved_to_the_module_they_name(package: Path) -> None:
    (package / "sub" / "mod.py").write_text("x = 1\nfrom ..clocks import _record as record\n")
    assert private_imports("shop.sub.mod") == [(2, "shop.clocks", "_record")]
    assert private_imports("shop.sub") == [(1, "shop.sub._impl", "_hidden")]


def test_public_names_dunders_and_plain_imports_pass(package: Path) -> None:
    (package / "views.py").write_text(
        "from __future__ import annotations\nimport shop.clocks\nfrom shop.clocks import clock_record\n"
        "from shop import __name__ as name\n",
    )
    assert private_imports("shop.views") == []
