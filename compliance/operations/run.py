"""`compliance run`, the main job: an inbox of audit reports to a ledger and a folder of signed-ready documents.

The steps, each in its own module:
1. inbox.py: every file hashed; contents the ledger has not seen read by the extractor (a process pool);
   each recorded once by its sha256. One transaction.
2. recovery.py: recorded documents whose files are missing are put back (a run killed midway).
3. planning.py: each Assessment Year with exactly one accepted report (or a recorded resolution) is ready;
   a year after an undecided one waits (SPA 5.2(2)).
4. issuing.py: each ready year is determined once (rules.earnout.assess_year) and its documents
   (documents.registry) rendered into staging, recorded, then placed. A year whose current determination
   has the same inputs is left alone, so a second run writes nothing.
5. penalties.py: with --prices, a penalty statement (SPA 8.2) for each year whose deadline passed before the
   as-of date without the instructed shares released.
6. summary.py: `DIR/review/<file>.json` for each file not accepted and `DIR/summary.json`.

Crash safety: files are written under a temporary name and renamed, ledger changes are transactions, and
the ledger records a document before its file is moved into place; with step 2, a run killed at any moment
and started again ends as an uninterrupted run would.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from compliance.contract import ContractError, load_contract
from compliance.extract.model import FileStatus
from compliance.ledger import DEFAULT_WAIT_SECONDS, LedgerBusy, LedgerError, open_ledger, writer_lock
from compliance.operations.accounts import AccountError, preparer
from compliance.operations.approval import restore_all_finals
from compliance.operations.inbox import FileOutcome, Skipped, record_files, scan_inbox
from compliance.operations.issuing import YearOutcome, current_documents, issue_year
from compliance.operations.issuing import outcome as plan_outcome
from compliance.operations.open_items import recorded_open_items
from compliance.operations.penalties import PenaltyPrices, issue_penalty, render_statement
from compliance.operations.penalty_approval import restore_penalty_finals
from compliance.operations.planning import YearPlan, YearStatus, plan_years
from compliance.operations.recovery import restore_documents
from compliance.operations.summary import mark_roles, write_reviews, write_summary
from compliance.operations.uploads import desk_inbox
from compliance.operations.workspace import RunError, Toolkit, Workspace, fault_sentence, tidy
from compliance.values.digest import sha256_file
from compliance.values.files import os_error_sentence, remove_stale_temporaries

# Test hooks (read only when set): kill the run at the K-th checkpoint, and log the checkpoints passed.
KILL_AT_ENV = "COMPLIANCE_TEST_KILL_AT"
CHECKPOINT_LOG_ENV = "COMPLIANCE_TEST_CHECKPOINT_LOG"


@dataclass(frozen=True)
class RunOptions:
    inbox: Path
    out_dir: Path
    as_of: dt.date
    contract_path: Path | None = None
    prices_path: Path | None = None
    strict_prices: bool = False  # refuse a penalty statement whose closes have a gap the contract does not tolerate
    db_path: Path | None = None
    wait: float = DEFAULT_WAIT_SECONDS
    workers: int = 2
    progress: Callable[[int, int], None] | None = None
    prepared_by: str | None = None  # who prepares the documents (four-eyes); None: read and record only
    password: Callable[[], str] | None = None  # the preparer's password, asked for only when accounts exist
    signed_in: bool = False  # the preparer signed in at the desk (their password was checked there)
    login_name: str = "unknown"  # the preparer recorded on a ledger with no account yet
    language: str | None = None  # the letters' language for this run (en, zh, bilingual); None: the deal's


@dataclass
class RunResult:
    files: list[FileOutcome]
    years: list[YearOutcome]
    written: list[str]  # files placed in DIR by this run, relative to DIR
    notes: list[str]
    out_dir: Path
    ledger_path: Path
    skipped: list[Skipped] = field(default_factory=list)  # inbox entries not read as reports, and why
    open_items: dict[str, list[str]] = field(default_factory=dict)  # current PDF path -> what it lacks (DRAFT)

    @property
    def exit_code(self) -> int:
        """0 when every file was accepted (or confirmed by hand) and no year needs a decision; 1 otherwise."""
        files_ok = all(f.status == FileStatus.ACCEPTED or f.confirmed_by_hand for f in self.files)
        years_ok = all(y.status not in (YearStatus.CONFLICTING, YearStatus.ERROR) for y in self.years)
        return 0 if files_ok and years_ok else 1


class _Checkpoints:
    """Named points between the run's durable steps; the crash test kills the run at one of them."""

    def __init__(self) -> None:
        self.count = 0
        self.kill_at = int(os.environ.get(KILL_AT_ENV) or 0)
        self.log = os.environ.get(CHECKPOINT_LOG_ENV)

    def __call__(self, name: str) -> None:
        self.count += 1
        if self.log:
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.write(f"{self.count} {name}\n")
        if self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def run(options: RunOptions, toolkit: Toolkit | None = None) -> RunResult:
    """Run the main job; raises RunError (usage, exit 2) before anything is written when it cannot start, and
    when a file cannot be written at any step (a full disk, a read-only folder, a permission: one sentence
    naming the path, the cause and what to do), after removing the staging folder and temporary files."""
    toolkit = toolkit or Toolkit()
    try:
        contract = load_contract(options.contract_path)
    except ContractError as exc:
        raise RunError(str(exc)) from None
    if options.language is not None:
        contract = contract.model_copy(update={"language": options.language})
    try:
        contract.check_within_horizon(options.as_of, "--as-of")
    except ValueError as exc:
        raise RunError(str(exc)) from None
    if options.inbox.exists() and not options.inbox.is_dir():
        raise RunError(f"{options.inbox} is a file, not a folder (the inbox must be a folder of audit reports)")
    if not options.inbox.is_dir():
        raise RunError(f"{options.inbox}: no such folder (the inbox must be a folder of audit reports)")
    prices = None
    if options.prices_path:
        prices = PenaltyPrices(toolkit.load_prices(options.prices_path), options.prices_path,
                               sha256_file(options.prices_path), strict=options.strict_prices)
    out = options.out_dir
    if out.exists() and not out.is_dir():
        raise RunError(f"{out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"--out {out}: cannot create the folder: {os_error_sentence(exc, out)}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        cause = errno.EROFS if os.statvfs(out).f_flag & os.ST_RDONLY else errno.EACCES
        raise RunError(f"--out {out}: the folder is not writable: {os_error_sentence(OSError(cause, '', str(out)))}")
    db = options.db_path or out / "ledger.sqlite"
    inbox = options.inbox.resolve()
    if out.resolve() == inbox or db.resolve().parent == inbox:
        raise RunError(f"--out {out} would put the ledger and the summary in the inbox, where the next run would "
                       "read them as reports; choose a folder outside the inbox")
    try:
        with writer_lock(db, what="run", wait=options.wait), open_ledger(db) as ledger:
            ws = Workspace(ledger, contract, out, options.as_of, toolkit, _Checkpoints(),
                           prepared_by=options.prepared_by)
            try:
                return _execute(ws, options, prices)
            except BaseException:
                tidy(ws)  # no staging folder or temporary file outlives a failed run (recovery renders again)
                raise
    except (LedgerBusy, LedgerError) as exc:
        raise RunError(str(exc)) from None
    except OSError as exc:  # a full disk, a read-only folder, a permission: at any step, one sentence
        raise RunError(fault_sentence(exc, out)) from None


def _execute(ws: Workspace, options: RunOptions, prices: PenaltyPrices | None) -> RunResult:
    _check_settings(ws, options, prices)
    try:
        ws.prepared_by = preparer(ws.ledger, options.prepared_by, options.password, signed_in=options.signed_in,
                                  unmanaged_name=options.login_name)
    except AccountError as exc:
        raise RunError(f"--by: {exc}" if options.prepared_by else str(exc)) from None
    remove_stale_temporaries(ws.out)
    skipped: list[Skipped] = []
    files = scan_inbox(options.inbox, skipped)

    def extract(paths: list[Path]) -> list[dict]:
        return ws.toolkit.extract(paths, ws.contract, evidence_dir=ws.out / "evidence", workers=options.workers,
                                  progress=options.progress)

    record_files(ws.ledger, files, extract, ws.out)
    ws.checkpoint("files recorded")
    restore_documents(ws, lambda year, inputs, key, as_of: render_statement(ws, year, inputs, key, as_of, prices))
    restore_all_finals(ws)
    restore_penalty_finals(ws)
    plans = plan_years(ws.ledger, ws.contract)
    _record_conflicts(ws, plans)
    if ws.prepared_by is None:  # nobody proven to prepare: the reports are read and recorded, nothing is issued
        years = [plan_outcome(ws, plan, plan.status) for plan in plans]
        ws.notes.append("No documents were prepared: this ledger has accounts, so preparing needs --by NAME (a "
                        "preparer or approver) and that person's password.")
    else:
        years = [issue_year(ws, plan, plans) for plan in plans]
    if prices is not None:
        for outcome in years:
            if outcome.status == YearStatus.ISSUED:
                issue_penalty(ws, outcome, prices)
    for outcome in years:  # documents as they stand after this run
        outcome.documents = current_documents(ws, outcome.year)
    mark_roles(ws, files, plans)
    write_reviews(ws, files)
    write_summary(ws, files, years, inbox=options.inbox, prices_path=options.prices_path, skipped=skipped)
    ws.checkpoint("summary written")
    if ws.staging.exists():
        shutil.rmtree(ws.staging)
    recorded = recorded_open_items(ws.ledger)
    current = [d.pdf_path for d in ws.ledger.documents(current_only=True)]
    open_items = {path: recorded[path] for path in sorted(current) if recorded.get(path)}
    return RunResult(files, years, ws.written, ws.notes, ws.out, ws.ledger.path, skipped, open_items)


def _check_settings(ws: Workspace, options: RunOptions, prices: PenaltyPrices | None) -> None:
    """One ledger, one contract and one output folder; record the prices file used (for `status`)."""
    ledger, contract = ws.ledger, ws.contract
    recorded = ledger.meta("contract_id")
    if recorded is not None and recorded != contract.id:
        raise RunError(
            f"this ledger belongs to contract '{recorded}', not '{contract.id}'; use that contract or a new --db"
        )
    out_rel = os.path.relpath(ws.out.resolve(), ledger.path.resolve().parent)
    recorded_out = ledger.meta("out_dir")
    if recorded_out is not None and recorded_out != out_rel:
        where = (ledger.path.resolve().parent / recorded_out).resolve()
        raise RunError(f"this ledger's documents are in {where}; run with --out {where} (or use a new --db)")
    settings = {"contract_id": contract.id, "out_dir": out_rel}
    if prices is not None:
        settings["prices_path"] = str(prices.path.resolve())
        settings["prices_sha256"] = prices.sha256
    if any(ledger.meta(k) != v for k, v in settings.items()):
        with ledger.transaction():
            ledger.set_meta(settings)


def _record_conflicts(ws: Workspace, plans: list[YearPlan]) -> None:
    """A conflict is recorded once per set of competing reports (a re-run adds nothing)."""
    with ws.ledger.transaction():
        for plan in plans:
            if plan.status != YearStatus.CONFLICTING:
                continue
            known = ws.ledger.events(year=plan.year, kinds=("conflict",))
            if known and set(known[-1].data["reports"]) == set(plan.candidates):
                continue
            ws.ledger.add_event("conflict", year=plan.year, on_date=None, data={"reports": sorted(plan.candidates)})
    ws.checkpoint("conflicts recorded")


def prepare(out_dir: Path, *, by: str, as_of: dt.date, contract_path: Path | None = None,
            toolkit: Toolkit | None = None) -> RunResult:
    """The review desk's Prepare: the main job on the output folder's own inbox (the desk's uploads,
    operations.uploads), with the prices file the ledger records, its documents prepared by `by`."""
    db = out_dir / "ledger.sqlite"
    prices_path = None
    if db.exists():
        with open_ledger(db, create=False) as ledger:
            recorded = ledger.meta("prices_path")
        prices_path = Path(recorded) if recorded and Path(recorded).is_file() else None
    try:
        desk_inbox(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(fault_sentence(exc, out_dir)) from None
    return run(RunOptions(inbox=desk_inbox(out_dir), out_dir=out_dir, as_of=as_of, contract_path=contract_path,
                          prices_path=prices_path, db_path=db, workers=1, prepared_by=by, signed_in=True), toolkit)
