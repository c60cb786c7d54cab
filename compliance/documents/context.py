"""Per-document template contexts, built from the engine's Assessment and the contract.

Every share figure comes from the engine (compliance.rules.earnout); templates only format. A year's documents
describe the determination of that year: the engine sees the revenues of that year and the years before
it, never later ones (a later offset is a later determination with its own documents).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from compliance.contract import Contract, Party, firm_approved
from compliance.documents.environment import DocumentError
from compliance.documents.registry import DETERMINATION_KINDS
from compliance.documents.report_facts import report_context
from compliance.documents.transfer_package import (
    delivery,
    escrow_balance,
    escrow_position,
    latest_sending,
    releases_shares,
    transfer_agent,
)
from compliance.rules.earnout import Assessment, YearAssessment, YearResult
from compliance.values.cjk import HAN
from compliance.values.digest import sha256_hex, short_id
from compliance.values.money import cents


def computation_id(
    contract: Contract, revenues: Mapping[int, Decimal], *, reading: str, year: int | str, as_of: dt.date
) -> str:
    """Short hash of the computation's inputs; the same on every document of one computation. The contract
    file's whole content is one input: a letter whose particulars were filled in (an open item closed) is
    another text, so it gets another ID, never the draft's."""
    parts = [contract.id, sha256_hex(contract.model_dump_json()), reading, str(year), as_of.isoformat()]
    parts += [f"{number}={cents(amount)}" for number, amount in sorted(revenues.items())]
    return short_id("|".join(parts))


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
        "chinese_address": party.chinese_address,  # a Chinese letter's letterhead gives it beside the Chinese name
        "signatories": [{"name": s.name, "title": s.title} for s in party.signatories],
        "uses_chop": party.uses_chop,
        "uses_seal": party.uses_seal,
        "label_zh": {"Party A": "甲方", "Party B": "乙方", "Party C": "丙方", "Party D": "丁方"}.get(party.label,
                                                                                              party.label),
        "individual": party.delivery is not None,  # the recipient of the shares, a natural person: signs himself
        "unconfirmed": dict(party.unconfirmed),  # field -> why: printed as an open item (documents.open_items)
        "signature_field": f"{key}_Signature",
        "email": party.email.value if party.email else None,  # for notices; the filing gives none
        "contract_key": party.label.lower().replace(" ", "_"),  # "Party B" -> "party_b", as the contract file
    }


def _chinese_alias(names: list[str]) -> str | None:
    return next((name for name in names if HAN.search(name)), None)


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
        # Whole shares by the floor of the exact entitlement is our convention, not the SPA's (SPA 5.3 lets the
        # parties agree otherwise): this fraction of a share is entitled to but stays in escrow.
        "rounding_fraction": result.entitlement_exact - result.released_to_date,
    }


def document_id(set_id: str, kind: str) -> str:
    """Each document its own ID, derived from the set ID its determination's documents share."""
    return short_id(f"{set_id}|{kind}")


# The transfer agent (a US company) acts on English only: its letter and the stock power are never Chinese alone; in
# a Chinese deal they are bilingual, the English prevailing and the Chinese a translation for the PRC parties.
READ_IN_ENGLISH = frozenset({"transfer-agent-letter", "stock-power"})


def letter_language(language: str, kind: str) -> str:
    """en | zh | bilingual: each paragraph in English, Chinese, or both (Chinese under English)."""
    return "bilingual" if language == "zh" and kind in READ_IN_ENGLISH else language


def common_context(
    contract: Contract, revenues: Mapping[int, Decimal], *, reading: str, year: int | str, as_of: dt.date,
    kind: str,
) -> dict:
    parties = contract.parties
    consolidation = contract.shares.share_consolidation
    reading_terms = contract.readings.get(reading)
    set_id = computation_id(contract, revenues, reading=reading, year=year, as_of=as_of)
    preparer = contract.preparer
    return {
        "author": getattr(parties, preparer.party).name if preparer else None,  # the DOCX's author
        "set_id": set_id,
        "document_id": document_id(set_id, kind),
        "kind": kind,
        "as_of": as_of,
        "language": letter_language(contract.language, kind),
        "prevailing_language": contract.prevailing_language,
        "contract": {"id": contract.id, "title": contract.title, "source": contract.source},
        "agreements": {
            key: {"title": agreement.title, "date": agreement.date, "reference": agreement.reference}
            for key, agreement in (("spa", contract.agreements.spa), ("escrow", contract.agreements.escrow))
        },
        "parties": {key: party_context(getattr(parties, key)) for key in ("party_a", "party_b", "party_c", "party_d")},
        "target_company": {
            "name": contract.target_company.name,
            "chinese_name": contract.target_company.chinese_name or _chinese_alias(contract.target_company.aliases),
            "registered_in": contract.target_company.registered_in,
            "unconfirmed": dict(contract.target_company.unconfirmed),
        },
        "shares": {
            "share_class": contract.shares.share_class,
            "issuer": contract.shares.issuer,
            "exchange": contract.shares.exchange,
            "ticker": contract.shares.ticker,
            "cusip": contract.shares.cusip,
            "transfer_agent": contract.shares.transfer_agent,
            "restrictive_legend": contract.shares.restrictive_legend,
            "share_consolidation": consolidation.value if consolidation else None,
            "share_consolidation_zh": consolidation.chinese if consolidation else None,
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
            "formula": reading_terms.formula if reading_terms else None,
        },
    }


