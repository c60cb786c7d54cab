"""The acceptance rule: what a report must yield to be accepted, and the named problem for each gap.

A report is `accepted` only when all of these were found and are consistent:
  1. the revenue figure, read from the audited income statement (never a summary table or a note), with
     its unit and currency; the currency is the contract's (SPA 4.1);
  2. the period, a whole year that is exactly an Assessment Year (SPA 1.4, 4.1), the same in the opinion
     and the statement where both print one;
  3. the audited entity, the target company (SPA 1.3);
  4. the signing firm, approved by Party A (SPA 4.2, 5.1; EA 3.1(a));
  5. the opinion, unqualified (EA 3.1(a));
  6. the report date, after the period's end and within a year of it;
  7. the revenue proven twice (proven_twice.py, run by the pipeline before this rule): every income statement
     of the period gives the same figure, a second place in the report agrees to the cent after units, and
     the unit is the same in the caption, the column headings and the notes.
Anything missing or inconsistent is a `review` problem from problems.py, so the file is `needs_review`;
warnings never change the status. Where a field came from is said in `sources`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from compliance.contract import Contract
from compliance.extract import checks
from compliance.extract.model import Evidence, Extraction, Problem, status_of
from compliance.extract.numbers import UNITS, parse_currency, unit_label
from compliance.extract.ocr_confirm import report_fields_read
from compliance.extract.periods import Period, find_periods
from compliance.extract.problems import problem
from compliance.extract.report import (
    StatedFigure,
    cover_company_year,
    named_companies,
    opinion_of,
    stated_revenue,
    statement_entity,
)
from compliance.extract.section import AuditSection, lines_of, section_text
from compliance.extract.signature import auditor_named, report_number, summary_table, take_signature
from compliance.extract.statement import Choice
from compliance.values.text import compact, name_key

_LATEST_REPORT = dt.timedelta(days=365)  # a report signed later than this after the year's end is implausible
_US_FILING = ("public company accounting oversight board", "pcaob", "u.s. generally accepted accounting")


@dataclass
class ReportFields:
    """What the auditor's report yields, with where each field was read."""

    entity_names: list[str] = field(default_factory=list)
    opinion: str | None = None
    auditor: str | None = None
    report_date: dt.date | None = None
    report_number: str | None = None
    stated: StatedFigure | None = None
    periods: list[Period] = field(default_factory=list)
    us_filing: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)  # field -> 0-based page it was read on
    problems: list[Problem] = field(default_factory=list)


def report_fields(pages: list[str], section: AuditSection | None) -> ReportFields:
    found = ReportFields()
    if section is None:
        found.problems.append(problem("audit_report_not_found"))
        cover = cover_company_year(pages[0]) if pages else None
        if cover is not None:  # what the file says it is (a summary with no report): named, never proven
            found.entity_names = [cover[0]]
            found.periods = [Period(dt.date(cover[1], 1, 1), dt.date(cover[1], 12, 31))]
            found.sources["entity"] = "cover, page 1"
        return found
    body = section_text(pages, section)
    body_lines = lines_of(body)
    named = named_companies(body_lines, body)
    # The company audited decides; the addressee counts only when the report names no audited company.
    found.entity_names = named.audited or ([named.addressee] if named.addressee else [])
    found.periods = find_periods(body)
    found.opinion = opinion_of(body_lines)
    found.stated = stated_revenue(body)
    found.us_filing = any(mark in body.lower() for mark in _US_FILING)
    pages_named = f"pages {section.first + 1}-{section.last + 1}"
    found.pages.update(entity=section.opening, opinion=section.opening, period_end=section.opening)
    if found.opinion:
        found.sources["opinion"] = f"auditor's report, {pages_named}"
    if section.signed:
        take_signature(found, pages[section.last], section.last)
    if found.auditor is None:  # an extract of the report (a results announcement): the firm the text names
        _use_auditor_named(pages, section, found)
    # under the title in the report, else on the cover pages before it
    for index in [*range(section.first, section.opening + 1), *range(section.first - 1, section.first - 3, -1)]:
        if index < 0:
            break
        number = report_number(pages[index])
        if number:
            found.report_number, found.sources["report_number"] = number, f"report title, page {index + 1}"
            found.pages["report_number"] = index
            break
    _use_summary_table(pages, section, found)
    return found


def _use_auditor_named(pages: list[str], section: AuditSection, found: ReportFields) -> None:
    for index in [*section.pages(), *range(section.first - 1, max(section.first - 3, -1), -1)]:
        firm = auditor_named(pages[index])
        if firm:
            found.auditor, found.sources["auditor"] = firm, f"auditor named in the text, page {index + 1}"
            found.pages["auditor"] = index
            return


