"""Writing files safely: atomic replacement, identical content not rewritten, issued documents never
overwritten.

A file is written to a temporary name in its own directory, flushed to disk (fsync) and renamed over the
final name (os.replace is atomic on POSIX), then the directory is fsynced so the rename itself survives a
crash. A reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from compliance.values.digest import sha256_file, sha256_hex


class FileConflict(RuntimeError):
    """A final path already holds other content than the one we were asked to place there."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of a write killed midway (`.name.tmp-PID`); call only while holding the writer lock."""
    for directory in (folder, *(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))):
        for stale in directory.glob(".*.tmp-*"):
            stale.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary_stem(name: str) -> str:
    """The name itself, or its hash when the name is so long that '.NAME.tmp-PID' would not fit in 255 bytes."""
    return name if len(name.encode("utf-8", "surrogateescape")) <= 200 else sha256_hex(name)[:32]


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{_temporary_stem(target.name)}.tmp-{os.getpid()}")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, target)
    _fsync_dir(target.parent)


def write_if_changed(path: str | Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly it; True when written."""
    target = Path(path)
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write_bytes(target, data)
    return True


def json_bytes(value: Any) -> bytes:
    """Readable, stable JSON (sorted keys, two-space indent, UTF-8, final newline)."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def versioned_name(name: str, version: int) -> str:
    """'joint-instruction.pdf', 2 -> 'joint-instruction.v2.pdf'; version 1 keeps the plain name."""
    if version == 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.v{version}.{suffix}" if dot else f"{name}.v{version}"


def place_file(source: Path, target: Path, sha256: str) -> bool:
    """Move a finished file (same filesystem) to its final name. Never replaces different content:
    raises FileConflict when `target` exists with another sha256. True when the file was moved."""
    if sha256_file(source) != sha256:
        raise FileConflict(f"{source} does not hold the content the ledger recorded for {target.name}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file (or a dangling link) where the folder must be
        raise FileConflict(f"{target.parent} cannot be made a folder ({exc.strerror or exc.__class__.__name__}); "
                           "move away what is there and run again") from None
    with open(source, "rb") as handle:  # the renderer wrote it; make sure its bytes are on disk first
        os.fsync(handle.fileno())
    os.chmod(source, 0o666 & ~_umask())  # a temporary file is private (0600); an issued document is not
    try:
        os.link(source, target)  # unlike rename, a hard link never replaces an existing file
    except FileExistsError:
        if target.is_symlink() or not target.is_file() or sha256_file(target) != sha256:
            raise FileConflict(
                f"{target} already exists with other content and was not issued by this ledger; move it "
                "away and run again"
            ) from None
        source.unlink()
        return False
    source.unlink()
    _fsync_dir(target.parent)
    return True


def write_new_file(target: Path, data: bytes) -> None:
    """Write `data` to a file that must not exist yet (a signed copy beside its original, say): written
    under a temporary name, then placed as place_file does, so an existing file is never replaced
    (FileConflict) and a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{_temporary_stem(target.name)}.tmp-{os.getpid()}")
    with open(temp, "wb") as handle:
        handle.write(data)
    try:
        place_file(temp, target, sha256_hex(data))
    finally:
        temp.unlink(missing_ok=True)
