"""Extractor speed on the fixture batch (it includes the 150-page report), against two references measured
in the same run: PDFium reading every page's text once (goal: ours at most 1.5 x that), and pdfplumber
reading every page's words (what reading everything with pdfplumber would cost)."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "fixtures" / "audit-reports"


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
    paths = sorted(REPORTS.glob("*.pdf"))
    if not paths:
        print("   no fixtures in fixtures/audit-reports yet")
        return
    contract = load_contract()
    pages = _page_count(paths)
    reference = _best(lambda: _pdfium_every_page(paths), 3)
    pool = _best(lambda: extract_batch(paths, contract, workers=2), 3)
    serial = _best(lambda: extract_batch(paths, contract, workers=0), 3)
    everything = _best(lambda: _pdfplumber_every_page(paths), 1)
    print(f"   batch: {len(paths)} fixtures, {pages} pages (largest {max(_page_count([p]) for p in paths)} pages)")
    print(f"   reference, PDFium text of every page once: {reference:.2f} s")
    print(f"   ours, process pool over 2 workers: {pool:.2f} s = {pool / reference:.2f} x reference (goal <= 1.5)")
    print(f"   ours, one process: {serial:.2f} s = {serial / reference:.2f} x reference")
    print(f"   pdfplumber words of every page: {everything:.2f} s = {everything / pool:.1f} x ours (pool), "
          f"{everything / serial:.1f} x ours (one process)")


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
