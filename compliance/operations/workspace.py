"""One run's working set, and how its files reach their final names.

`Workspace` is the output folder, the ledger, the contract and the `Toolkit` (the extractor, the renderer and
the penalty; a fake in tests) that every operation writing documents shares. Documents are rendered into
`DIR/.staging/<key>/`, recorded in the ledger, then placed: `place` links each staged file to its final name
(`values.files.place_file`: a link never replaces a file), so a run killed in between is put right by
`operations.recovery`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from compliance.contract import Contract
from compliance.ledger import Ledger
from compliance.operations.accrual import PenaltyInputs, compute_from
from compliance.operations.determinations import contract_fingerprint
from compliance.values.digest import sha256_file
from compliance.values.files import FileConflict, os_error_sentence, place_file, remove_stale_temporaries

STAGING = ".staging"
FORMATS = (("pdf_path", "pdf_sha256", ".pdf"), ("docx_path", "docx_sha256", ".docx"))


class RunError(Exception):
    """The run cannot start as asked (bad inbox, contract, prices, busy ledger); one plain line, exit 2."""


class Placeable(Protocol):
    """A recorded or new document: where its two files go and what they must hold."""

    slot: str
    pdf_path: str
    pdf_sha256: str
    docx_path: str
    docx_sha256: str


@dataclass
class Workspace:
    """One run's output folder, ledger and renderer, and what the run has written so far."""

    ledger: Ledger
    contract: Contract
    out: Path
    as_of: dt.date
    toolkit: Toolkit  # the extractor, the renderer and the penalty (a fake in tests)
    checkpoint: Callable[[str], None]
    prepared_by: str | None = "unknown"  # who prepares the documents this run writes (four-eyes); None: nobody
    written: list[str] = field(default_factory=list)  # placed by this run, relative to `out`
    notes: list[str] = field(default_factory=list)  # what the user should know, one sentence each

    def __post_init__(self) -> None:
        from compliance.operations.particulars import with_particulars

        self.contract = with_particulars(self.ledger, self.contract)  # the particulars approved in the ledger
        self.reading = self.contract.default_reading
        self.contract_sha = contract_fingerprint(self.contract)
        self.last_year = self.contract.assessment_years[-1].number

    @property
    def staging(self) -> Path:
        return self.out / STAGING

    def staged(self, key: str) -> Path:
        return self.staging / key[:16]


class Toolkit:
    """The other layers' functions the run calls; tests pass a fake with the same methods."""

    def __init__(self) -> None:
        self._renderer = None

    def extract(self, paths: Sequence[Path], contract: Contract, *, evidence_dir: Path, workers: int,
                progress: Callable[[int, int], None] | None,
                page_progress: Callable[[str, str, int, int], None] | None = None) -> list[dict]:
        from compliance.extract import extract_batch

        results = extract_batch(list(paths), contract, evidence_dir=evidence_dir, workers=workers,
                                progress=progress, page_progress=page_progress)
        return [result.to_json() for result in results]

    def renderer(self):
        if self._renderer is None:
            from compliance.documents import Renderer

            self._renderer = Renderer()
        return self._renderer

    def render_year(self, contract, determined, *, as_of, out_dir, report, released,
                    awaiting_approval: bool = False, versions=None, earlier_reports=None) -> list:
        from compliance.documents import render_year

        return render_year(contract, determined, as_of=as_of, out_dir=out_dir, renderer=self.renderer(),
                           report=report, released=released, awaiting_approval=awaiting_approval,
                           versions=versions, earlier_reports=earlier_reports)

    def load_prices(self, path: Path):
        from compliance.values.prices import PriceFileError, load_prices

        try:
            return load_prices(path)
        except PriceFileError as exc:
            raise RunError(str(exc)) from None

    def penalty(self, contract, year: int, inputs: PenaltyInputs, prices):
        return compute_from(contract, year, inputs, prices)

    def render_penalty(self, contract, result, *, as_of, prices_source: str, outstanding: bool, out_base: Path,
                       prices_sha256: str | None = None, alternatives: Sequence = (),
                       awaiting_approval: bool = True):
        """The penalty statement (a computation for counsel) and its annex; marked DRAFT until approved."""
        from compliance.documents.penalty_statement import penalty_statement_context, schedule_annex
        from compliance.documents.registry import kind
        from compliance.values.files import atomic_write_bytes

        context = penalty_statement_context(contract, result, as_of=as_of, prices_source=prices_source,
                                            outstanding=outstanding, prices_sha256=prices_sha256,
                                            alternatives=alternatives)
        rendered = self.renderer().render("penalty-statement", context, out_base, as_of=as_of,
                                          slot=kind("penalty-statement").slot(result.year),
                                          awaiting_approval=awaiting_approval)
        if context["annex"] is None:
            return rendered
        name, data = schedule_annex(result, context["document_id"])  # the exact daily table it names
        atomic_write_bytes(Path(out_base).parent / name, data)
        return replace(rendered, annexes=(name,))


