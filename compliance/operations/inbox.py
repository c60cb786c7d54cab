"""An inbox of audit reports into the ledger: each file hashed, new contents read by the extractor, every
file recorded once by its sha256 (another name for known content only adds the name), in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from compliance.extract.model import FileStatus, Problem
from compliance.extract.problems import problem
from compliance.ledger import Ledger
from compliance.values.digest import sha256_file


class FileRole(StrEnum):
    """What an accepted file (or one confirmed by hand) does for its Assessment Year."""

    DECIDES_YEAR = "decides_year"
    CONFLICTING = "conflicting_reports"
    SET_ASIDE = "set_aside_by_resolution"
    COPY = "copy_of_deciding_report"  # received again with the same figures: recorded, no conflict


def name_text(raw: str) -> str:
    """A file name as text the ledger, the JSON files and a terminal can hold: a name that is not valid UTF-8
    (a GBK name from a Windows zip) keeps its undecodable bytes as \\xNN escapes."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass
class FileOutcome:
    name: str  # as text (name_text): what the ledger, the summary and the review file name
    sha256: str | None
    size: int | None
    status: FileStatus | None  # None until the ledger holds the file's verdict
    year: int | None = None
    revenue: str | None = None  # decimal string, as the extraction recorded it
    problems: list[Problem] = field(default_factory=list)
    also_named: list[str] = field(default_factory=list)  # other names of the same content in the ledger
    role: FileRole | None = None
    confirmed_by_hand: dict | None = None  # its unproven fields confirmed by two people (operations.confirmation)
    recorded: bool = True  # False: set aside this run (changing while read), left for the next
    source: Path | None = None  # the file in the inbox (its name as the file system spells it)


Extractor = Callable[[list[Path]], list[dict]]  # paths -> Extraction.to_json() of each, in order


def _set_aside(path: Path, code: str) -> FileOutcome:
    return FileOutcome(name_text(path.name), None, None, FileStatus.REJECTED, problems=[problem(code)],
                       recorded=False, source=path)


@dataclass(frozen=True)
class Skipped:
    """An inbox entry that is not read as a report, and why (told in the summary, never silently dropped)."""

    name: str
    reason: str


def _not_a_report(path: Path) -> str | None:
    if path.name.startswith("."):
        return "a hidden file (its name starts with a dot)"
    if path.is_symlink() and not path.exists():
        return "a symbolic link to nothing"
    if path.is_dir():
        return "a folder"
    if not path.is_file():
        return "not a regular file (a pipe, socket or device)"
    return None


def scan_inbox(inbox: Path, skipped: list[Skipped] | None = None) -> list[FileOutcome]:
    """Every regular file of the inbox, by name, with its sha256 (an unreadable one is rejected; one whose size
    or modification time changes while it is hashed is still being written, and is left). Entries that are
    not files (folders, pipes, dangling links, hidden files) are added to `skipped`."""
    files = []
    for path in sorted(inbox.iterdir()):
        found = scan_path(path)
        if isinstance(found, Skipped):
            if skipped is not None:
                skipped.append(found)
        else:
            files.append(found)
    return files


def scan_path(path: Path) -> FileOutcome | Skipped:
    """One inbox entry: a file with its sha256 (or why it cannot be read), or why it is not read at all."""
    try:
        reason = _not_a_report(path)
    except OSError as exc:  # a link that loops
        reason = f"cannot be examined ({exc.strerror or exc.__class__.__name__})"
    if reason is not None:
        return Skipped(name_text(path.name), reason)
    try:
        before = path.stat()
        sha256 = sha256_file(path)
        after = path.stat()
    except OSError as exc:
        found = Problem("unreadable", "reject",
                        f"The file cannot be read ({exc.strerror or exc.__class__.__name__}).")
        return FileOutcome(name_text(path.name), None, None, FileStatus.REJECTED, problems=[found], source=path)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        return _set_aside(path, "still_being_written")
    return FileOutcome(name_text(path.name), sha256, after.st_size, None, source=path)


def _as_stored(result: dict, item: FileOutcome, out: Path) -> dict:
    """The extraction as stored: named after the file (not its inbox path), with our sha256, and its evidence
    picture relative to the output folder (so that the folder can move and its documents still be restored)."""
    data = dict(result)
    data["file"] = item.name
    data["sha256"] = item.sha256
    evidence = data.get("evidence")
    if isinstance(evidence, dict) and evidence.get("png_path"):
        png = Path(evidence["png_path"]).resolve()  # the extractor's path: absolute, or from the working folder
        if png.is_relative_to(out.resolve()):
            data["evidence"] = {**evidence, "png_path": png.relative_to(out.resolve()).as_posix()}
    if data.get("status") not in set(FileStatus):
        data["status"] = FileStatus.REJECTED
        data["problems"] = [*data.get("problems", []), {
            "code": "extractor_error", "severity": "reject",
            "message": "The extractor returned no usable status for this file."}]
    return data


def record_files(ledger: Ledger, files: list[FileOutcome], extract: Extractor, out: Path) -> None:
    """Read the contents the ledger has not seen, record every file, and fill in each outcome from the ledger."""
    first: dict[str, FileOutcome] = {}
    for item in files:
        if item.sha256 and not ledger.has_report(item.sha256):
            first.setdefault(item.sha256, item)
    fresh = list(first.values())
    extracted: dict[str, dict] = {}
    changed: set[str] = set()
    if fresh:
        results = extract([item.source for item in fresh])
        for item, result in zip(fresh, results, strict=True):
            if result.get("sha256") != item.sha256:  # the bytes read are not the bytes scanned
                changed.add(item.sha256)
                continue
            extracted[item.sha256] = _as_stored(result, item, out)
    for item in files:
        if item.sha256 in changed:
            item.status, item.problems, item.recorded = FileStatus.REJECTED, [problem("changed_while_read")], False
    with ledger.transaction():
        for item in files:
            if item.sha256 is None or not item.recorded:
                continue
            if item.sha256 in extracted and not ledger.has_report(item.sha256):
                ledger.add_report(item.sha256, item.size, item.name, extracted[item.sha256])
            else:
                ledger.add_name(item.sha256, item.name)
    for item in files:
        if item.sha256 is None or not item.recorded:
            continue
        data = ledger.extraction(item.sha256)
        item.status, item.year = FileStatus(data["status"]), data.get("assessment_year")
        item.revenue = data.get("operating_revenue")
        item.problems = [Problem.from_json(p) for p in data.get("problems", [])]
        item.also_named = [name for name in ledger.report_names(item.sha256) if name != item.name]
