"""Extractor speed on the fixture batch (it includes the 150-page report) and on the real published reports
in ../shared/real-reports/ when they are there (100 to 200 pages each), against two references measured
in the same run: PDFium reading every page's text once (goal: ours at most 1.5 x that), and pdfplumber
reading every page's words (what reading everything with pdfplumber would cost)."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "fixtures" / "audit-reports"
REAL_REPORTS = ROOT.parent / "shared" / "real-reports"


def _pdfium_every_page(paths: list[Path]) -> None:
    import pypdfium2 as pdfium

    for path in paths:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue  # the bad inputs: nothing to read
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
        finally:
            document.close()


def _pdfplumber_every_page(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        try:
            with pdfplumber.open(str(path)) as pdf:
                for page in pdf.pages:
                    page.extract_words()
                    page.close()
        except Exception:  # noqa: BLE001 - the bad inputs: nothing to read
            continue


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    import logging

    from compliance.contract import load_contract
    from compliance.extract import extract_batch

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    # text-layer files only: the scan is read by OCR, measured against RapidOCR in bench/ocr.py
    every = sorted(path for path in REPORTS.glob("*.pdf") if "scanned" not in path.name)
    if not every:
        print("   no fixtures in fixtures/audit-reports yet")
        return
    contract = load_contract()
    longest = max(every, key=lambda path: _page_count([path]))
    accepted = sorted(REPORTS.glob("y[1-5]-*.pdf")) or [longest]
    batches = [("all fixtures", every), ("the five accepted reports", accepted), ("the longest alone", [longest])]
    real = [path for path in sorted(REAL_REPORTS.glob("*.pdf")) if not _scanned(path)]
    if real:
        batches.append(("the real published reports with a text layer", real))
    for title, paths in batches:
        reference = _best(lambda paths=paths: _pdfium_every_page(paths), 3)
        pool = _best(lambda paths=paths: extract_batch(paths, contract, workers=2), 3) if len(paths) > 1 else None
        serial = _best(lambda paths=paths: extract_batch(paths, contract, workers=0), 3)
        print(f"   {title}: {len(paths)} files, {_page_count(paths)} pages; "
              f"PDFium text of every page {reference:.2f} s")
        if pool is not None:
            print(f"      ours, pool of 2 workers: {pool:.2f} s = {pool / reference:.2f} x PDFium (goal <= 1.5)")
        print(f"      ours, one process:       {serial:.2f} s = {serial / reference:.2f} x PDFium")
    everything = _best(lambda: _pdfplumber_every_page(every), 1)
    ours = _best(lambda: extract_batch(every, contract, workers=2), 1)
    print(f"   pdfplumber words of every page of all fixtures: {everything:.2f} s = {everything / ours:.1f} x ours")


def _scanned(path: Path) -> bool:
    """A file with a page read by OCR (measured in bench/ocr.py, not against PDFium's text)."""
    import pypdfium2 as pdfium

    from compliance.extract.scan import needs_ocr

    document = pdfium.PdfDocument(str(path))
    try:
        return any(needs_ocr(document[index].get_textpage().get_text_range()) for index in range(len(document)))
    finally:
        document.close()


def _page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in paths:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        total += len(document)
        document.close()
    return total


if __name__ == "__main__":
    main()