def _use_summary_table(pages: list[str], section: AuditSection, found: ReportFields) -> None:
    """The SZSE summary table fills what the signature block and title did not give; where both print a
    value they must agree."""
    table = summary_table(pages, range(section.first - 1, section.opening + 1))
    if table is None:
        return
    where = f"summary table (审计报告 section), page {table.page + 1}"
    for name, value, same in (
            ("auditor", table.auditor, lambda a, b: name_key(a) == name_key(b)),
            ("report_date", table.report_date, lambda a, b: a == b),
            ("report_number", table.report_number, lambda a, b: compact(a) == compact(b))):
        if value is None:
            continue
        current = getattr(found, name)
        if current is None:
            setattr(found, name, value)
            found.sources[name] = where
            found.pages[name] = table.page
        elif not same(current, value):
            found.problems.append(problem("signature_summary_mismatch", field=name.replace("_", " "),
                                          signed=str(current), summary=str(value),
                                          summary_page=table.page + 1))


def _date_problems(report_date: dt.date | None, period: Period | None) -> list[Problem]:
    if report_date is None:
        return [problem("report_date_not_found")]
    if period is None:
        return []
    if report_date <= period.end:
        return [problem("report_date_before_period_end", date=report_date.isoformat(), end=period.end.isoformat())]
    if report_date - period.end > _LATEST_REPORT:
        return [problem("report_date_implausibly_late", date=report_date.isoformat(), end=period.end.isoformat())]
    return []


def _currency(reading_currency: str | None, statement_text: str, us_filing: bool) -> str | None:
    """The currency printed with the statement; a statement in 元 / 万元 naming no other currency is in RMB
    (元 is the RMB unit); a bare '$' means US dollars only in a US filing (PCAOB, U.S. GAAP)."""
    if reading_currency:
        return reading_currency
    named = parse_currency(statement_text)
    if named:
        return named
    if any(label in statement_text for label in UNITS):
        return "CNY"
    if us_filing and "$" in statement_text:
        return "USD"
    return None


def decide(label: str, sha256: str | None, contract: Contract, pages: list[str], section: AuditSection | None,
           choice: Choice, evidence: Evidence | None, read_problems: list[Problem], scans=None,
           ocr_records: dict[str, dict] | None = None) -> Extraction:
    """The Extraction, with every problem the rule in the module docstring names. `scans` says which pages
    OCR read (ocr_pages.ScannedPages); `ocr_records` what OCR read of the revenue (ocr_confirm)."""
    report = report_fields(pages, section)
    problems = list(report.problems)
    statement = choice.statement
    statement_lines = lines_of(pages[statement.index])[statement.line:] if statement is not None else []
    statement_head = "\n".join(statement_lines[:12])
    entity_names = list(report.entity_names)
    preparer = statement_entity("\n".join(statement_lines)) if statement_lines else None
    if preparer:
        entity_names.append(preparer)
    problems += checks.check_entity(contract, entity_names)

    statement_periods = find_periods(statement_head)
    period, year, period_problems = checks.check_period(
        contract, report.periods[0] if report.periods else None, statement_periods[0] if statement_periods else None)
    problems += period_problems
    if period is not None and not period.whole_year:
        problems.append(problem("period_not_whole_year", period=period.text(), days=period.days))
    if section is not None:  # without a report, audit_report_not_found says all there is to say of its fields
        problems += [problem("opinion_not_found")] if report.opinion is None else checks.check_opinion(report.opinion)
        problems += [problem("auditor_not_found")] if report.auditor is None else checks.check_auditor(
            contract, report.auditor)
        problems += _date_problems(report.report_date, period)

    revenue: Decimal | None = None
    unit = currency = None
    sources = dict(report.sources)
    line, statement_page = choice.line, choice.statement_page
    if line is not None and statement_page is not None:
        sources["revenue"] = f"income statement, page {line.page}"
        unit_found = statement_page.unit
        if unit_found is None:
            problems.append(problem("unit_not_found"))
            unit_found = UNITS["元"]
        else:
            unit = unit_found.label
        revenue = line.amount * unit_found.multiplier
        page_text = "\n".join(lines_of(pages[line.page - 1])) if line.page - 1 < len(pages) else ""
        currency = _currency(statement_page.currency, page_text, report.us_filing)
        if unit is not None:  # the unit carries its currency: "HK$'000", never 千元 for a non-RMB statement
            unit = unit_label(unit_found, currency)
        problems += [problem("currency_not_found")] if currency is None else checks.check_currency(contract,
                                                                                                   currency)
        problems += checks.crosscheck(revenue, report.stated)
    problems += read_problems
    ocr = dict(ocr_records or {})
    if scans is not None:
        values = {"entity": entity_names[0] if entity_names else None, "opinion": report.opinion,
                  "auditor": report.auditor, "report_date": report.report_date,
                  "report_number": report.report_number, "period_end": period.end if period else None}
        records, low = report_fields_read(scans, report.pages, values, contract.approved_auditors)
        ocr |= records
        problems += low

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
        auditor=report.auditor,
        opinion=report.opinion,
        report_date=report.report_date,
        report_number=report.report_number,
        evidence=evidence,
        problems=ordered,
        sources=sources,
        ocr=ocr,
    )
