"""The layers of docs/architecture.md: each package imports only the packages below it, so storage never
reaches up into documents and the rules never into the ledger."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "compliance"
LAYERS = ["values", "contract", "rules", "extract", "ledger", "documents", "operations", "desk", "cli"]  # bottom first


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_every_package_is_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)


def test_no_layer_imports_a_layer_above_it():
    upward = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2:
            continue
        layer = LAYERS.index(parts[0])
        for module in _imports(path):
            names = module.split(".")
            if names[0] == "compliance" and len(names) > 1 and names[1] in LAYERS:
                if LAYERS.index(names[1]) > layer:
                    upward.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert upward == []


def test_no_module_is_over_350_lines_without_saying_why():
    long = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > 350 and "Longer than 350 lines:" not in (ast.get_docstring(ast.parse(text)) or ""):
            long.append(f"{path.relative_to(PACKAGE)} ({len(lines)} lines)")
    assert long == []
