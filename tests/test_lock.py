"""Locked builds: requirements/*.lock pin every package, direct or not, with hashes (made by `make lock` with uv),
`make install` installs exactly that, and pyproject.toml and the lock never disagree."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
LOCKS = {"runtime": REPO / "requirements" / "runtime.lock", "dev": REPO / "requirements" / "dev.lock"}
PYPROJECT = "compliance (pyproject.toml)"
BUILD_IN = "-r requirements/build.in"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def read_lock(path: Path) -> dict[str, dict]:
    """name -> {version, marker, hashes, via}; one entry per pin line (a forked pin keeps the one that applies)."""
    entries: dict[str, dict] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if (found := PIN.match(line)) is not None:
            marker = found["marker"]
            if marker is not None and not Marker(marker).evaluate():
                current = {}  # the pin of another Python or platform: read, kept nowhere
                continue
            current = entries[canonicalize_name(found["name"])] = {
                "version": found["version"], "hashes": 0, "via": []}
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            current["hashes"] = current.get("hashes", 0) + 1
        elif current is not None and line.strip().startswith("#"):
            words = line.strip().lstrip("#").strip()
            if words and words != "via":
                current.setdefault("via", []).append(words.removeprefix("via ").strip())
    return entries


def declared(kind: str) -> dict[str, str]:
    """The pins pyproject.toml and requirements/build.in ask for: name -> version."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + (project["optional-dependencies"]["dev"] if kind == "dev" else [])
    build = [line for line in (REPO / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    pins = {}
    for text in wanted + build:
        requirement = Requirement(text)
        (spec,) = requirement.specifier  # every direct dependency is pinned with ==
        assert spec.operator == "==", f"{text}: a direct dependency is pinned with =="
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_dependency_in_pyproject_is_locked_at_its_version_and_nothing_else_is_direct(kind):
    lock = read_lock(LOCKS[kind])
    pins = declared(kind)
    direct_in_lock = {name for name, entry in lock.items() if PYPROJECT in entry["via"] or BUILD_IN in entry["via"]}
    assert direct_in_lock == set(pins), (
        "pyproject.toml (or requirements/build.in) and the lock disagree: run `make lock`")
    assert {name: lock[name]["version"] for name in pins} == pins


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_locked_package_has_hashes_and_a_reason(kind):
    for name, entry in read_lock(LOCKS[kind]).items():
        assert entry["hashes"] >= 1, f"{name} has no hash in {LOCKS[kind].name}"
        assert entry["via"], f"{name} is in {LOCKS[kind].name} for no reason: run `make lock`"


def test_the_runtime_lock_is_the_dev_lock_less_the_tools_of_development():
    runtime, dev = read_lock(LOCKS["runtime"]), read_lock(LOCKS["dev"])
    assert set(runtime) <= set(dev)
    assert {name: entry["version"] for name, entry in runtime.items()} == {
        name: dev[name]["version"] for name in runtime}


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the suite runs outside the project's .venv")
def test_the_virtualenv_holds_exactly_the_locked_versions():
    """What `pip freeze` lists in .venv: every locked package at its locked version, and nothing else."""
    lock = read_lock(LOCKS["dev"])
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in distributions()}
    installed.pop("compliance", None)
    for tool in ("pip",):  # the virtualenv's own installer comes with Python, not from the lock
        installed.pop(tool, None)
    assert installed == {name: entry["version"] for name, entry in lock.items()}
