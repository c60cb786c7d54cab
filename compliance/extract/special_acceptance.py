"""The acceptance rule for a special audit report on the performance commitment (special_report.py).

Such a report is `accepted` only when, besides what any report must show (the target company, an approved
firm, a report date after the period, SPA 1.3, 4.2, 5.1; EA 3.1(a)):
  1. its commitment is on Operating Revenue (营业收入, SPA 4.1): a report on a net-profit commitment is
     `metric_not_revenue`, even when a revenue figure is printed nearby (it is not the figure the firm
     reports on); it cannot be confirmed by hand;
  2. the period it covers is exactly an Assessment Year (SPA 1.4, 4.1);
  3. its opinion is unmodified (在所有重大方面公允反映了 with no qualification, EA 3.1(a));
  4. the actual figure (the 实际数 column) is read with its unit, agrees with the committed figure and the
     difference the table prints, and is proven twice: the text cites the audited revenue and it agrees
     (else `revenue_not_confirmed_in_report`, or `revenue_crosscheck_mismatch` when it disagrees).
The figure used is the 实际数 of the 营业收入 row, times the table's unit, in yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from compliance.contract import Contract
from compliance.extract import checks
from compliance.extract.labels import REVENUE as REVENUE_LINE
from compliance.extract.model import Evidence, Extraction, Problem, status_of
from compliance.extract.numbers import UNITS
from compliance.extract.ocr_confirm import confirm_revenue, report_fields_read
from compliance.extract.problems import problem
from compliance.extract.special_report import KIND_NAME, REPORT_KIND, SpecialReport
from compliance.extract.special_table import ACTUAL, COMMITTED, DIFFERENCE, NET_PROFIT, RATE, REVENUE, MetricRow
from compliance.extract.statement import RevenueLine
from compliance.values.money import cents

_LATEST_REPORT = dt.timedelta(days=365)
_METRIC_NAMES = {REVENUE: "operating revenue", NET_PROFIT: "net profit"}


def _date_problems(found: SpecialReport) -> list[Problem]:
    if found.report_date is None:
        return [problem("report_date_not_found")]
    period = found.period
    if period is None:
        return []
    if found.report_date <= period.end:
        return [problem("report_date_before_period_end", date=found.report_date.isoformat(),
                        end=period.end.isoformat())]
    if found.report_date - period.end > _LATEST_REPORT:
        return [problem("report_date_implausibly_late", date=found.report_date.isoformat(),
                        end=period.end.isoformat())]
    return []


def _metric_problems(found: SpecialReport) -> tuple[MetricRow | None, list[Problem]]:
    """The 营业收入 row of the commitment table, or the problem that there is none."""
    table = found.table
    if table is None:
        return None, [problem("revenue_not_found", detail=(
            "The special audit report was found, but no commitment table (项目 / 承诺数 / 实际数) with a metric "
            "row could be read in it."))]
    row = table.row(REVENUE)
    if row is None:
        named = ", ".join(dict.fromkeys(f"{r.label} ({_METRIC_NAMES.get(r.metric, r.metric)})" for r in table.rows))
        return None, [problem("metric_not_revenue", detail=(
            f"The special audit report is on a commitment of {named} (table on page {table.page}), not on "
            "Operating Revenue (营业收入), which the contract measures (SPA 4.1); a revenue figure printed "
            "elsewhere in it is not what the firm reports on."))]
    if row.amount(ACTUAL) is None:
        return None, [problem("revenue_not_found", detail=(
            f"The commitment table on page {table.page} has a 营业收入 row, but its actual figure (实际数) could "
            "not be read."))]
    if row.amount(COMMITTED) is None:
        return row, [problem("ambiguous_revenue", detail=(
            f"The 营业收入 row of the commitment table on page {table.page} gives its actual figure "
            f"({row.figures[ACTUAL].text}) but no committed one beside it, so which printed column is 实际数 is "
            "not proven."), field="operating_revenue")]
    return row, []


def _table_problems(row: MetricRow, revenue: Decimal) -> list[Problem]:
    """The actual figure agrees with the committed one and the difference the same row prints."""
    committed, difference = row.amount(COMMITTED), row.amount(DIFFERENCE)
    actual = row.amount(ACTUAL)
    if committed is None or difference is None or actual is None:
        return []
    exponent = min(value.as_tuple().exponent for value in (committed, difference, actual))
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    if abs(actual - committed - difference) <= step:
        return []
    return [problem("revenue_crosscheck_mismatch", detail=(
        f"In the commitment table on page {row.page} the actual figure {row.figures[ACTUAL].text} less the "
        f"committed {row.figures[COMMITTED].text} is not the difference printed ({row.figures[DIFFERENCE].text})."),
        readings=[cents(revenue)])]


def figure_text(row: MetricRow, unit) -> str:
    return f"{row.figures[ACTUAL].text} {unit.label if unit is not None else ''}".strip()


def commitment_of(found: SpecialReport, row: MetricRow | None, multiplier: Decimal) -> dict[str, object]:
    """What the report says of the commitment (the JSON's `commitment`): amounts in yuan as strings."""
    table = found.table
    data: dict[str, object] = {
        "title": found.title, "addressee": found.addressee, "cpas": list(found.cpas),
        "metrics": table.metrics if table is not None else [],
        "metric": REVENUE if row is not None else (table.metrics[0] if table and table.rows else None),
    }
    shown = row or (table.rows[0] if table is not None and table.rows else None)
    if shown is not None:
        for column in (COMMITTED, ACTUAL, DIFFERENCE):
            amount = shown.amount(column)
            data[column] = cents(amount * multiplier) if amount is not None else None
        rate = shown.figures.get(RATE)
        data[RATE] = rate.text if rate is not None else None
        data["met"] = (shown.amount(ACTUAL) >= shown.amount(COMMITTED)
                       if shown.amount(ACTUAL) is not None and shown.amount(COMMITTED) is not None else None)
    return data


def decide(label: str, sha256: str | None, contract: Contract, found: SpecialReport, scans, evidence_of
           ) -> Extraction:
    """The Extraction of a special report; `evidence_of(line)` gives the figure's Evidence and its problems
    (pipeline._evidence), `scans` which pages OCR read."""
    problems: list[Problem] = []
    problems += checks.check_entity(contract, [found.entity] if found.entity else [])
    period, year, period_problems = checks.check_period(contract, found.period, None)
    problems += period_problems
    if period is not None and not period.whole_year:
        problems.append(problem("period_not_whole_year", period=period.text(), days=period.days))
    problems += [problem("opinion_not_found")] if found.opinion is None else checks.check_opinion(found.opinion)
    problems += [problem("auditor_not_found")] if found.auditor is None else checks.check_auditor(contract,
                                                                                                  found.auditor)
    problems += _date_problems(found)

    row, metric_problems = _metric_problems(found)
    problems += metric_problems
    table = found.table
    unit = table.unit if table is not None else None
    if row is not None and unit is None:
        problems.append(problem("unit_not_found"))
    multiplier = (unit or UNITS["元"]).multiplier
    sources = dict(found.sources, report_kind=KIND_NAME)
    revenue = currency = None
    evidence: Evidence | None = None
    ocr: dict[str, dict] = {}
    if row is not None:
        actual = row.amount(ACTUAL)
        revenue = actual * multiplier
        sources["revenue"] = f"commitment table (实际数, {row.label}), page {row.page}"
        currency = table.currency or "CNY"  # 元 / 万元 with no other currency named: RMB
        problems += checks.check_currency(contract, currency)
        problems += _table_problems(row, revenue)
        problems += checks.crosscheck(revenue, found.stated)
        if found.stated is None:  # proven twice (issue 29): the audited figure the report cites is its second place
            problems.append(problem("revenue_not_confirmed_in_report", detail=(
                f"The actual 营业收入 of the commitment table on page {row.page} ({figure_text(row, unit)}) is "
                "stated nowhere else in the special audit report: it cites no figure of the audited financial "
                "statements (经审计的营业收入 / 实现营业收入 …) to agree with it, so it was read once only."),
                field="operating_revenue", readings=[cents(revenue)]))
        else:
            sources["revenue_confirmed_by"] = f"the audited revenue the report's text cites ({found.stated.text})"
        figure = row.figures[ACTUAL]
        line = RevenueLine(page=row.page, kind=REVENUE_LINE, amount=actual, figure=figure, row_text=row.row_text,
                           header_top=table.header_top)
        if scans is not None and row.page - 1 in scans:
            records, ocr_problems = confirm_revenue(scans, line)
            ocr |= records
            problems += ocr_problems
        evidence, evidence_problems = evidence_of(line)
        problems += evidence_problems
    if scans is not None:
        values = {"entity": found.entity, "opinion": found.opinion, "auditor": found.auditor,
                  "report_date": found.report_date, "report_number": found.report_number,
                  "period_end": period.end if period else None}
        records, low = report_fields_read(scans, found.pages, values, contract.approved_auditors)
        ocr |= records
        problems += low
    ordered = tuple(sorted(problems, key=lambda p: ("reject", "review", "warning").index(p.severity)))
    return Extraction(
        file=label, sha256=sha256, status=status_of(ordered), entity=found.entity,
        period_start=period.start if period else None, period_end=period.end if period else None,
        assessment_year=year.number if year else None, operating_revenue=revenue, currency=currency,
        unit=unit.label if unit is not None and row is not None else None, auditor=found.auditor,
        opinion=found.opinion, report_date=found.report_date, report_number=found.report_number,
        evidence=evidence, problems=ordered, sources=sources, ocr=ocr, report_kind=REPORT_KIND,
        commitment=commitment_of(found, row, multiplier),
    )
