"""One writer per ledger: an exclusive advisory lock (flock) on `<ledger>.lock`.

The operating system drops the lock when its holder exits, even on kill -9, so a crashed run never leaves
a stale lock behind. A second writer polls for a bounded time, then gives up with a message naming the
holder.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_WAIT_SECONDS = 30.0


class LedgerBusy(RuntimeError):
    """Another process holds the ledger's writer lock; str() says which and what to do."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def writer_lock(db_path: str | Path, *, what: str, wait: float = DEFAULT_WAIT_SECONDS,
                poll: float = 0.1) -> Iterator[None]:
    """Hold the ledger's writer lock for the block; wait up to `wait` seconds for another writer."""
    path = lock_path(Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + wait  # a wait bound, not a date: no computation depends on it
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    raise LedgerBusy(
                        f"the ledger {db_path} is in use by {holder}; waited {wait:g} s. Try again when it "
                        "has finished (or raise --wait)"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"`compliance {what}` (pid {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
