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


def test_no_module_is_over_400_lines():
    long = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 400:
            long.append(f"{path.relative_to(PACKAGE)} ({len(lines)} lines)")
    assert long == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imported_modules(name: str) -> set[str]:
    """The compliance modules `name` imports, at module level, inside a function or under TYPE_CHECKING alike:
    `from compliance.desk import pages` is an import of the module pages, not of the package."""
    found: set[str] = set()
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                         for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


def test_no_import_cycle_inside_any_package():
    """A cycle makes a module impossible to read or change alone (and is dodged with late imports)."""
    graph = {name: _imported_modules(name) for name in MODULES}
    assert {"compliance.desk.app", "compliance.operations.run"} <= graph.keys()  # the graph found the modules
    cycles: list[str] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(" -> ".join(path[path.index(module):] + [module]))
            return
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


def test_the_cli_and_the_desk_reach_the_layers_below_only_through_operations():
    """README: the CLI and the desk call operations/ (and use plain values); the rules, the ledger, the
    documents, the extractor and the contract model are reached through operations (its facade for names)."""
    allowed = {"values", "operations", "desk", "cli"}
    below = []
    for name in MODULES:
        layer = name.split(".")[1] if "." in name else ""
        if layer not in ("cli", "desk"):
            continue
        for module in _imported_modules(name):
            if module.split(".")[1] not in allowed:
                below.append(f"{name} imports {module}")
    assert below == []
