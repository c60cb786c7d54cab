"""`compliance run`: an inbox of audit reports to a ledger and a folder of signed-ready documents.

1. Every file in the inbox is hashed; contents the ledger has not seen are read by the extractor (a
   process pool). Each file is recorded once by its sha256; another name for known content only adds the
   name. One transaction.
2. Each Assessment Year with exactly one accepted report (or a recorded resolution) is determined under
   SPA 5.2 from the revenues of years 1..N (see ledger/years.py for what blocks a year). A determination is
   a function of its inputs (contract, reading, revenues, reports): its `input_key`. A year whose current
   determination has the same key is left alone, so a second run writes nothing.
3. New documents are rendered into `DIR/.staging/<key>/`, recorded in the ledger (one transaction, with
   their sha256), then moved to their final names. A changed determination (a resolved conflict) writes
   `<kind>.v2.pdf` beside the old file and records which supersedes which; nothing issued is overwritten.
4. With --prices, a penalty statement (SPA 8.2) for each year whose deadline passed before the as-of date
   without the instructed shares released.
5. `DIR/review/<file>.json` for each file not accepted and `DIR/summary.json`, written only when changed.

Dates: documents carry the as-of date of the run that first issued them. A later run with a later --as-of
re-issues nothing unless the figures behind a document change; a penalty statement for a release still
outstanding does change with the as-of date (more days late), so such a run writes its next version.

Crash safety: files are written under a temporary name and renamed, ledger changes are transactions, and
the ledger records a document before its file is moved into place. Every run starts by restoring recorded
documents whose files are missing (from the staging folder, or by rendering them again: rendering is
deterministic), so a run killed at any moment and started again ends as an uninterrupted run would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from compliance.contract import Contract, ContractError, load_contract
from compliance.documents import RenderedDocument
from compliance.ledger import DEFAULT_WAIT_SECONDS, Document, Ledger, LedgerBusy, LedgerError, open_ledger, writer_lock
from compliance.ledger.events import canonical_json
from compliance.operations.planning import (
    CONFLICTING,
    YearPlan,
    contract_fingerprint,
    determination_inputs,
    documents_received_on,
    excluded_periods,
    input_key,
    overdue,
    plan_years,
    releases,
)
from compliance.rules.earnout import assess
from compliance.rules.earnout_json import year_json
from compliance.values.files import (
    FileConflict,
    json_bytes,
    place_file,
    remove_stale_temporaries,
    sha256_file,
    versioned_name,
    write_if_changed,
)

# Test hooks (read only when set): kill the run at the K-th checkpoint, and log the checkpoints passed.
KILL_AT_ENV = "COMPLIANCE_TEST_KILL_AT"
CHECKPOINT_LOG_ENV = "COMPLIANCE_TEST_CHECKPOINT_LOG"

STAGING = ".staging"
CANCELLATION_SLOT = "cancellation-instruction"
STATUSES = ("accepted", "needs_review", "rejected")
_FORMATS = (("pdf_path", "pdf_sha256", ".pdf"), ("docx_path", "docx_sha256", ".docx"))


class RunError(Exception):
    """The run cannot start as asked (bad inbox, contract, prices, busy ledger); one plain line, exit 2."""


@dataclass(frozen=True)
class RunOptions:
    inbox: Path
    out_dir: Path
    as_of: dt.date
    contract_path: Path | None = None
    prices_path: Path | None = None
    db_path: Path | None = None
    wait: float = DEFAULT_WAIT_SECONDS
    workers: int = 2
    progress: Callable[[int, int], None] | None = None


@dataclass
class FileOutcome:
    name: str
    sha256: str | None
    size: int | None
    status: str
    year: int | None
    revenue: str | None
    problems: list[dict]
    also_named: list[str] = field(default_factory=list)  # other names of the same content in the ledger
    role: str | None = None  # what the file does for its year: decides / conflicting / set aside


@dataclass
class YearOutcome:
    year: int
    status: str  # issued | the YearPlan status | premature | error
    report_sha256: str | None
    report_name: str | None
    revenue: str | None
    release_shares: int | None
    deadline: dt.date
    documents: list[Document]
    note: str = ""
    penalty: dict | None = None


@dataclass
class RunResult:
    files: list[FileOutcome]
    years: list[YearOutcome]
    written: list[str]  # files placed in DIR by this run, relative to DIR
    notes: list[str]
    out_dir: Path
    ledger_path: Path

    @property
    def exit_code(self) -> int:
        """0 when every file was accepted and no year needs a decision; 1 otherwise."""
        files_ok = all(f.status == "accepted" for f in self.files)
        years_ok = all(y.status not in (CONFLICTING, "error") for y in self.years)
        return 0 if files_ok and years_ok else 1


class Toolkit:
    """The other areas' functions the run calls; tests pass a fake with the same methods."""

    def __init__(self) -> None:
        self._renderer = None

    def extract(self, paths: Sequence[Path], contract: Contract, *, evidence_dir: Path, workers: int,
                progress: Callable[[int, int], None] | None) -> list[dict]:
        from compliance.extract import extract_batch

        results = extract_batch(list(paths), contract, evidence_dir=evidence_dir, workers=workers,
                                progress=progress)
        return [result.to_json() for result in results]

    def renderer(self):
        if self._renderer is None:
            from compliance.documents import Renderer

            self._renderer = Renderer()
        return self._renderer

    def render_year(self, contract, revenues, year, *, as_of, out_dir, report, reading) -> list:
        from compliance.documents import render_year

        return render_year(contract, revenues, year, as_of=as_of, out_dir=out_dir, renderer=self.renderer(),
                           report=report, reading=reading)

    def render_cancellation(self, contract, revenues, *, as_of, out_dir, reading):
        from compliance.documents import render_cancellation

        return render_cancellation(contract, revenues, as_of=as_of, out_dir=out_dir, renderer=self.renderer(),
                                   reading=reading)

    def load_prices(self, path: Path):
        from compliance.values.prices import PriceFileError, load_prices

        try:
            return load_prices(path)
        except PriceFileError as exc:
            raise RunError(str(exc)) from None

    def penalty(self, contract, *, year, shares, released_on, prices, valuation, excluded, documents_received_on):
        from compliance.rules.penalty import Period, compute_penalty

        periods = [Period(start, end, kind) for start, end, kind in excluded]
        return compute_penalty(contract, year=year, shares=shares, released_on=released_on, prices=prices,
                               valuation=valuation, excluded=periods, documents_received_on=documents_received_on)

    def render_penalty(self, contract, result, *, as_of, prices_source: str, out_base: Path):
        from compliance.rules.penalty import penalty_statement_context

        context = penalty_statement_context(contract, result, as_of=as_of, prices_source=prices_source)
        return self.renderer().render("penalty-statement", context, out_base, as_of=as_of)


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


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or exc.__class__.__name__


