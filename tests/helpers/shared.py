"""Expensive setup made once per test session and shared by the pytest-xdist workers (`make test` runs two):
the first worker that asks builds it under a lock, the others wait for it and use the same folder.

    folder = built_once(tmp_path_factory, "fixture-run", build)   # build(folder) runs once per session
    value = computed_once(tmp_path_factory, "results", compute)  # compute() once, pickled for the others

The folder lives in the session's own temporary folder (the parent of each worker's base temp), so every session
starts clean and a test never depends on what another session, or the order of tests, left behind. A test that
changes what it gets works on a copy.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def session_root(tmp_path_factory) -> Path:
    """The temporary folder of the whole session: with xdist, the parent of the worker's base temp (xdist gives
    each worker <session>/<worker id>); without it, the base temp itself."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (created if missing) for the block, across processes (flock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """<session>/shared/<name>, made by build(folder) the first time any worker asks, in place (its absolute path
    is the one build saw). A build that failed half way is thrown away and tried again by the next caller."""
    root = session_root(tmp_path_factory) / "shared"
    folder, done = root / name, root / f"{name}.done"
    with locked(root / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


def computed_once(tmp_path_factory, name: str, compute: Callable[[], object]):
    """compute() once per session for both xdist workers: the first to ask computes it, the others read it back
    (pickled in <session>/shared/<name>/). For values that pickle (extraction results, plain data)."""
    folder = built_once(tmp_path_factory, name,
                        lambda folder: (folder / "value.pickle").write_bytes(pickle.dumps(compute())))
    return pickle.loads((folder / "value.pickle").read_bytes())
