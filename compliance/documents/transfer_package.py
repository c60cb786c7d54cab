"""The transfer package of a release (issue 30, point 12): what the joint instruction, the issuer's letter to the
transfer agent and the escrow agent's stock power need beyond the year's figures. How the instruction reaches the
agent (e-mail and courier, deemed given per SPA 11.3) and by when the transfer is asked for (the SPA 5.1 date);
the escrow position the Release Shares leave (EA 1.1); the escrow balance before and after the release; the latest
sending date that leaves the agent its EA 3.2 business days. Plain functions of the contract and the
determination: the particulars the filing does not give stay None, and the templates print them as open items.
"""

from __future__ import annotations

import datetime as dt

from compliance.contract import Contract
from compliance.rules.earnout import YearAssessment

# How a position is described in a letter (contract.parties.POSITION_FORMS)
POSITION_WORDS = {
    "certificate": "a share certificate",
    "drs": "a Direct Registration System (DRS) statement",
    "book_entry": "a book-entry account on the register kept by the transfer agent",
}


def releases_shares(determined: YearAssessment) -> bool:
    """A transfer package is due for a determination that releases at least one share."""
    return determined.result.release_shares > 0


def escrow_position(contract: Contract) -> dict:
    """EA 1.1: the Consideration Shares are issued in the Escrow Agent's name; how they are held and the
    reference (None while the contract file does not give them)."""
    position = contract.escrow_position
    form = position.form.value if position else None
    return {
        "holder": contract.parties.party_d.name,
        "form": form,
        "form_words": POSITION_WORDS.get(form) if form else None,
        "identifier": position.identifier.value if position else None,
    }


def transfer_agent(contract: Contract) -> dict:
    address = contract.shares.transfer_agent_address
    return {"name": contract.shares.transfer_agent, "address": address.value if address else None}


def escrow_balance(determined: YearAssessment) -> dict:
    """The shares in escrow before and after this release, on the determinations to date (every earlier year's
    instructed release made): released + retained + not yet assessed = the Consideration Shares after it."""
    assessment = determined.assessment
    released_now = determined.result.release_shares
    after = assessment.consideration_shares - assessment.released_shares
    return {
        "before": after + released_now,
        "released_now": released_now,
        "after": after,
        "retained": assessment.retained_shares,  # deducted and not restored (SPA 5.2(1))
        "unassessed": assessment.unassessed_shares,  # tranches of the Assessment Years still to come
        "released_earlier": assessment.released_shares - released_now,
        "earlier_years": [result.year for result in assessment.years if result.year < determined.year],
    }


def delivery(contract: Contract, as_of: dt.date, release_date: dt.date) -> dict:
    """The instruction is sent on its date by courier (deemed given on the third day, SPA 11.3) and by e-mail to
    the agent's notice address; the agent is asked to complete the transfer by the SPA 5.1 date when that date is
    later than the deemed delivery (`complete_by`; None otherwise)."""
    from compliance.rules.business_days import notice_deemed_given

    email = contract.parties.party_d.email
    deemed = notice_deemed_given(contract, as_of)
    return {
        "email": email.value if email else None,
        "sent_on": as_of,
        "deemed_given": deemed,
        "deemed_given_days": contract.notices.deemed_given_days.value,
        "complete_by": release_date if release_date > deemed else None,
    }


def latest_sending(contract: Contract, release_date: dt.date) -> dict:
    """The latest date an instruction sent by courier leaves the agent its business days (EA 3.2) before the
    SPA 5.1 date. `known` is False, naming the year, when that year's PRC holiday schedule is not published
    (the calendar never guesses)."""
    from compliance.rules.business_days import ScheduleNotPublished, load_calendar
    from compliance.rules.deadlines import latest_sending as compute

    facts = {"release_date": release_date, "business_days": contract.release.agent_business_days.value,
             "deemed_given_days": contract.notices.deemed_given_days.value}
    try:
        found = compute(contract, load_calendar(contract), release_date)
    except ScheduleNotPublished as missing:
        return dict(facts, known=False, missing_year=missing.year, sent_on=None, deemed_given=None)
    return dict(facts, known=True, missing_year=None, sent_on=found.sent_on, deemed_given=found.deemed_given)
