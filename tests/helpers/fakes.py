"""A stand-in for the extractor and the renderer, so the run's own logic is tested fast.

Fake reports are small YAML files (`fake-report: true`, year, revenue, status...); fake documents are text
files whose bytes depend only on their inputs, as the real renderer's do. Run as a script, it is the main job
with this toolkit (the crash test kills it in a subprocess), from the repository root:
    PYTHONPATH=tests python -m helpers.fakes INBOX OUT AS_OF [PRICES]
end_state() is what a run leaves behind (ledger rows and the files with their sha256), to compare two runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import sys
from pathlib import Path

import yaml

from compliance.documents import RenderedDocument
from compliance.documents.registry import due_documents
from compliance.operations.run import RunOptions, run
from compliance.operations.workspace import Toolkit
from compliance.values.digest import sha256_file
from helpers.examples import EXAMPLE_1 as WORKED_EXAMPLE_1

# Worked example 1 (docs/contract-reading.md): revenues and the releases they give.
EXAMPLE_1 = WORKED_EXAMPLE_1.revenues
EXAMPLE_1_RELEASES = WORKED_EXAMPLE_1.releases
PERIODS = {1: ("2025-12-01", "2026-11-30"), 2: ("2026-12-01", "2027-11-30"), 3: ("2027-12-01", "2028-11-30"),
           4: ("2028-12-01", "2029-11-30"), 5: ("2029-12-01", "2030-11-30")}


def write_report(folder: Path, name: str, year: int, revenue: str | None = None, *, status: str = "accepted",
                 report_date: str | None = None, extra: str = "") -> Path:
    """A fake audit report for `year` (worked example 1's revenue unless given)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"fake-report": True, "year": year, "revenue": revenue or EXAMPLE_1[year], "status": status,
            "report_date": report_date or f"{2026 + year}-01-15", "extra": extra}
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    return path


def example_inbox(folder: Path) -> Path:
    for year in EXAMPLE_1:
        write_report(folder, f"year{year}.pdf", year)
    return folder


class FakeToolkit(Toolkit):
    def __init__(self) -> None:
        super().__init__()
        self.extracted: list[str] = []
        self.rendered: list[str] = []

    def extract(self, paths, contract, *, evidence_dir, workers, progress):
        results = []
        for path in paths:
            self.extracted.append(Path(path).name)
            raw = Path(path).read_bytes()
            sha = hashlib.sha256(raw).hexdigest()
            try:
                data = yaml.safe_load(raw.decode("utf-8"))
                assert isinstance(data, dict) and data.get("fake-report")
            except Exception:
                results.append({"file": str(path), "sha256": sha, "status": "rejected", "assessment_year": None,
                                "operating_revenue": None, "report_date": None, "problems": [
                                    {"code": "not_pdf", "severity": "reject", "message": "The file is not a PDF."}]})
                continue
            year = data["year"]
            problems = []
            if data["status"] == "needs_review":
                problems = [{"code": "opinion_modified", "severity": "review",
                             "message": "The auditor's opinion is qualified."}]
            results.append({
                "file": str(path), "sha256": sha, "status": data["status"], "entity": "Zhejiang Ordinary Smile",
                "period_start": PERIODS[year][0], "period_end": PERIODS[year][1], "assessment_year": year,
                "operating_revenue": data["revenue"], "currency": "CNY", "unit": "元", "auditor": "Fake CPA LLP",
                "opinion": "unqualified", "report_date": data["report_date"], "report_number": None,
                "evidence": None, "problems": problems,
            })
            if progress:
                progress(len(results), len(paths))
        return results

    @staticmethod
    def _write(out_base: Path, kind: str, slot: str, text: str, draft: bool = False) -> RenderedDocument:
        out_base.parent.mkdir(parents=True, exist_ok=True)
        shas = []
        for suffix in (".pdf", ".docx"):
            data = f"{'DRAFT ' if draft else ''}{suffix} {kind}\n{text}\n".encode()
            out_base.with_suffix(suffix).write_bytes(data)
            shas.append(hashlib.sha256(data).hexdigest())
        return RenderedDocument(kind, slot, out_base.with_suffix(".pdf"), out_base.with_suffix(".docx"), shas[0],
                                shas[1], hashlib.sha256(text.encode()).hexdigest()[:12].upper())

    def render_year(self, contract, determined, *, as_of, out_dir, report, released=None, awaiting_approval=False,
                    versions=None, earlier_reports=None):
        """The kinds the registry says are due, as text files naming the figures they would print (a draft
        awaiting approval says DRAFT first; its document ID is the final's, as the real renderer's is)."""
        year, result = determined.year, determined.result
        written = []
        for kind in due_documents(determined):
            slot = kind.slot(year)
            self.rendered.append(slot)
            if kind.per_year:
                text = (f"year {year} release {result.release_shares} dated {as_of} revenue "
                        f"{determined.revenues[year]} report {report['sha256']} {report['file']}")
            else:
                text = f"cancel {determined.assessment.cancelled_at_expiry} dated {as_of}"
            written.append(self._write(Path(out_dir) / slot, kind.name, slot, text, draft=awaiting_approval))
        return written

    def render_penalty(self, contract, result, *, as_of, prices_source, outstanding, out_base, prices_sha256=None,
                       alternatives=(), awaiting_approval=True):
        """A draft awaiting approval says DRAFT first, as the year's letters do."""
        slot = f"year-{result.year}/penalty-statement"
        self.rendered.append(slot)
        text = (f"year {result.year} shares {result.shares} released_on {result.released_on} days "
                f"{result.days_late} penalty {result.penalty} dated {as_of} prices {prices_source}"
                f"{' outstanding' if outstanding else ''}")
        return self._write(Path(out_base), "penalty-statement", slot, text, draft=awaiting_approval)


def run_fake(inbox: Path, out: Path, as_of: str | dt.date, prices: Path | None = None, toolkit=None, **options):
    toolkit = toolkit or FakeToolkit()
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    result = run(RunOptions(inbox=inbox, out_dir=out, as_of=day, prices_path=prices, **options), toolkit)
    return result, toolkit


def ledger_state(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables}
    finally:
        conn.close()


def folder_state(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): sha256_file(p) for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith("ledger.sqlite")}


def end_state(out: Path) -> tuple:
    return ledger_state(out / "ledger.sqlite"), folder_state(out)


if __name__ == "__main__":
    inbox, out, as_of = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    prices = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    outcome, _ = run_fake(inbox, out, as_of, prices)
    sys.exit(outcome.exit_code)
