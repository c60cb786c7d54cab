"""The main job on an inbox of 100 reports: the whole `compliance run` (read, record, determine, render five
years of letters, review files, summary), then the same run again (a no-op), against references measured in
the same run on the same 100 files: PDFium reading every page's text once, and the extractor alone.

The inbox: the five accepted fixtures (one per Assessment Year, worked example 1) and 95 copies of the
other fixtures made distinct by a trailing PDF comment (other bytes, other sha256, same content), as a
busy inbox of re-sent and unusable files would be. Run without --prices: the penalty statement's cost grows
with the days late and is the penalty benchmark's business.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "audit-reports"
TRUTH = ROOT / "fixtures" / "truth.yaml"
AS_OF = dt.date(2031, 3, 31)
INBOX_SIZE = 100

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _make_inbox(folder: Path) -> list[Path]:
    import yaml

    truth = {entry["file"]: entry["status"] for entry in yaml.safe_load(TRUTH.read_text(encoding="utf-8"))}
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_file() and not p.name.startswith("."))
    accepted = [p for p in fixtures if truth.get(p.name) == "accepted"]
    others = [p for p in fixtures if truth.get(p.name) != "accepted"]
    folder.mkdir(parents=True)
    paths = []
    for source in accepted:
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        paths.append(target)
    number = 0
    while len(paths) < INBOX_SIZE:
        source = others[number % len(others)]
        target = folder / f"copy-{number:03d}-{source.name}"
        target.write_bytes(source.read_bytes() + f"\n% bench copy {number}\n".encode())  # distinct sha256
        paths.append(target)
        number += 1
    return paths


def _timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    from extract import _pdfium_every_page

    from compliance.contract import load_contract
    from compliance.extract import extract_batch
    from compliance.operations.run import RunOptions, run

    contract = load_contract()
    with tempfile.TemporaryDirectory(prefix="bench-mainjob-") as temp:
        root = Path(temp)
        paths = _make_inbox(root / "inbox")
        reference, _ = _timed(lambda: _pdfium_every_page(paths))
        extraction, _ = _timed(lambda: extract_batch(paths, contract, workers=2))
        options = RunOptions(inbox=root / "inbox", out_dir=root / "out", as_of=AS_OF)
        first, result = _timed(lambda: run(options))
        second, again = _timed(lambda: run(options))
    documents = sum(1 for path in result.written if path.endswith(".pdf"))
    print(f"   {len(paths)} reports -> {documents} documents (PDF + DOCX), "
          f"{sum(1 for f in result.files if f.status != 'accepted')} review files: whole run {first:.1f} s")
    print(f"   whole run / PDFium reading every page once: {first / reference:.1f}")
    print(f"   whole run / the extractor alone on the same files: {first / extraction:.2f} "
          f"(the rest is the ledger and rendering)")
    print(f"   second run on the same inbox (no-op, {len(again.written)} files written): {second:.2f} s = "
          f"{second / first:.3f} x the first")


if __name__ == "__main__":
    main()