def run(options: RunOptions, toolkit: Toolkit | None = None) -> RunResult:
    """Run the main job; raises RunError (usage, exit 2) before anything is written when it cannot start."""
    toolkit = toolkit or Toolkit()
    try:
        contract = load_contract(options.contract_path)
    except ContractError as exc:
        raise RunError(str(exc)) from None
    if options.inbox.exists() and not options.inbox.is_dir():
        raise RunError(f"{options.inbox} is a file, not a folder (the inbox must be a folder of audit reports)")
    if not options.inbox.is_dir():
        raise RunError(f"{options.inbox}: no such folder (the inbox must be a folder of audit reports)")
    prices = toolkit.load_prices(options.prices_path) if options.prices_path else None
    out = options.out_dir
    if out.exists() and not out.is_dir():
        raise RunError(f"{out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"--out {out}: cannot create the folder ({exc.strerror or exc.__class__.__name__})") from None
    db = options.db_path or out / "ledger.sqlite"
    try:
        with writer_lock(db, what="run", wait=options.wait), open_ledger(db) as ledger:
            return _Run(options, contract, prices, ledger, toolkit).execute()
    except (LedgerBusy, LedgerError) as exc:
        raise RunError(str(exc)) from None


class _Run:
    def __init__(self, options: RunOptions, contract: Contract, prices, ledger: Ledger, toolkit: Toolkit) -> None:
        self.options = options
        self.contract = contract
        self.prices = prices
        self.ledger = ledger
        self.toolkit = toolkit
        self.out = options.out_dir
        self.staging = self.out / STAGING
        self.as_of = options.as_of
        self.reading = contract.default_reading
        self.contract_sha = contract_fingerprint(contract)
        self.last_year = contract.assessment_years[-1].number
        self.prices_sha = sha256_file(options.prices_path) if options.prices_path else None
        self.written: list[str] = []
        self.notes: list[str] = []
        self.checkpoint = _Checkpoints()

    # --- the steps -----------------------------------------------------------------------------------
    def execute(self) -> RunResult:
        self._check_settings()
        remove_stale_temporaries(self.out)
        files = self._scan_inbox()
        self._record_files(files)
        self.checkpoint("files recorded")
        self._restore_documents()
        plans = plan_years(self.ledger, self.contract)
        self._record_conflicts(plans)
        years = [self._issue_year(plan, plans) for plan in plans]
        if self.prices is not None:
            for outcome in years:
                if outcome.status == "issued":
                    self._penalty(outcome)
        for outcome in years:  # documents as they stand after this run
            outcome.documents = self._year_documents(outcome.year)
        self._mark_roles(files, plans)
        self._write_reviews(files)
        self._write_summary(files, years)
        self.checkpoint("summary written")
        if self.staging.exists():
            shutil.rmtree(self.staging)
        return RunResult(files, years, self.written, self.notes, self.out, self.ledger.path)

    def _check_settings(self) -> None:
        """One ledger, one contract and one output folder; record the prices file used (for `status`)."""
        recorded = self.ledger.meta("contract_id")
        if recorded is not None and recorded != self.contract.id:
            raise RunError(
                f"this ledger belongs to contract '{recorded}', not '{self.contract.id}'; use that contract or "
                "a new --db"
            )
        out_rel = os.path.relpath(self.out.resolve(), self.ledger.path.resolve().parent)
        recorded_out = self.ledger.meta("out_dir")
        if recorded_out is not None and recorded_out != out_rel:
            where = (self.ledger.path.resolve().parent / recorded_out).resolve()
            raise RunError(f"this ledger's documents are in {where}; run with --out {where} (or use a new --db)")
        settings = {"contract_id": self.contract.id, "out_dir": out_rel}
        if self.options.prices_path is not None:
            settings["prices_path"] = str(self.options.prices_path.resolve())
            settings["prices_sha256"] = self.prices_sha
        if any(self.ledger.meta(k) != v for k, v in settings.items()):
            with self.ledger.transaction():
                self.ledger.set_meta(settings)

    def _scan_inbox(self) -> list[FileOutcome]:
        files = []
        for path in sorted(p for p in self.options.inbox.iterdir() if not p.name.startswith(".")):
            if not path.is_file():
                continue
            try:
                files.append(FileOutcome(path.name, sha256_file(path), path.stat().st_size, "", None, None, []))
            except OSError as exc:
                problem = {"code": "unreadable", "severity": "reject",
                           "message": f"The file cannot be read ({exc.strerror or exc.__class__.__name__})."}
                files.append(FileOutcome(path.name, None, None, "rejected", None, None, [problem]))
        return files

    def _record_files(self, files: list[FileOutcome]) -> None:
        first: dict[str, FileOutcome] = {}
        for item in files:
            if item.sha256 and not self.ledger.has_report(item.sha256):
                first.setdefault(item.sha256, item)
        fresh = list(first.values())
        extracted: dict[str, dict] = {}
        if fresh:
            paths = [self.options.inbox / item.name for item in fresh]
            results = self.toolkit.extract(paths, self.contract, evidence_dir=self.out / "evidence",
                                           workers=self.options.workers, progress=self.options.progress)
            for item, result in zip(fresh, results, strict=True):
                extracted[item.sha256] = self._normalise(result, item)
        with self.ledger.transaction():
            for item in files:
                if item.sha256 is None:
                    continue
                if item.sha256 in extracted and not self.ledger.has_report(item.sha256):
                    self.ledger.add_report(item.sha256, item.size, item.name, extracted[item.sha256])
                else:
                    self.ledger.add_name(item.sha256, item.name)
        for item in files:
            if item.sha256 is None:
                continue
            data = self.ledger.extraction(item.sha256)
            item.status, item.year = data["status"], data.get("assessment_year")
            item.revenue, item.problems = data.get("operating_revenue"), data.get("problems", [])
            item.also_named = [name for name in self.ledger.report_names(item.sha256) if name != item.name]

    @staticmethod
    def _normalise(result: dict, item: FileOutcome) -> dict:
        """The extraction as stored: named after the file (not its inbox path), with our sha256."""
        data = dict(result)
        data["file"] = item.name
        data["sha256"] = item.sha256
        if data.get("status") not in STATUSES:
            data["status"] = "rejected"
            data["problems"] = [*data.get("problems", []), {
                "code": "extractor_error", "severity": "reject",
                "message": "The extractor returned no usable status for this file."}]
        return data

    def _record_conflicts(self, plans: list[YearPlan]) -> None:
        """A conflict is recorded once per set of competing reports (a re-run adds nothing)."""
        with self.ledger.transaction():
            for plan in plans:
                if plan.status != CONFLICTING:
                    continue
                known = self.ledger.events(year=plan.year, kinds=("conflict",))
                if known and set(known[-1].data["reports"]) == set(plan.candidates):
                    continue
                self.ledger.add_event("conflict", year=plan.year, on_date=None,
                                      data={"reports": sorted(plan.candidates)})
        self.checkpoint("conflicts recorded")

    # --- determinations and their documents -----------------------------------------------------------
    def _report_for_documents(self, sha256: str) -> dict:
        report = dict(self.ledger.extraction(sha256))
        png = (report.get("evidence") or {}).get("png_path")
        if png and Path(png).is_file():
            report["evidence_png"] = png
        return report

    def _render_determination(self, year: int, revenues: dict[int, Decimal], report_sha: str, as_of: dt.date,
                              key: str) -> list[tuple[str, RenderedDocument]]:
        """(slot, rendered) for every document of the year, written under the staging folder."""
        folder = self.staging / key[:16]
        rendered = self.toolkit.render_year(self.contract, revenues, year, as_of=as_of, out_dir=folder,
                                            report=self._report_for_documents(report_sha), reading=self.reading)
        pairs = [(f"year-{year}/{doc.kind}", doc) for doc in rendered]
        if year == self.last_year:  # SPA 5.2(1): retained shares go back for cancellation at expiry
            cancellation = self.toolkit.render_cancellation(self.contract, revenues, as_of=as_of, out_dir=folder,
                                                            reading=self.reading)
            pairs.append((CANCELLATION_SLOT, cancellation))
        return pairs

    def _premature(self, year: int, report: dict) -> str | None:
        end = self.contract.year(year).end
        if self.as_of <= end:
            return f"the as-of date {self.as_of} is not after the end of Assessment Year {year} ({end})"
        report_date = report.get("report_date")
        if report_date and dt.date.fromisoformat(report_date) > self.as_of:
            return (f"the report is dated {report_date}, after the as-of date {self.as_of}; documents cannot be "
                    "dated before the report they rely on")
        return None

    def _outcome(self, plan: YearPlan, status: str, note: str = "") -> YearOutcome:
        current = self.ledger.current_determination(plan.year)
        sha = plan.report_sha256 or (current.report_sha256 if current else None)
        revenue = self.ledger.extraction(sha)["operating_revenue"] if sha else None
        return YearOutcome(
            plan.year, status, sha, self.ledger.first_name(sha) if sha else None, revenue,
            current.release_shares if current else None, self.contract.release_deadline(plan.year),
            [], note or plan.note,
        )

    def _issue_year(self, plan: YearPlan, plans: list[YearPlan]) -> YearOutcome:
        if not plan.ready:
            return self._outcome(plan, plan.status)
        revenues, reports = determination_inputs(self.ledger, plans, plan.year)
        key = input_key(self.contract_sha, self.reading, plan.year, revenues, reports)
        current = self.ledger.current_determination(plan.year)
        if current is not None and current.input_key == key:
            return self._outcome(plan, "issued")
        report = self.ledger.extraction(plan.report_sha256)
        too_early = self._premature(plan.year, report)
        if too_early:
            return self._outcome(plan, "premature", too_early)
        try:
            pairs = self._render_determination(plan.year, revenues, plan.report_sha256, self.as_of, key)
        except Exception as exc:  # a document that cannot be rendered stops this year only
            return self._outcome(plan, "error", f"documents for year {plan.year} could not be rendered: "
                                                f"{_one_line(exc)}")
        self.checkpoint(f"year {plan.year} rendered")
        documents = self._document_rows(pairs, key)
        if (problem := self._blocked_targets(documents)) is not None:
            return self._outcome(plan, "error", problem)
        assessment = assess(self.contract, revenues, self.reading)
        result = assessment.year(plan.year)
        determination = {
            "year": plan.year, "input_key": key, "reading": self.reading, "contract_id": self.contract.id,
            "contract_sha256": self.contract_sha, "report_sha256": plan.report_sha256,
            "revenues_json": canonical_json({str(k): str(v) for k, v in revenues.items()}),
            "reports_json": canonical_json({str(k): v for k, v in reports.items()}),
            "figures_json": canonical_json(year_json(result)), "release_shares": result.release_shares,
            "as_of": self.as_of.isoformat(),
        }
        year_docs = [d for d in documents if d["slot"] != CANCELLATION_SLOT]
        new_slots = {d["slot"] for d in year_docs}
        withdraw = [d for d in self.ledger.documents(current_only=True)
                    if d.year == plan.year and d.kind != "penalty-statement" and d.slot not in new_slots]
        with self.ledger.transaction():
            determination_id, _ = self.ledger.issue(
                "instructed", year=plan.year, as_of=self.as_of, documents=year_docs, determination=determination,
                withdraw=withdraw,
                data={"input_key": key, "report": plan.report_sha256, "release_shares": result.release_shares,
                      "revenues": {str(k): str(v) for k, v in revenues.items()}},
            )
            cancellation = [d for d in documents if d["slot"] == CANCELLATION_SLOT]
            if cancellation:  # SPA 5.2(1): deducted shares not restored are cancelled at expiry
                self.ledger.issue("cancellation_instructed", year=None, as_of=self.as_of, documents=cancellation,
                                  determination_id=determination_id,
                                  data={"cancel_shares": assessment.cancelled_at_expiry})
        self.checkpoint(f"year {plan.year} recorded")
        self._place(documents, key)
        return self._outcome(plan, "issued")

    def _document_rows(self, pairs: list[tuple[str, RenderedDocument]], key: str) -> list[dict[str, Any]]:
        rows = []
        for slot, doc in pairs:
            version = self.ledger.next_version(slot)
            folder, _, name = slot.rpartition("/")
            prefix = f"{folder}/" if folder else ""
            rows.append({
                "slot": slot, "version": version, "kind": doc.kind,
                "year": int(folder.removeprefix("year-")) if folder else None, "input_key": key,
                "pdf_path": prefix + versioned_name(f"{name}.pdf", version), "pdf_sha256": doc.pdf_sha256,
                "docx_path": prefix + versioned_name(f"{name}.docx", version), "docx_sha256": doc.docx_sha256,
                "document_id": doc.document_id,
            })
        return rows

    def _blocked_targets(self, documents: list[dict[str, Any]]) -> str | None:
        """A final name already taken by a file the ledger did not issue stops the year (never overwritten)."""
        for doc in documents:
            for path_key, sha_key in (("pdf_path", "pdf_sha256"), ("docx_path", "docx_sha256")):
                target = self.out / doc[path_key]
                if target.exists() and sha256_file(target) != doc[sha_key]:
                    return (f"{target} already exists and was not issued by this ledger; move it away and run "
                            "again")
        return None

    def _place(self, documents: list[dict[str, Any]], key: str) -> None:
        """Move staged files to their final names (the ledger already records them)."""
        for doc in documents:
            for path_key, sha_key, suffix in _FORMATS:
                staged = self.staging / key[:16] / f"{doc['slot']}{suffix}"
                target = self.out / doc[path_key]
                try:
                    if staged.exists() and place_file(staged, target, doc[sha_key]):
                        self.written.append(doc[path_key])
                except FileConflict as exc:
                    self.notes.append(str(exc))
                self.checkpoint(f"placed {doc[path_key]}")
        shutil.rmtree(self.staging / key[:16], ignore_errors=True)

    def _year_documents(self, year: int) -> list[Document]:
        return [d for d in self.ledger.documents(current_only=True)
                if d.year == year or (d.slot == CANCELLATION_SLOT and year == self.last_year)]

    # --- crash recovery -------------------------------------------------------------------------------
    def _restore_documents(self) -> None:
        """Put back every recorded document whose file is missing: from staging, or rendered again."""
        missing: dict[str, list[Document]] = {}
        for doc in self.ledger.documents():
            for rel, sha in ((doc.pdf_path, doc.pdf_sha256), (doc.docx_path, doc.docx_sha256)):
                target = self.out / rel
                if not target.exists():
                    missing.setdefault(doc.input_key, [])
                    if doc not in missing[doc.input_key]:
                        missing[doc.input_key].append(doc)
                elif sha256_file(target) != sha:
                    self.notes.append(f"{target} differs from the document the ledger recorded as issued (sha256 "
                                      f"{sha[:12]}...); it was changed after issue and is left as it is")
        for key, docs in missing.items():
            rows = [self._row_of(doc) for doc in docs]
            staged = [self.staging / key[:16] / f"{doc.slot}{suffix}" for doc in docs for *_, suffix in _FORMATS]
            if not all(path.exists() for path in staged):
                try:
                    self._render_again(key, docs)
                except Exception as exc:
                    self.notes.append(f"could not restore {docs[0].pdf_path}: {_one_line(exc)}")
                    continue
            self._place(rows, key)
            for doc in docs:
                for rel in (doc.pdf_path, doc.docx_path):
                    if not (self.out / rel).exists():
                        self.notes.append(f"could not restore {rel}: rendering it again gave other bytes than "
                                          "the ledger recorded")
        self.checkpoint("documents restored")

    @staticmethod
    def _row_of(doc: Document) -> dict[str, Any]:
        return {"slot": doc.slot, "pdf_path": doc.pdf_path, "pdf_sha256": doc.pdf_sha256,
                "docx_path": doc.docx_path, "docx_sha256": doc.docx_sha256}

    def _render_again(self, key: str, docs: list[Document]) -> None:
        first = docs[0]
        if first.kind == "penalty-statement":
            event = next(e for e in self.ledger.events(year=first.year, kinds=("penalty_assessed",))
                         if e.data["input_key"] == key)
            self._render_penalty(first.year, event.data["inputs"], key, first.as_of)
            return
        determination = self.ledger.determination(first.determination_id)
        revenues = {year: Decimal(value) for year, value in determination.revenues.items()}
        self._render_determination(determination.year, revenues, determination.report_sha256,
                                   determination.as_of, key)

    # --- SPA 8.2 ----------------------------------------------------------------------------------------
    def _penalty(self, outcome: YearOutcome) -> None:
        determination = self.ledger.current_determination(outcome.year)
        late = overdue(self.contract, determination, releases(self.ledger, outcome.year), self.as_of)
        if late is None:
            return
        periods = [
            [p.start.isoformat(), min(p.end or self.as_of, late.released_on).isoformat(), p.kind]
            for p in excluded_periods(self.ledger, outcome.year) if p.start <= late.released_on
        ]
        received = documents_received_on(self.ledger, outcome.year)
        inputs = {
            "determination": determination.input_key, "shares": late.shares,
            "released_on": late.released_on.isoformat(), "outstanding": late.outstanding,
            "valuation": self.contract.penalty.default_valuation, "periods": periods,
            "documents_received_on": received.isoformat() if received else None,
            "prices_path": str(self.options.prices_path.resolve()), "prices_sha256": self.prices_sha,
        }
        key = hashlib.sha256(canonical_json({"what": "penalty/1", **inputs, "prices_path": None}).encode()).hexdigest()
        slot = f"year-{outcome.year}/penalty-statement"
        current = self.ledger.current_document(slot)
        if current is not None and current.input_key == key:
            return
        try:
            result, rendered = self._render_penalty(outcome.year, inputs, key, self.as_of)
        except Exception as exc:
            outcome.note = f"penalty statement not written: {_one_line(exc)}"
            self.notes.append(f"year {outcome.year}: {outcome.note}")
            return
        self.checkpoint(f"year {outcome.year} penalty rendered")
        rows = self._document_rows([(slot, rendered)], key)
        if (problem := self._blocked_targets(rows)) is not None:
            self.notes.append(problem)
            return
        figures = {k: result.to_json()[k] for k in ("days_late", "accrued", "cap", "penalty", "currency")}
        with self.ledger.transaction():
            self.ledger.issue("penalty_assessed", year=outcome.year, as_of=self.as_of, documents=rows,
                              determination_id=determination.id,
                              data={"input_key": key, "inputs": inputs, "result": figures})
        self.checkpoint(f"year {outcome.year} penalty recorded")
        self._place(rows, key)

    def _render_penalty(self, year: int, inputs: dict, key: str, as_of: dt.date):
        prices = self.prices
        if prices is None or self.prices_sha != inputs["prices_sha256"]:
            prices = self.toolkit.load_prices(Path(inputs["prices_path"]))
        excluded = [(dt.date.fromisoformat(s), dt.date.fromisoformat(e), kind) for s, e, kind in inputs["periods"]]
        received = inputs["documents_received_on"]
        result = self.toolkit.penalty(
            self.contract, year=year, shares=inputs["shares"], released_on=dt.date.fromisoformat(inputs["released_on"]),
            prices=prices, valuation=inputs["valuation"], excluded=excluded,
            documents_received_on=dt.date.fromisoformat(received) if received else None,
        )
        out_base = self.staging / key[:16] / f"year-{year}" / "penalty-statement"
        rendered = self.toolkit.render_penalty(self.contract, result, as_of=as_of,
                                               prices_source=Path(inputs["prices_path"]).name, out_base=out_base)
        return result, rendered

    # --- review files and the summary ---------------------------------------------------------------------
    def _mark_roles(self, files: list[FileOutcome], plans: list[YearPlan]) -> None:
        by_year = {plan.year: plan for plan in plans}
        for item in files:
            plan = by_year.get(item.year)
            if item.status != "accepted" or plan is None:
                continue
            if plan.status == CONFLICTING:
                item.role = CONFLICTING
            elif plan.report_sha256 == item.sha256:
                item.role = "decides_year"
            else:
                item.role = "set_aside_by_resolution"

    def _write_reviews(self, files: list[FileOutcome]) -> None:
        for item in files:
            if item.status == "accepted":
                continue
            data = self.ledger.extraction(item.sha256) if item.sha256 else None
            body = dict(data) if data else {"file": item.name, "sha256": None, "status": item.status,
                                            "problems": item.problems}
            body["file"] = item.name
            rel = f"review/{item.name}.json"
            if write_if_changed(self.out / rel, json_bytes(body)):
                self.written.append(rel)

    def _documents_json(self, docs: list[Document]) -> list[dict]:
        return [
            {"kind": d.kind, "version": d.version, "pdf": d.pdf_path, "pdf_sha256": d.pdf_sha256,
             "docx": d.docx_path, "docx_sha256": d.docx_sha256, "document_id": d.document_id,
             "dated": d.as_of.isoformat(), "superseded_by": d.superseded_by}
            for d in docs
        ]

    def _write_summary(self, files: list[FileOutcome], years: list[YearOutcome]) -> None:
        all_docs = self.ledger.documents()
        determinations = {d.id: d for d in self.ledger.determinations()}

        def led_to(sha: str | None) -> list[Document]:
            return [d for d in all_docs if d.determination_id in determinations
                    and determinations[d.determination_id].report_sha256 == sha]

        summary = {
            "as_of": self.as_of.isoformat(),
            "contract": self.contract.id,
            "reading": self.reading,
            "inbox": str(self.options.inbox),
            "prices": str(self.options.prices_path) if self.options.prices_path else None,
            "files": [
                {"file": f.name, "sha256": f.sha256, "size": f.size, "status": f.status, "problems": f.problems,
                 "year": f.year, "revenue": f.revenue, "also_named": f.also_named, "role": f.role,
                 "documents": self._documents_json(led_to(f.sha256)) if f.sha256 else []}
                for f in files
            ],
            "years": [
                {"year": y.year, "status": y.status, "note": y.note or None,
                 "report": {"file": y.report_name, "sha256": y.report_sha256} if y.report_sha256 else None,
                 "revenue": y.revenue, "release_shares": y.release_shares, "deadline": y.deadline.isoformat(),
                 "documents": self._documents_json(y.documents)}
                for y in years
            ],
        }
        if write_if_changed(self.out / "summary.json", json_bytes(summary)):
            self.written.append("summary.json")
