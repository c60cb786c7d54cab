"""The project's scripts outside the package (fixtures/make_scans.py, fixtures/score_real.py, ...) loaded as
modules, the one way the tests do it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def load_script(path: Path):
    """The file at `path` run as a module named after it (registered first: its dataclasses look it up)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
