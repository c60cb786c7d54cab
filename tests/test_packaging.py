"""The wheel holds every package: pyproject.toml lists them by hand (templates/ is mapped into the package
as compliance.templates), so a new package folder must be added there. `make test` then builds the wheel
and renders a joint instruction from it (tests/packaging/check_wheel.sh)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_pyproject_lists_every_package_of_the_source_tree():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "compliance").rglob("__init__.py")}
    found.add("compliance.templates")
    assert set(config["packages"]) == found
    assert config["package-dir"] == {"compliance.templates": "templates"}
    assert (REPO / "templates" / "__init__.py").is_file()


def test_templates_load_from_the_package_not_from_a_path_next_to_the_code():
    from compliance.documents.environment import BUILTIN_TEMPLATES

    assert (BUILTIN_TEMPLATES / "joint-instruction.html.j2").is_file()
    source = (REPO / "compliance" / "documents" / "environment.py").read_text(encoding="utf-8")
    assert 'importlib.resources.files("compliance.templates")' in source and "parents[" not in source