def _recipient(contract: Contract) -> dict:
    party_c = contract.parties.party_c
    delivery = party_c.delivery
    return {
        "name": party_c.name,
        "method": delivery.method if delivery else None,  # EA 3.2: book_entry | broker | None (not chosen)
        "identification": delivery.identification if delivery else None,
        "address": party_c.address,
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
        # docs/contract-reading.md rule 7: released + retained + unassessed = the Consideration Shares
        "accounted_shares": assessment.released_shares + assessment.retained_shares + assessment.unassessed_shares,
    }


def _agent_deadline(contract: Contract, received_on: dt.date) -> dt.date | None:
    """EA 3.2 deadline if the agent received both documents on `received_on`; None when the PRC
    holiday schedule for that period is not published (the calendar never guesses)."""
    from compliance.rules.business_days import ScheduleNotPublished, agent_transfer_deadline, load_calendar

    try:
        return agent_transfer_deadline(contract, load_calendar(contract), received_on)
    except ScheduleNotPublished:
        return None


# --- the documents of one determination: one builder per kind (the registry maps kinds to these) -------
def _beyond_instruction(determined: YearAssessment, released: Mapping[int, int] | None) -> list[dict]:
    """Years whose recorded releases exceed what this determination says they release: shares released under
    an instruction since superseded (the escrow holds that many fewer than the determinations need)."""
    rows = []
    for result in determined.assessment.years:
        done = (released or {}).get(result.year, 0)
        if done > result.release_shares:
            rows.append({"year": result.year, "instructed": result.release_shares, "released": done,
                         "excess": done - result.release_shares})
    return rows


def _year_common(contract: Contract, determined: YearAssessment, as_of: dt.date, report: Mapping | None,
                 released: Mapping[int, int] | None, kind: str) -> dict:
    context = common_context(contract, determined.revenues, reading=determined.reading, year=determined.year,
                             as_of=as_of, kind=kind)
    context["ids"] = {name: document_id(context["set_id"], name) for name in DETERMINATION_KINDS}
    # SPA 4.2, 5.1: a letter says the firm is approved by Party A only when the contract's list says so
    context["overdue"] = as_of > determined.result.release_deadline  # SPA 5.1; a later date is SPA 8.2's
    context["firm_approved"] = firm_approved(contract, (report or {}).get("auditor"))
    context["year"] = year_context(contract, determined.result)
    context["report"] = report_context(report)
    context["ledger"] = _ledger(contract, determined.assessment)
    context["beyond_instruction"] = _beyond_instruction(determined, released)
    return context


def joint_instruction_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                              report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    """EA 3.1(b): Parties A and B instruct the escrow agent to release the year's shares to Party C."""
    return dict(
        _year_common(contract, determined, as_of, report, released, "joint-instruction"),
        **_transfer_package(contract, determined, as_of),
        recipient=_recipient(contract),
        shortfall_note=not determined.result.met,  # EA 3.1(a) speaks of achievement; SPA 5.2(1) governs a shortfall
    )


def release_notice_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                           report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    from compliance.rules.business_days import notice_deemed_given

    return dict(
        _year_common(contract, determined, as_of, report, released, "release-notice"),
        deemed_given=notice_deemed_given(contract, as_of),  # SPA 11.3: courier notice, third day
        deemed_given_days=contract.notices.deemed_given_days.value,
    )


