"""One file, start to finish: safe opening, the fast text pass, pdfplumber on the statement page only,
the report's own fields, the contract checks and the evidence. Never raises for bad input."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import partial
from pathlib import Path

from compliance.contract import Contract
from compliance.extract import checks
from compliance.extract.model import Evidence, Extraction, FileStatus, Limits, Problem, status_of
from compliance.extract.numbers import UNITS
from compliance.extract.pdfio import (
    TextPass,
    check_bytes,
    check_path,
    open_pdf,
    read_file,
    read_text,
    sha256_of,
    single_page_pdf,
    start_text,
)
from compliance.extract.problems import Rejected, problem
from compliance.extract.report import (
    find_audit_section,
    find_periods,
    has_opening,
    named_companies,
    opinion_of,
    report_number,
    section_text,
    signature_block,
    stated_revenue,
    statement_entity,
)
from compliance.extract.statement import (
    PageReading,
    RevenueLine,
    candidate_pages,
    lines_of,
    read_candidates,
    score_page,
)
from compliance.values.digest import sha256_hex

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
    """Tells the text pass when to stop: one page after the first income statement (not a parent-only
    one) that follows the auditor's opening words. Notes after it are not needed; a later reading resumes
    the pass if that statement gives no figure."""

    def __init__(self) -> None:
        self.opened = False
        self.found_at: int | None = None

    def __call__(self, index: int, text: str) -> bool:
        if self.found_at is not None:
            return True
        if not self.opened:
            self.opened = has_opening(text)
            return False
        candidate = score_page(index, text)
        if candidate is not None and candidate.score >= 10 and not candidate.parent_only:
            self.found_at = index
        return False


def _extract(data: bytes, label: str, sha256: str | None, contract: Contract, password: str | None,
             evidence_dir: Path | None, limits: Limits) -> Extraction:
    with open_pdf(data, password) as document:
        text = read_text(document, start_text(document, limits), _Enough())
        candidates = candidate_pages(text.pages)
        readings = read_candidates(partial(single_page_pdf, document), candidates)
        if not any(reading.lines for reading in readings) and not text.complete:
            read_text(document, text)  # the early statement gave no figure: read the rest and look again
            candidates = candidate_pages(text.pages)
            readings = read_candidates(partial(single_page_pdf, document), candidates)
        reading, line, revenue_problems = _choose_line(readings, text)
        evidence, evidence_problems = _evidence(document, line, evidence_dir, sha256) if line else (None, [])
    statement_page = line.page - 1 if line else (candidates[0].index if candidates else None)

    section = find_audit_section(text.pages, before=statement_page)
    problems: list[Problem] = []
    entity_names: list[str] = []
    opinion = auditor = report_date = number = stated = None
    opinion_periods = []
    if section is None:
        problems.append(problem("audit_report_not_found"))
    else:
        body = section_text(text.pages, section)
        body_lines = lines_of(body)
        named = named_companies(body_lines, body)
        # The company audited decides; the addressee counts only when the report names no audited company.
        entity_names = named.audited or ([named.addressee] if named.addressee else [])
        opinion_periods = find_periods(body)
        opinion = opinion_of(body_lines)
        signature = signature_block(text.pages[section.last])
        auditor, report_date = signature.auditor, signature.report_date
        cover = "\n".join(text.pages[max(0, section.first - 2):section.last + 1])
        number = report_number(cover)
        stated = stated_revenue(body)
    statement_text = text.pages[statement_page] if statement_page is not None else ""
    statement_head = "\n".join(lines_of(statement_text)[:12])
    preparer = statement_entity(statement_text) if statement_text else None
    if preparer:
        entity_names.append(preparer)

    problems += checks.check_entity(contract, entity_names)
    statement_periods = find_periods(statement_head)
    period, year, period_problems = checks.check_period(
        contract, opinion_periods[0] if opinion_periods else None, statement_periods[0] if statement_periods else None)
    problems += period_problems
    problems += checks.check_opinion(opinion)

    revenue: Decimal | None = None
    unit = currency = None
    if line is not None and reading is not None:
        unit_found = reading.unit
        if unit_found is None:
            problems.append(problem("unit_not_found"))
            unit_found = UNITS["元"]
        else:
            unit = unit_found.label
        revenue = line.amount * unit_found.multiplier
        currency = reading.currency or (_implied_currency(statement_text))
        problems += checks.check_currency(contract, currency)
        problems += checks.crosscheck(revenue, stated)
    problems += revenue_problems + evidence_problems
    problems += checks.check_auditor(contract, auditor)

    ordered = tuple(sorted(problems, key=lambda p: ("reject", "review", "warning").index(p.severity)))
    return Extraction(
        file=label,
        sha256=sha256,
        status=status_of(ordered),
        entity=entity_names[0] if entity_names else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        assessment_year=year.number if year else None,
        operating_revenue=revenue,
        currency=currency,
        unit=unit,
        auditor=auditor,
        opinion=opinion,
        report_date=report_date,
        report_number=number,
        evidence=evidence,
        problems=ordered,
    )


def _implied_currency(statement_text: str) -> str | None:
    """A statement in 元 / 万元 without another currency named is in RMB (元 is the RMB unit)."""
    return "CNY" if any(label in statement_text for label in UNITS) else None


def _choose_line(readings: list[PageReading], text: TextPass
                 ) -> tuple[PageReading | None, RevenueLine | None, list[Problem]]:
    """The revenue line used: 营业收入 over 营业总收入; several different figures are ambiguous."""
    for reading in readings:
        if not reading.lines:
            continue
        # 营业总收入 / Total revenue only when the statement has no 营业收入 / Revenue line at all (SPA 4.1)
        best_kind = "revenue" if reading.revenue_label else "total"
        lines = [line for line in reading.lines if line.kind == best_kind]
        if not lines:
            return reading, None, [problem("revenue_not_found", detail=(
                f"The income statement on page {reading.page} has a revenue line (营业收入 / Revenue), but its "
                "current-period figure could not be read."))]
        if len({line.amount for line in lines}) > 1:
            figures = ", ".join(line.figure.text for line in lines)
            return reading, None, [problem("ambiguous_revenue", detail=(
                f"Page {reading.page} prints more than one revenue line with different figures ({figures}); "
                "which one is the operating revenue needs a person to decide."))]
        return reading, lines[0], []
    issues = [reading.issue for reading in readings if reading.issue]
    if issues:
        page = next(reading.page for reading in readings if reading.issue)
        return None, None, [problem("ambiguous_revenue", detail=f"On page {page} the revenue line was found, but "
                                                                f"{issues[0]}.")]
    if not readings:
        detail = "No income statement (利润表 / statement of profit or loss) with a revenue line was found."
    else:
        detail = (f"The income statement on page {readings[0].page} was found, but no revenue line "
                  "(营业收入 / Revenue) with a figure could be read on it.")
    if text.textless_pages:
        pages = ", ".join(str(number) for number in text.textless_pages[:5])
        detail += f" Page(s) {pages} have no text layer (images only) and could not be read."
    return None, None, [problem("revenue_not_found", detail=detail)]


def _evidence(document, line: RevenueLine, evidence_dir: Path | None, sha256: str | None
              ) -> tuple[Evidence, list[Problem]]:
    """Where the figure was read; with an evidence folder, also its picture (a failure to write the
    picture is a warning: the figure itself was read)."""
    figure = line.figure
    bbox = tuple(Decimal(repr(value)).quantize(_CENT) for value in (figure.x0, figure.top, figure.x1, figure.bottom))
    png_path = None
    problems: list[Problem] = []
    if evidence_dir is not None and sha256 is not None:
        from compliance.extract.evidence import write_png

        try:
            png_path = write_png(document, line.page, bbox, figure.top, line.header_top, evidence_dir, sha256)
        except OSError as exc:
            problems.append(problem("evidence_not_written", folder=str(evidence_dir),
                                    reason=exc.strerror or exc.__class__.__name__))
    return Evidence(page=line.page, bbox=bbox, text=line.row_text, png_path=png_path), problems
