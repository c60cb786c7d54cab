"""Audit-report extraction: revenue, period, entity, auditor, opinion and evidence from PDFs.

    extract_file(path, contract, *, password=None, evidence_dir=None, limits=None) -> Extraction
    extract_batch(paths, contract, *, password=None, evidence_dir=None, limits=None, workers=2,
                  per_file_timeout=120, progress=None) -> list[Extraction]

Modules, one job each: pdfio (opening, limits, the fast PDFium text pass), numbers (amounts, units,
currencies, dates; text is normalised by values.text), labels (what a label or column header means), layout
(pdfplumber words and rows), statement (the income statement pages and the revenue line), report (the
auditor's report: period, entity, opinion, signature, number), checks (contract checks), problems (the
problem codes), model (the result types), evidence (the PNG crop), pipeline (one file), batch (the process
pool with its per-file time limit).
"""

from __future__ import annotations

from compliance.extract.batch import extract_batch
from compliance.extract.model import Evidence, Extraction, Limits, Problem
from compliance.extract.pipeline import extract_file

__all__ = ["Evidence", "Extraction", "Limits", "Problem", "extract_batch", "extract_file"]
