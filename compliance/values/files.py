"""Writing files safely: atomic replacement, identical content not rewritten, issued documents never
overwritten.

A file is written to a temporary name in its own directory, flushed to disk (fsync) and renamed over the
final name (os.replace is atomic on POSIX), then the directory is fsynced so the rename itself survives a
crash. A reader sees the old file or the new one, never half of either. A write that fails (a full disk, a
read-only folder) removes its temporary file and raises an OSError naming the final path, which
`os_error_sentence` turns into the one sentence a user reads.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from compliance.values.digest import sha256_file, sha256_hex


class FileConflict(RuntimeError):
    """A final path already holds other content than the one we were asked to place there."""


_FULL = "the disk holding {path} is full; free space on it and try again"
_FORBIDDEN = "permission denied on {path}; fix its permissions (or choose another folder) and try again"
_CAUSES = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: "the disk quota for {path} is used up; free space on it (or raise the quota) and try again",
    errno.EROFS: "{path} is on a read-only file system; make it writable (or choose another folder) and try again",
    errno.EACCES: _FORBIDDEN,
    errno.EPERM: _FORBIDDEN,
    errno.EFBIG: "{path} would grow past the file size limit; raise the limit (ulimit -f) and try again",
    errno.EIO: "the disk holding {path} failed to read or write (an input/output error); check the disk and try again",
}
# What stands where a folder must be (a file, a link): not a fault of the disk but of what is on it.
IN_THE_WAY = frozenset({errno.ENOTDIR, errno.EEXIST, errno.ELOOP})


def os_error_sentence(exc: OSError, path: str | Path | None = None) -> str:
    """One sentence for a failed file operation: the path (the destination of a link or a rename, else the file
    the error names, else `path`), the cause (a full disk, a read-only file system, a permission) and what to
    do. Never the errno number or a traceback."""
    where = exc.filename2 or exc.filename or path
    if where is None:
        where = "a file in the output folder"
    elif isinstance(where, (str, bytes, os.PathLike)):
        where = os.fsdecode(where)
    template = _CAUSES.get(exc.errno)
    if template is not None:
        return template.format(path=where)
    reason = exc.strerror or " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{where} cannot be used ({reason[:1].lower()}{reason[1:]}); check it and its folder, then try again"


def naming(exc: OSError, path: str | Path) -> OSError:
    """The same fault, naming `path` (the name the user knows, not a temporary one); as is without an errno."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), os.fspath(path))


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _subfolders(folder: Path) -> list[Path]:
    """The folder's own subfolders (not hidden, not links: nothing outside it is touched)."""
    return [p for p in folder.iterdir() if not p.name.startswith(".") and not p.is_symlink() and p.is_dir()]


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of a write killed or failed midway (`.name.tmp-PID`), in `folder` and two levels of its
    subfolders (`year-N/approved/`); call only while holding the writer lock."""
    children = _subfolders(folder)
    for directory in (folder, *children, *(g for child in children for g in _subfolders(child))):
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
    """Write `data` to `path` atomically; on failure the temporary file is gone and the OSError names `path`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)  # its error names the folder
    temp = target.with_name(f".{_temporary_stem(target.name)}.tmp-{os.getpid()}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        _discard(temp)
        raise naming(exc, target) from None
    except BaseException:
        _discard(temp)
        raise


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


def place_file(source: Path, target: Path, sha256: str, *, root: Path | None = None) -> bool:
    """Move a finished file (same filesystem) to its final name. Never replaces different content:
    raises FileConflict when `target` exists with another sha256, or is a link. True when the file was moved.

    With `root` (the output folder), `target` must lie inside it, and every folder from `root` down to it is
    reached without following a link and made where missing: a link, a file or `..` where a folder must be is a
    FileConflict, so nothing is ever written outside `root`. A fault of the disk (full, read-only, permission)
    is an OSError naming the path."""
    if sha256_file(source) != sha256:
        raise FileConflict(f"{source} does not hold the content the ledger recorded for {target.name}")
    try:
        with open(source, "rb") as handle:  # the renderer wrote it; make sure its bytes are on disk first
            os.fsync(handle.fileno())
        os.chmod(source, 0o666 & ~_umask())  # a temporary file is private (0600); an issued document is not
    except OSError as exc:
        raise naming(exc, source) from None
    folder = _folder(target.parent, Path(root) if root is not None else None)
    try:
        try:
            os.link(source, target.name, dst_dir_fd=folder)  # unlike rename, a link never replaces a file
        except FileExistsError:
            if (problem := _not_holding(folder, target, sha256)) is not None:
                raise FileConflict(problem) from None
            source.unlink()
            return False
        except OSError as exc:
            raise naming(exc, target) from None
        source.unlink()
        try:
            os.fsync(folder)
        except OSError as exc:
            raise naming(exc, target) from None
        return True
    finally:
        os.close(folder)


def _not_holding(folder: int, target: Path, sha256: str) -> str | None:
    """Why the existing `target` (in the open `folder`) is not the file to place, links unfollowed; None when it
    is a plain file with that content already."""
    mode = os.stat(target.name, dir_fd=folder, follow_symlinks=False).st_mode
    if stat.S_ISLNK(mode):
        return f"{target} is a symbolic link, not a document this ledger issued; move it away and run again"
    if stat.S_ISREG(mode):
        fd = os.open(target.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        digest = hashlib.sha256()
        with os.fdopen(fd, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() == sha256:
            return None
    return f"{target} already exists with other content and was not issued by this ledger; move it away and run again"


def _in_the_way(path: Path) -> FileConflict:
    return FileConflict(f"{path} is a file or a link where the documents' folder must be; move it away and run "
                        "again")


def _folder(folder: Path, root: Path | None) -> int:
    """An open descriptor of `folder`, made where missing. Without `root` the path is followed as it is; with
    it, `folder` is reached from `root` one name at a time, never through a link (FileConflict)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    if root is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return os.open(folder, flags)
        except OSError as exc:
            if exc.errno in IN_THE_WAY:
                raise _in_the_way(folder) from None
            raise naming(exc, folder) from None
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        parts = ("..",)
    if ".." in parts:
        raise FileConflict(f"{folder} is outside the output folder {root}; nothing is written there")
    try:
        fd = os.open(root, flags)  # the output folder itself may be reached through a link
    except OSError as exc:
        raise naming(exc, root) from None
    reached = root
    for part in parts:
        reached = reached / part
        fd = _child(fd, part, reached, flags | os.O_NOFOLLOW)
    return fd


def _child(parent: int, name: str, path: Path, flags: int) -> int:
    """The subfolder `name` of the open `parent` (made when missing, never a link), opened; `parent` is closed
    whatever happens."""
    try:
        try:
            return os.open(name, flags, dir_fd=parent)
        except FileNotFoundError:
            try:
                os.mkdir(name, 0o777, dir_fd=parent)
            except FileExistsError:
                pass
            return os.open(name, flags, dir_fd=parent)
    except OSError as exc:
        if exc.errno in IN_THE_WAY:
            raise _in_the_way(path) from None
        raise naming(exc, path) from None
    finally:
        os.close(parent)


def write_new_file(target: Path, data: bytes) -> None:
    """Write `data` to a file that must not exist yet (a signed copy beside its original, say): written
    under a temporary name, then placed as place_file does, so an existing file is never replaced
    (FileConflict) and a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{_temporary_stem(target.name)}.tmp-{os.getpid()}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        place_file(temp, target, sha256_hex(data))
    except OSError as exc:
        raise naming(exc, target) from None
    finally:
        _discard(temp)
