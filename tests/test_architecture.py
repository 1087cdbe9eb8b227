"""The shape of the code: dependencies point one way, and no source file grows past a readable size."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.settings import ROOT

# Which of our packages each package may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "knowledge": {"core"},
    "search": {"core"},
    "pipelines": {"core", "knowledge", "search"},
    "api": {"core", "search", "pipelines"},
}
OURS = set(MAY_IMPORT)
MAX_LINES = 450
SOURCE_SUFFIXES = {".py", ".js", ".css", ".html"}
NOT_SOURCE = {".venv", ".venv-bot", "var", "models", "migrations", "node_modules", ".git"}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & OURS


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_the_packages_below_it(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(found - MAY_IMPORT[package] - {package})
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (found := _imported_packages(path)) - MAY_IMPORT[package] - {package}
    }
    assert not wrong, f"{package} may import only {sorted(MAY_IMPORT[package])}: {wrong}"


def test_no_source_file_is_over_450_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in ROOT.rglob("*")
        if path.suffix in SOURCE_SUFFIXES
        and path.is_file()
        and not NOT_SOURCE & set(path.relative_to(ROOT).parts)
        and (lines := len(path.read_text(encoding="utf-8", errors="replace").splitlines())) > MAX_LINES
    }
    assert not too_long, f"split these into modules with one job each: {too_long}"
