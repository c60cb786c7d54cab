"""Per-document template contexts, built from the engine's Assessment and the contract.

Every share figure comes from the engine (compliance.rules.earnout); templates only format. A year's documents
describe the determination of that year: the engine sees the revenues of that year and the years before
it, never later ones (a later offset is a later determination with its own documents).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract, Party
from compliance.documents.environment import DocumentError
from compliance.rules.earnout import Assessment, YearResult, assess, assess_all_readings
from compliance.values.money import cents

_CJK = re.compile(r"[\u3400-\u9fff]")


def computation_id(
    contract: Contract, revenues: Mapping[int, Decimal], *, reading: str, year: int | str, as_of: dt.date
) -> str:
    """Short hash of the computation's inputs; the same on every document of one computation."""
    parts = [contract.id, reading, str(year), as_of.isoformat()]
    parts += [f"{number}={cents(amount)}" for number, amount in sorted(revenues.items())]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


# --- building blocks --------------------------------------------------------------------------------
def party_context(party: Party) -> dict:
    key = party.label.replace(" ", "")  # "Party A" -> "PartyA"
    return {
        "label": party.label,
        "key": key,
        "role": party.role,
        "name": party.name,
        "chinese_name": party.chinese_name,
        "jurisdiction": party.jurisdiction,
        "address": party.address,
        "signatories": [{"name": s.name, "title": s.title} for s in party.signatories],
        "uses_chop": party.uses_chop,
        "signature_field": f"{key}_Signature",
    }


def _chinese_alias(names: list[str]) -> str | None:
    return next((name for name in names if _CJK.search(name)), None)


def year_context(contract: Contract, result: YearResult) -> dict:
    tranche = contract.tranche_shares
    return {
        "number": result.year,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "target": result.target,
        "actual": result.actual,
        "met": result.met,
        "shortfall": result.shortfall,
        "excess": result.excess,
        "deductible_exact": result.deductible_exact,
        "tranche_shares": int(tranche),
        "tranche_release_shares": result.tranche_release_shares,
        "offset_pool": result.offset_pool,
        "offset_pool_lapsed": result.offset_pool_lapsed,
        "offset_pool_used": result.offset_pool - result.offset_pool_lapsed,
        "offsets": [
            {
                "to_year": use.to_year,
                "revenue_used": use.revenue_used,
                "restored_exact": use.restored_exact,
                "additional_shares": use.additional_shares,
                "target": contract.year(use.to_year).target_revenue,
                "period_start": contract.year(use.to_year).start,
                "period_end": contract.year(use.to_year).end,
            }
            for use in result.offsets
        ],
        "release_shares": result.release_shares,
        "release_deadline": result.release_deadline,
        "references": list(result.references),
        "entitlement_exact": result.entitlement_exact,
        "released_to_date": result.released_to_date,
        "restored_exact": result.restored_exact,
        "retained_shares": result.retained_shares,
    }


def report_context(report: Mapping | None) -> dict | None:
    """The accounting firm's report relied on (Extraction.to_json() plus optional evidence_png)."""
    if report is None:
        return None

    def day(key: str) -> dt.date | None:
        value = report.get(key)
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else value or None

    revenue = report.get("operating_revenue")
    evidence = report.get("evidence") or None
    png = report.get("evidence_png") or (evidence or {}).get("png_path")
    return {
        "file": Path(report["file"]).name if report.get("file") else None,
        "sha256": report.get("sha256"),
        "status": report.get("status"),
        "entity": report.get("entity"),
        "firm": report.get("auditor"),
        "opinion": report.get("opinion"),
        "report_date": day("report_date"),
        "report_number": report.get("report_number"),
        "period_start": day("period_start"),
        "period_end": day("period_end"),
        "revenue": Decimal(str(revenue)) if revenue is not None else None,
        "currency": report.get("currency"),
        "unit": report.get("unit"),
        "evidence_page": (evidence or {}).get("page"),
        "evidence_text": (evidence or {}).get("text"),
        "evidence_png": Path(png).resolve().as_uri() if png and Path(png).is_file() else None,
        "problems": [
            {"code": p.get("code"), "severity": p.get("severity"), "message": p.get("message")}
            for p in report.get("problems") or []
        ],
    }


def common_context(
    contract: Contract, revenues: Mapping[int, Decimal], *, reading: str, year: int | str, as_of: dt.date
) -> dict:
    parties = contract.parties
    reading_terms = contract.readings.get(reading)
    return {
        "document_id": computation_id(contract, revenues, reading=reading, year=year, as_of=as_of),
        "as_of": as_of,
        "contract": {"id": contract.id, "title": contract.title, "source": contract.source},
        "agreements": {
            key: {"title": agreement.title, "date": agreement.date, "reference": agreement.reference}
            for key, agreement in (("spa", contract.agreements.spa), ("escrow", contract.agreements.escrow))
        },
        "parties": {key: party_context(getattr(parties, key)) for key in ("party_a", "party_b", "party_c", "party_d")},
        "target_company": {
            "name": contract.target_company.name,
            "chinese_name": _chinese_alias(contract.target_company.aliases),
            "registered_in": contract.target_company.registered_in,
        },
        "shares": {
            "share_class": contract.shares.share_class,
            "issuer": contract.shares.issuer,
            "exchange": contract.shares.exchange,
            "ticker": contract.shares.ticker,
            "cusip": contract.shares.cusip,
            "transfer_agent": contract.shares.transfer_agent,
            "share_consolidation": contract.shares.share_consolidation,
        },
        "consideration_shares": contract.consideration_shares.value,
        "tranche_count": contract.tranches.count,
        "tranche_shares": int(contract.tranche_shares),
        "share_of_excess": contract.offset.share_of_excess.value,
        "agent_business_days": contract.release.agent_business_days.value,
        "release_days": contract.release.days_after_year_end.value,
        "reading": {
            "name": reading,
            "is_default": reading == contract.default_reading,
            "description": reading_terms.description if reading_terms else reading,
        },
    }