def deduction_notice_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                             report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    from compliance.rules.business_days import notice_deemed_given
    from compliance.rules.earnout import READING_RULES

    result = determined.result
    share = contract.offset.share_of_excess.value
    restore = result.shortfall / share if share and READING_RULES[determined.reading].restoring_excess_known else None
    return dict(
        _year_common(contract, determined, as_of, report, released, "deduction-notice"),
        # SPA 5.2(2): only 50% of a later excess offsets, so restoring the whole shortfall needs an excess of
        # shortfall / 50% in later years (under the SPA readings; the 6-K reading has no such figure).
        excess_to_restore=restore,
        restoration=None,  # set by documents.render_year when a later excess restored shares to this tranche
        final_year=determined.year == contract.assessment_years[-1].number,  # not is_last_year: a revised
        # notice (documents.restored_tranches) is an earlier year seen from a later determination
        deemed_given=notice_deemed_given(contract, as_of),  # SPA 11.3
    )


def assessment_report_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                              report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    return dict(
        _year_common(contract, determined, as_of, report, released, "assessment-report"),
        readings=[
            {
                "name": name,
                "is_default": name == contract.default_reading,
                "description": contract.readings[name].description if name in contract.readings else name,
                "formula": contract.readings[name].formula if name in contract.readings else None,
                "reference": contract.readings[name].reference if name in contract.readings else None,
                "year": year_context(contract, other.year(determined.year)),
                "released_shares": other.released_shares,
                "retained_shares": other.retained_shares,
            }
            for name, other in determined.readings.items()
        ],
        discrepancies=[
            {"id": d.id, "summary": d.summary, "reference": d.reference} for d in contract.discrepancies
        ],
        agent_deadline_if_received_today=_agent_deadline(contract, as_of),
        # the latest courier sending date leaving the agent its EA 3.2 business days before the SPA 5.1 date
        latest_sending=latest_sending(contract, determined.result.release_deadline),
        letters_open_items=[],  # the other letters' open items, filled in by documents.render_year
    )


def cancellation_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                         report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    """After the last Assessment Year: deducted shares no offset restored go back to Party A (SPA 5.2(1))."""
    if not determined.is_last_year:
        missing = [y.number for y in contract.assessment_years if y.number not in determined.revenues]
        raise DocumentError(
            "the cancellation instruction comes after every Assessment Year is determined; revenue is missing"
            f" for year {', '.join(str(number) for number in missing)}"
        )
    assessment = determined.assessment
    context = common_context(contract, determined.revenues, reading=determined.reading, year="expiry", as_of=as_of,
                             kind="cancellation-instruction")
    context["ledger"] = _ledger(contract, assessment)
    context["final_year"] = year_context(contract, determined.result)
    context["cancel_shares"] = assessment.cancelled_at_expiry
    # The whole shares retained hold the Deductible Shares no offset restored and the fractions of Party C's
    # entitlements no whole share could carry: only the Deductible Shares go back under SPA 5.2(1); what
    # becomes of the fractions' whole shares is for the parties to agree in writing (SPA 5.3).
    unrestored = sum((result.deductible_exact - result.restored_exact for result in assessment.years), Fraction(0))
    context["unrestored_exact"] = unrestored
    context["return_shares"] = min(int(unrestored), assessment.cancelled_at_expiry)
    context["fraction_shares"] = assessment.cancelled_at_expiry - context["return_shares"]
    context["last_release_deadline"] = determined.result.release_deadline
    return context


# --- the transfer package of a release (compliance.documents.transfer_package) ---------------------------------
def _transfer_package(contract: Contract, determined: YearAssessment, as_of: dt.date) -> dict:
    return {
        "transfer": releases_shares(determined),  # a release of no shares has no stock power or transfer agent letter
        "escrow": escrow_position(contract),  # EA 1.1
        "balance": escrow_balance(determined),
        "delivery": delivery(contract, as_of, determined.result.release_deadline),  # SPA 11.3, 5.1
        "transfer_agent": transfer_agent(contract),
    }


def transfer_agent_letter_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                                  report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    """Party A, the issuer, instructs its transfer agent to register the release from the escrow position to Party C."""
    return dict(_year_common(contract, determined, as_of, report, released, "transfer-agent-letter"),
                **_transfer_package(contract, determined, as_of), recipient=_recipient(contract))


def stock_power_context(contract: Contract, determined: YearAssessment, *, as_of: dt.date,
                        report: Mapping | None = None, released: Mapping[int, int] | None = None) -> dict:
    """The registered holder, the Escrow Agent, transfers the Release Shares (EA 1.1, 3.2): its stock power."""
    return dict(_year_common(contract, determined, as_of, report, released, "stock-power"),
                **_transfer_package(contract, determined, as_of), recipient=_recipient(contract))