def one_line(exc: BaseException) -> str:
    """An exception as one line; a failed file operation as the sentence naming its path, cause and remedy."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return fault_sentence(exc)
    text = " ".join(str(exc).split())
    return text or exc.__class__.__name__


def fault_sentence(exc: OSError, out: Path | None = None) -> str:
    """A failed file operation of a run or an approval as one sentence; a path in a staging folder (gone once
    the failure is tidied away) is said as the output folder it is in."""
    where = exc.filename2 or exc.filename
    if where is not None and exc.errno is not None:
        parts = Path(os.fsdecode(where)).parts
        if STAGING in parts:
            folder = Path(*parts[:parts.index(STAGING)])
            exc = OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(folder))
    return os_error_sentence(exc, out)


def link_in_the_way(ws: Workspace, relative: str | Path) -> str | None:
    """Issuing's path rule, which every placing obeys (recovery too): a document's name lies inside the output
    folder, no folder on the way to it is a link or a file, and no link stands at the name itself."""
    relative = Path(relative)
    if relative.is_absolute() or ".." in relative.parts:
        return f"{relative} is not a name inside the output folder {ws.out}; nothing is written there"
    for folder in [ws.out / part for part in reversed(relative.parents) if part != Path(".")]:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return f"{folder} is a file or a link where the documents' folder must be; move it away and run again"
    target = ws.out / relative
    if target.is_symlink():
        return f"{target} is a symbolic link, not a document this ledger issued; move it away and run again"
    return None


def blocked_target(ws: Workspace, documents: list[Placeable]) -> str | None:
    """What stops a year before anything is recorded (an issued name is never overwritten): a final name
    taken by a file the ledger did not issue, a symbolic link at it, or a file where its folder must be."""
    for doc in documents:
        for path_key, sha_key, _ in FORMATS:
            relative = getattr(doc, path_key)
            if (problem := link_in_the_way(ws, relative)) is not None:
                return problem
            target = ws.out / relative
            if target.exists() and sha256_file(target) != getattr(doc, sha_key):
                return f"{target} already exists and was not issued by this ledger; move it away and run again"
    return None


def place(ws: Workspace, documents: list[Placeable], key: str) -> None:
    """Move staged files to their final names (the ledger already records them). An annex a document names
    (`<stem>-*.csv` beside it: the penalty schedule, named with its sha256 in the statement) goes first, so
    that a kill before the document is placed restores both. No link is followed on the way (a link or a file
    in the way is a note); a fault of the disk is an OSError naming the path, for the caller to stop on."""
    for doc in documents:
        folder, _, stem = doc.slot.rpartition("/")
        staged_folder = (ws.staged(key) / doc.slot).parent
        for annex in sorted(staged_folder.glob(f"{stem}-*.csv")) if staged_folder.is_dir() else []:
            relative = f"{folder}/{annex.name}" if folder else annex.name
            try:
                if place_file(annex, ws.out / relative, sha256_file(annex), root=ws.out):
                    ws.written.append(relative)
            except FileConflict as exc:
                ws.notes.append(str(exc))
        for path_key, sha_key, suffix in FORMATS:
            staged = ws.staged(key) / f"{doc.slot}{suffix}"
            relative = getattr(doc, path_key)
            try:
                if staged.exists() and place_file(staged, ws.out / relative, getattr(doc, sha_key), root=ws.out):
                    ws.written.append(relative)
            except FileConflict as exc:
                ws.notes.append(str(exc))
            ws.checkpoint(f"placed {relative}")
    unstage(ws, key)


def unstage(ws: Workspace, key: str) -> None:
    """The staged set `key` removed, and the staging folder with it once nothing else is staged."""
    shutil.rmtree(ws.staged(key), ignore_errors=True)
    try:
        ws.staging.rmdir()
    except OSError:  # not empty (another set still staged), or already gone
        pass


def tidy(ws: Workspace) -> None:
    """After a failure (the writer lock still held): the staging folder and every temporary file are removed
    (recovery renders a recorded document again when its staged copy is gone); whatever cannot be removed is
    left for the next run, which starts by removing it."""
    try:
        if ws.staging.is_symlink():
            return
        shutil.rmtree(ws.staging, ignore_errors=True)
        remove_stale_temporaries(ws.out)
    except OSError:
        pass