def _recipient(contract: Contract) -> dict:
    party_c = contract.parties.party_c
    delivery = party_c.delivery
    return {
        "name": party_c.name,
        "account_holder": delivery.account_holder if delivery else None,
        "brokerage_account": delivery.brokerage_account if delivery else None,
        "broker": delivery.broker if delivery else None,
        "dtc_participant": delivery.dtc_participant if delivery else None,
    }


def _ledger(contract: Contract, assessment: Assessment) -> dict:
    return {
        "years": [year_context(contract, result) for result in assessment.years],
        "released_shares": assessment.released_shares,
        "retained_shares": assessment.retained_shares,
        "unassessed_shares": assessment.unassessed_shares,
        "consideration_shares": assessment.consideration_shares,
        "cancelled_at_expiry": assessment.cancelled_at_expiry,
        # contract-reading rule 7: released + retained + unassessed = the Consideration Shares
        "accounted_shares": assessment.released_shares + assessment.retained_shares + assessment.unassessed_shares,
    }


def _up_to(revenues: Mapping[int, Decimal], year: int) -> dict[int, Decimal]:
    return {number: amount for number, amount in revenues.items() if number <= year}


def _agent_deadline(contract: Contract, received_on: dt.date) -> dt.date | None:
    """EA 3.2 deadline if the agent received both documents on `received_on`; None when the PRC
    holiday schedule for that period is not published (the calendar never guesses)."""
    from compliance.rules.business_days import ScheduleNotPublished, agent_transfer_deadline, load_calendar

    try:
        return agent_transfer_deadline(contract, load_calendar(contract), received_on)
    except ScheduleNotPublished:
        return None


# --- the documents of one Assessment Year -------------------------------------------------------------
def year_documents(
    contract: Contract,
    revenues: Mapping[int, Decimal],
    year: int,
    *,
    as_of: dt.date,
    report: dict | None = None,
    reading: str | None = None,
) -> dict[str, dict]:
    """kind -> template context for every document due for `year` (deduction-notice only in a shortfall
    year). `report` is Extraction.to_json() plus an optional "evidence_png" path."""
    from compliance.rules.business_days import notice_deemed_given

    reading = reading or contract.default_reading
    if year not in revenues:
        raise DocumentError(f"no audited revenue for Assessment Year {year}; supply it to render its documents")
    used = _up_to(revenues, year)
    assessment = assess(contract, used, reading)
    result = assessment.year(year)
    common = common_context(contract, used, reading=reading, year=year, as_of=as_of)
    common["year"] = year_context(contract, result)
    common["report"] = report_context(report)
    common["ledger"] = _ledger(contract, assessment)

    documents: dict[str, dict] = {}
    documents["joint-instruction"] = dict(
        common,
        recipient=_recipient(contract),
        shortfall_note=not result.met,  # EA 3.1(a) speaks of achievement; SPA 5.2(1) governs a shortfall
    )
    documents["release-notice"] = dict(
        common,
        deemed_given=notice_deemed_given(contract, as_of),  # SPA 11.3: courier notice, third day
        deemed_given_days=contract.notices.deemed_given_days.value,
    )
    if not result.met:
        share = contract.offset.share_of_excess.value
        restore = result.shortfall / share if share else None
        documents["deduction-notice"] = dict(
            common,
            # SPA 5.2(2): only 50% of a later excess offsets, so restoring the whole shortfall needs an
            # excess of shortfall / 50% in later years (under the SPA reading; the 6-K reading differs).
            excess_to_restore=restore if reading != "6k-summary" else None,
            final_year=year == contract.assessment_years[-1].number,
            deemed_given=notice_deemed_given(contract, as_of),  # SPA 11.3
        )
    readings = assess_all_readings(contract, used)
    documents["assessment-report"] = dict(
        common,
        readings=[
            {
                "name": name,
                "is_default": name == contract.default_reading,
                "description": contract.readings[name].description if name in contract.readings else name,
                "year": year_context(contract, other.year(year)),
                "released_shares": other.released_shares,
                "retained_shares": other.retained_shares,
            }
            for name, other in readings.items()
        ],
        discrepancies=[
            {"id": d.id, "summary": d.summary, "reference": d.reference} for d in contract.discrepancies
        ],
        agent_deadline_if_received_today=_agent_deadline(contract, as_of),
    )
    return documents


def render_cancellation_context(
    contract: Contract, revenues: Mapping[int, Decimal], *, as_of: dt.date, reading: str | None = None
) -> dict:
    """After the last Assessment Year: deducted shares no offset restored go back to Party A (SPA 5.2(1))."""
    reading = reading or contract.default_reading
    missing = [y.number for y in contract.assessment_years if y.number not in revenues]
    if missing:
        years = ", ".join(str(number) for number in missing)
        raise DocumentError(
            f"the cancellation instruction comes after every Assessment Year is determined; revenue is missing"
            f" for year {years}"
        )
    assessment = assess(contract, revenues, reading)
    last = contract.assessment_years[-1].number
    context = common_context(contract, revenues, reading=reading, year="expiry", as_of=as_of)
    context["ledger"] = _ledger(contract, assessment)
    context["final_year"] = year_context(contract, assessment.year(last))
    context["cancel_shares"] = assessment.cancelled_at_expiry
    return context
