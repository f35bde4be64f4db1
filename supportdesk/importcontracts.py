"""An import-linter contract that keeps private names private.

A name that starts with one underscore is the defining module's own business: it may change or
vanish without notice, so no other module may import it, not even one in the same app. Ruff's
PLC2701 would be the ready-made rule, but it lets a package import its own private names
(``from sla.clocks import _record`` inside ``sla``), which is exactly the import this contract is for.

Used from pyproject.toml (``[tool.importlinter]``); run by ``lint-imports``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, output


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _source_of(module: str) -> Path | None:
    base = Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(module: str) -> list[tuple[int, str, str]]:
    """``(line, imported module, name)`` for each private name ``module`` imports from another module."""
    path = _source_of(module)
    if path is None:
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _absolute(module, path.name == "__init__.py", node)
        if source == module:
            continue
        found.extend((node.lineno, source, alias.name) for alias in node.names if _is_private(alias.name))
    return found


class PrivateNamesContract(Contract):
    """No module of the root packages, tests included, imports a ``_private`` name from another one."""

    type_name = "private_names"

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = {module.split(".")[0] for module in graph.modules}
        offences = [
            {"importer": module, "line": line, "imported": source, "name": name}
            for module in sorted(graph.modules)
            for line, source, name in private_imports(module)
            if source.split(".")[0] in roots
        ]
        return ContractCheck(kept=not offences, metadata={"offences": offences})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for offence in check.metadata["offences"]:
            output.print_error(
                f"{offence['importer']} -> {offence['imported']} (l.{offence['line']}) imports the private name {offence['name']}",
                bold=False,
            )
            output.new_line()
