"""A stand-in for the extractor and the renderer, so the run's own logic is tested fast.

Fake reports are small YAML files (`fake-report: true`, year, revenue, status...); fake documents are text
files whose bytes depend only on their inputs, as the real renderer's do. Run as a script, it is the main job
with this toolkit (the crash test kills it in a subprocess):
    python tests/test_run_fakes.py INBOX OUT AS_OF [PRICES]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from decimal import Decimal
from pathlib import Path

import yaml

from compliance.documents import RenderedDocument
from compliance.operations.run import RunOptions, Toolkit, run
from compliance.rules.earnout import assess

# Worked example 1 (contract-reading.md): revenues and the releases they give.
EXAMPLE_1 = {1: "702345678.90", 2: "731250000.00", 3: "912234567.00", 4: "870004211.35", 5: "1012456789.00"}
EXAMPLE_1_RELEASES = {1: 3_000_000, 2: 2_996_926, 3: 3_003_074, 4: 2_949_166, 5: 3_050_834}
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
    def _write(out_base: Path, kind: str, text: str) -> RenderedDocument:
        out_base.parent.mkdir(parents=True, exist_ok=True)
        shas = []
        for suffix in (".pdf", ".docx"):
            data = f"{suffix} {kind}\n{text}\n".encode()
            out_base.with_suffix(suffix).write_bytes(data)
            shas.append(hashlib.sha256(data).hexdigest())
        return RenderedDocument(kind, out_base.with_suffix(".pdf"), out_base.with_suffix(".docx"), shas[0], shas[1],
                        hashlib.sha256(text.encode()).hexdigest()[:12].upper())

    def render_year(self, contract, revenues, year, *, as_of, out_dir, report, reading):
        result = assess(contract, revenues, reading).year(year)
        kinds = ["joint-instruction", "release-notice"] + ([] if result.met else ["deduction-notice"])
        kinds.append("assessment-report")
        self.rendered += [f"year-{year}/{kind}" for kind in kinds]
        text = (f"year {year} release {result.release_shares} dated {as_of} revenue {revenues[year]} "
                f"report {report['sha256']} {report['file']}")
        return [self._write(Path(out_dir) / f"year-{year}" / kind, kind, text) for kind in kinds]

    def render_cancellation(self, contract, revenues, *, as_of, out_dir, reading):
        self.rendered.append("cancellation-instruction")
        cancel = assess(contract, revenues, reading).cancelled_at_expiry
        return self._write(Path(out_dir) / "cancellation-instruction", "cancellation-instruction",
                           f"cancel {cancel} dated {as_of}")

    def render_penalty(self, contract, result, *, as_of, prices_source, out_base):
        self.rendered.append(f"year-{result.year}/penalty-statement")
        text = (f"year {result.year} shares {result.shares} released_on {result.released_on} days "
                f"{result.days_late} penalty {result.penalty} dated {as_of} prices {prices_source}")
        return self._write(Path(out_base), "penalty-statement", text)


def run_fake(inbox: Path, out: Path, as_of: str | dt.date, prices: Path | None = None, toolkit=None, **options):
    toolkit = toolkit or FakeToolkit()
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    result = run(RunOptions(inbox=inbox, out_dir=out, as_of=day, prices_path=prices, **options), toolkit)
    return result, toolkit


def revenue(value: str) -> Decimal:
    return Decimal(value)


if __name__ == "__main__":
    inbox, out, as_of = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    prices = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    outcome, _ = run_fake(inbox, out, as_of, prices)
    sys.exit(outcome.exit_code)
