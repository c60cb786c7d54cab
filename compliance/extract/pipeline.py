"""One file, start to finish: safe opening, the fast text pass, the audit report and the income statements
it covers, pdfplumber on those statements only, the revenue line, and the evidence; acceptance.py then
checks every field. Never raises for bad input."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from decimal import Decimal
from functools import partial
from pathlib import Path

from compliance.contract import Contract
from compliance.extract import acceptance, proven_twice, special_acceptance, special_report
from compliance.extract.labels import MAIN, PREFERENCE
from compliance.extract.layout import PageWords
from compliance.extract.model import Evidence, Extraction, FileStatus, Limits, Problem
from compliance.extract.ocr_confirm import confirm_revenue
from compliance.extract.ocr_pages import ScannedPages, ocr_pass
from compliance.extract.pdfio import (
    TextPass,
    check_bytes,
    check_has_text,
    check_path,
    open_pdf,
    read_file,
    read_text,
    sha256_of,
    single_page_pdf,
    start_text,
)
from compliance.extract.problems import Rejected, problem
from compliance.extract.section import LONGEST_REPORT, AuditSection, find_audit_section, has_opening, has_signature
from compliance.extract.statement import Choice, RevenueLine, StatementPage, pdfplumber_words, read_candidates
from compliance.extract.statement_pages import (
    CONTINUATION_PAGES,
    Candidate,
    ordered_candidates,
    statement_starts,
    titles_on,
)
from compliance.values.digest import sha256_hex
from compliance.values.money import cents
from compliance.values.text import HIDDEN, escaped

_CENT = Decimal("0.01")


def extract_file(path: str | os.PathLike[str], contract: Contract, *, password: str | None = None,
                 evidence_dir: str | os.PathLike[str] | None = None, limits: Limits | None = None) -> Extraction:
    """Read one audit report. Bad input gives a rejected Extraction with a named problem, never an exception."""
    label = os.fspath(path)
    file = Path(label)
    limits = limits or Limits()
    sha256: str | None = None
    try:
        check_path(file)
        try:
            data = read_file(file, limits)
        except Rejected:
            sha256 = sha256_of(file)  # a file too large to read still gets its hash, for the record
            raise
        sha256 = sha256_hex(data)  # the hash of exactly the bytes parsed below
        check_bytes(data)
        return _extract(data, label, sha256, contract, password,
                        Path(evidence_dir) if evidence_dir is not None else None, limits)
    except Rejected as rejected:
        return rejected_extraction(label, sha256, rejected.problem)
    except MemoryError:
        return rejected_extraction(label, sha256, problem("too_large_in_memory",
                                                          limit_mb=limits.max_memory_bytes // (1024 * 1024)))
    except Exception as exc:  # noqa: BLE001 - any parser failure on a damaged file is a rejection, not a crash
        reason = f"a parser failed on it ({exc.__class__.__name__})"
        return rejected_extraction(label, sha256, problem("corrupt", reason=reason))


def rejected_extraction(label: str, sha256: str | None, found: Problem) -> Extraction:
    return Extraction(file=label, sha256=sha256, status=FileStatus.REJECTED, problems=(found,))


class _Enough:
    """Tells the text pass when to stop: once the financial-statement audit report has been read to its
    signature and an income-statement title has been seen after it (plus the pages its revenue line may sit
    on), or, with no title after it, a few pages on if one was seen before it (a US 10-K). Notes after that
    are not needed; the caller resumes the pass if these statements give no figure."""

    def __init__(self) -> None:
        self.opening: int | None = None
        self.signed_at: int | None = None
        self.titles: list[int] = []

    def __call__(self, index: int, text: str) -> bool:
        if titles_on(index, text):
            self.titles.append(index)
        if self.opening is None:
            if not has_opening(text):
                return False
            self.opening = index
        if self.signed_at is None:
            if not has_signature(text) and index - self.opening < LONGEST_REPORT - 1:
                return False
            self.signed_at = index
        after = [title for title in self.titles if title >= self.signed_at]
        if after:
            return index >= after[0] + CONTINUATION_PAGES
        before = [title for title in self.titles if title < self.opening]
        return bool(before) and index >= self.signed_at + CONTINUATION_PAGES + 1


def _statements(text: TextPass, words_of) -> tuple[AuditSection | None, list[Candidate], list[StatementPage]]:
    section = find_audit_section(text.pages)
    candidates = ordered_candidates(statement_starts(text.pages), section)
    return section, candidates, read_candidates(words_of, candidates, text.total_pages)


def _extract(data: bytes, label: str, sha256: str | None, contract: Contract, password: str | None,
             evidence_dir: Path | None, limits: Limits) -> Extraction:
    with open_pdf(data, password) as document:
        text = read_text(document, start_text(document, limits), _Enough())
        scans = ScannedPages(document, text)
        if scans.indexes:  # scanned pages: read every page's text first, then OCR the ones that matter
            read_text(document, text)
            scans = ScannedPages(document, text)
            ocr_pass(scans, text)
        check_has_text(text)
        page_pdf = partial(single_page_pdf, document)

        parsed: dict[int, PageWords] = {}  # each page through pdfplumber once (proven_twice asks again)

        def words_of(index: int) -> PageWords:
            if index in scans:
                return scans.words(index)
            if index not in parsed:
                parsed[index] = pdfplumber_words(page_pdf, index)
            return parsed[index]

        special = special_report.find(text.pages)  # a special audit report on the commitment: its own kind
        if special is not None:
            found = special_acceptance.decide(
                label, sha256, contract, special_report.read(text.pages, special, words_of), scans,
                lambda line: _evidence(document, line, evidence_dir, sha256, scans))
            return with_hidden_evidence(found, text.hidden)
        section, candidates, statement_pages = _statements(text, words_of)
        if not any(page.lines for page in statement_pages) and not text.complete:
            read_text(document, text)  # the early statement gave no figure: read the rest and look again
            section, candidates, statement_pages = _statements(text, words_of)
        choice = choose_line(statement_pages, text, candidates[0] if candidates else None)
        ocr_records, ocr_problems = {}, []
        if choice.line is not None and choice.line.page - 1 in scans:
            ocr_records, ocr_problems = confirm_revenue(scans, choice.line)
        evidence, evidence_problems = _evidence(document, choice.line, evidence_dir, sha256, scans) \
            if choice.line else (None, [])
        # proven twice: the other statements, a second place in the report, the unit (may read on through the notes)
        proof_problems, proof_sources = proven_twice.prove(document, text, choice, candidates, words_of, section,
                                                           scans)
        # inside: the report's OCR fields are read a second time from the open document
        found = acceptance.decide(label, sha256, contract, text.pages, section, choice, evidence,
                                  choice.problems + ocr_problems + evidence_problems + proof_problems, scans,
                                  ocr_records)
        if proof_sources:
            found = replace(found, sources={**found.sources, **proof_sources})
        return with_hidden_evidence(found, text.hidden)


_RAW_LINES = 20  # raw lines kept as evidence, each cut at _RAW_CHARS
_RAW_CHARS = 300


def with_hidden_evidence(found: Extraction, hidden: list[tuple[int, str]]) -> Extraction:
    """The extraction with a warning naming the control and bidirectional characters removed from the PDF's
    text, and the raw lines that held them, escaped, as `sources["raw"]` (evidence; never read as text)."""
    if not hidden:
        return found
    lines = [(page, line) for page, content in hidden for line in re.split(r"[\r\n]+", content)
             if HIDDEN.search(line)]
    chars = [char for _, line in lines for char in HIDDEN.findall(line)]
    codes = ", ".join(f"U+{ord(char):04X}" for char in sorted(set(chars)))
    pages = ", ".join(str(page) for page, _ in hidden)
    shown = [(page, escaped(line.strip(" \t"))[:_RAW_CHARS]) for page, line in lines[:_RAW_LINES]]
    raw = "; ".join(f"page {page}: {line}" for page, line in shown)
    if len(lines) > _RAW_LINES:
        raw += f"; and {len(lines) - _RAW_LINES} more line(s)"
    noted = problem("hidden_characters", count=len(chars), codes=codes, pages=pages)
    return replace(found, problems=(*found.problems, noted), sources={**found.sources, "raw": raw})


def choose_line(statement_pages: list[StatementPage], text: TextPass, best: Candidate | None) -> Choice:
    """The revenue line used: of the first statement that prints one, the first kind in labels.PREFERENCE
    that it prints with a figure (营业收入 over 营业总收入 over 主营业务收入; SPA 4.1); several different
    figures of that kind are ambiguous."""
    for statement_page in statement_pages:
        if not statement_page.lines:
            continue
        best_kind = next((kind for kind in PREFERENCE if kind in statement_page.kinds), statement_page.lines[0].kind)
        lines = [line for line in statement_page.lines if line.kind == best_kind]
        if not lines:
            return Choice(statement_page, None, [problem("revenue_not_found", detail=(
                f"The income statement on page {statement_page.page} has a revenue line (营业收入 / Revenue), but its "
                "current-period figure could not be read."))], statement_page.start)
        if len({line.amount for line in lines}) > 1:
            figures = ", ".join(line.figure.text for line in lines)
            unit = statement_page.unit.multiplier if statement_page.unit is not None else None
            readings = sorted({line.amount * unit for line in lines}) if unit is not None else []
            return Choice(statement_page, None, [problem("ambiguous_revenue", detail=(
                f"Page {statement_page.page} prints more than one revenue line with different figures ({figures}); "
                "which one is the operating revenue needs a person to decide."), field="operating_revenue",
                readings=[cents(reading) for reading in readings])], statement_page.start)
        line = lines[0]
        problems = []
        if line.kind == MAIN:
            problems.append(problem("revenue_main_business_only", page=line.page))
        if line.column_assumed:
            problems.append(problem("current_column_assumed", page=line.page, figure=line.figure.text))
        return Choice(statement_page, line, problems, statement_page.start)
    issues = [statement_page for statement_page in statement_pages if statement_page.issue]
    if issues:
        return Choice(None, None, [problem("ambiguous_revenue", detail=(
            f"On page {issues[0].page} the revenue line was found, but {issues[0].issue}."))], issues[0].start)
    if not statement_pages:
        detail = "No income statement (利润表 / statement of profit or loss) with a revenue line was found."
    else:
        detail = (f"The income statement on page {statement_pages[0].page} was found, but no revenue line "
                  "(营业收入 / Revenue) with a figure could be read on it.")
    if text.textless_pages:
        pages = ", ".join(str(number) for number in text.textless_pages[:5])
        detail += f" Page(s) {pages} have no text layer (images only) and could not be read."
    return Choice(None, None, [problem("revenue_not_found", detail=detail)], best)


def _evidence(document, line: RevenueLine, evidence_dir: Path | None, sha256: str | None, scans: ScannedPages
              ) -> tuple[Evidence, list[Problem]]:
    """Where the figure was read; with an evidence folder, also its picture (a failure to write the
    picture is a warning: the figure itself was read). An OCR figure's box is put back on the page as
    scanned, before deskewing."""
    figure = line.figure
    box = (figure.x0, figure.top, figure.x1, figure.bottom)
    if line.page - 1 in scans:
        box = scans.to_page(line.page - 1, box)
    bbox = tuple(Decimal(repr(value)).quantize(_CENT) for value in box)
    png_path = None
    problems: list[Problem] = []
    if evidence_dir is not None and sha256 is not None:
        from compliance.extract.evidence import write_png

        try:
            png_path = write_png(document, line.page, bbox, box[1], line.header_top, evidence_dir, sha256,
                                 rotation=line.rotation)
        except OSError as exc:
            problems.append(problem("evidence_not_written", folder=str(evidence_dir),
                                    reason=exc.strerror or exc.__class__.__name__))
    return Evidence(page=line.page, bbox=bbox, text=line.row_text, png_path=png_path), problems
