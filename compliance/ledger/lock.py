"""One writer per ledger: an exclusive advisory lock (flock) on `<ledger>.lock` beside the real file, and on
the ledger file itself.

The lock follows the real file: `<ledger>.lock` is named after the path with every link resolved, and the
ledger file itself (its device and inode, whatever name or hard link reached it) is locked too, so two writers
that name one ledger by two paths still take turns. (flock and SQLite's own fcntl locks do not interfere.)

The operating system drops the lock when the last descriptor of it closes, even on kill -9. A forked child
(the extractor's workers) would inherit the descriptor and keep the lock alive after its parent died, so
every fork closes the child's copy at once (os.register_at_fork); the parent's lock is not affected. A
second writer polls for a bounded time, then gives up with a message naming the holder, and saying so
when the run named in the lock file is no longer alive (and which leftover processes still hold it).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_WAIT_SECONDS = 30.0
_HELD: set[int] = set()  # descriptors of the locks this process holds


def _close_in_child() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


class LedgerBusy(RuntimeError):
    """Another process holds the ledger's writer lock; str() says which and what to do."""


def real_path(db_path: str | Path) -> Path:
    """The ledger's path with every symbolic link resolved: the one name all its writers and readers use."""
    return Path(os.path.realpath(db_path))


def lock_path(db_path: Path) -> Path:
    real = real_path(db_path)
    return real.with_name(real.name + ".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _processes_holding(path: Path) -> list[int]:
    """Other processes with the lock file open (Linux /proc; empty where it cannot be read)."""
    target = os.path.realpath(path)
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                if os.path.realpath(f"/proc/{entry}/fd/{fd}") == target:
                    found.append(int(entry))
                    break
        except OSError:
            continue
    return sorted(found)


def _busy_message(db_path: str | Path, path: Path, holder: str, wait: float) -> str:
    pid = holder.rpartition("(pid ")[2].rstrip(")")
    if pid.isdigit() and not _alive(int(pid)):
        others = _processes_holding(path)
        left = (f"; processes {', '.join(map(str, others))} left over from it still hold the lock: stop them "
                f"(kill {' '.join(map(str, others))}) and try again") if others else ""
        return f"the ledger {db_path} is locked by {holder}, which is no longer running{left}"
    return (f"the ledger {db_path} is in use by {holder}; waited {wait:g} s. Try again when it has finished "
            "(or raise --wait)")


@contextmanager
def writer_lock(db_path: str | Path, *, what: str, wait: float = DEFAULT_WAIT_SECONDS,
                poll: float = 0.1) -> Iterator[None]:
    """Hold the ledger's writer lock for the block; wait up to `wait` seconds for another writer."""
    path = lock_path(Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    ledger_fd = None
    try:
        give_up = time.monotonic() + wait  # a wait bound, not a date: no computation depends on it
        _take(fd, give_up, poll, lambda: _busy(fd, db_path, path, wait))
        _HELD.add(fd)
        try:
            if os.path.isfile(db_path):  # the same inode under another name or hard link takes turns too
                ledger_fd = os.open(db_path, os.O_RDONLY | os.O_CLOEXEC)
                _take(ledger_fd, give_up, poll, lambda: _busy(fd, db_path, path, wait))
                _HELD.add(ledger_fd)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"`compliance {what}` (pid {os.getpid()})".encode(), 0)
            yield
        finally:
            if ledger_fd is not None:
                _HELD.discard(ledger_fd)
                os.close(ledger_fd)
            _HELD.discard(fd)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _take(fd: int, give_up: float, poll: float, busy) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= give_up:
                raise busy() from None
            time.sleep(poll)


def _busy(fd: int, db_path: str | Path, path: Path, wait: float) -> LedgerBusy:
    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
    return LedgerBusy(_busy_message(db_path, path, holder, wait))
