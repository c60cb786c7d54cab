"""The template context of the penalty statement (templates/penalty-statement.html.j2), from a PenaltyResult.

The statement is a privileged computation for counsel, an internal memorandum (never a letter to a party): it
gives the SPA 8.2 exposure figure under each reading of the valuation, on the assumptions it states, names the
price file (and its sha256) the closes come from, and divides the days only by the escrow agent's EA 3.2
period (Period A, Period B), never by who would bear them.

Every figure comes from compliance.rules.penalty; the template only formats. Display rounding happens here and
only here for the statement: every amount is shown to the cent, half up (`round_cents`); the computation is
exact, and the CSV annex written beside the statement (`schedule_annex`) gives every day's amount exactly.
Once the 5% limit binds, the days after it add nothing: the statement's schedule ends with one row for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract
from compliance.documents.words import long_date, ordinal_figure, usd_words
from compliance.rules.penalty import PenaltyResult, accrual_runs
from compliance.values.digest import sha256_hex
from compliance.values.money import EXACT, round_cents, usd

DAY_BY_DAY_LIMIT = 62  # up to two months one row per day; longer delays one row per run of equal closes
_SAMPLE_MARKERS = ("sample", "synthetic", "fixture")
PRIVILEGE = "Privileged and confidential: prepared for the purpose of legal advice"
PRIVILEGE_ZH = "保密：为获取法律意见而准备"  # the legend in a Chinese or bilingual statement (issue 32)
# PRC Civil Code art. 585(2), cited as statute (the PRC lawyer's review, finding 19): what the statute provides, and
# that the memorandum does not assess whether it applies to the SPA 8.2 amount. The Chinese quotes the statute.
CIVIL_CODE_585_2 = (
    "Article 585(2) of the PRC Civil Code provides that where agreed liquidated damages are lower than, or "
    "excessively higher than, the loss caused, a people’s court or arbitral institution may increase or "
    "appropriately reduce them at a party’s request. Whether it applies to the amount described in SPA 8.2 is not "
    "assessed in this memorandum.")
CIVIL_CODE_585_2_ZH = (
    "《中华人民共和国民法典》第五百八十五条第二款规定：“约定的违约金低于造成的损失的，"
    "人民法院或者仲裁机构可以根据当事人的请求予以增加；约定的违约金过分高于造成的损失的，"
    "人民法院或者仲裁机构可以根据当事人的请求予以适当减少。”"
    "《股份购买协议》第8.2条所述金额是否适用该款，本备忘录不作判断。")
# The readings of SPA 8.2's "market value", in the order the statement numbers them
READINGS = (("daily", "daily close"), ("deadline-price", "close of the SPA 5.1 date"))
# rules.penalty names the days before and after the end of the agent's EA 3.2 period by the party its rule
# assigns them to; the statement names the periods only, and draws no conclusion from them.
_WINDOW = {"Party A": "A", "Party D": "B"}


def _cap_reached_on(result: PenaltyResult) -> tuple[dt.date, int] | None:
    """The day (and its number among the days counted) the running sum first reaches the cap."""
    if not result.cap_binds:
        return None
    running = Decimal(0)
    for number, day in enumerate(result.days, start=1):
        running += day.amount
        if running >= result.cap:
            return day.day, number
    return None  # unreachable: cap_binds means the full sum reaches the cap


def _windows(result: PenaltyResult) -> list[dict]:
    """The days counted up to the end of the agent's EA 3.2 period (Period A) and after it (Period B), with
    the exposure figure divided pro rata to their daily amounts (arithmetic only); [] when no receipt of the
    EA 3.1 documents is recorded (the period cannot be placed)."""
    if result.agent_deadline is None:
        return []
    total_shown = round_cents(result.penalty)
    rows = []
    for party, description in (("Party A", f"up to and including {long_date(result.agent_deadline)}"),
                                ("Party D", f"after {long_date(result.agent_deadline)}")):
        accrued = result.party_accrued(party)
        share = result.penalty * accrued / result.accrued if result.accrued else Decimal(0)
        rows.append({"name": f"Period {_WINDOW[party]}", "description": description,
                     "days": result.party_days(party), "accrued": accrued, "share": share})
    # Round A's share for display and give B the rest, so the two shown figures add up to the shown total.
    rows[0]["share_shown"] = round_cents(rows[0]["share"])
    rows[1]["share_shown"] = total_shown - rows[0]["share_shown"]
    return [dict(row, accrued=usd(row["accrued"]), share_shown=usd(row["share_shown"])) for row in rows]


def _readings(result: PenaltyResult, alternatives: Sequence[PenaltyResult]) -> list[dict]:
    """The exposure figure under each reading of the valuation: the statement's own and those computed beside."""
    by_valuation = {other.valuation: other for other in alternatives}
    by_valuation[result.valuation] = result
    rows = []
    for number, (valuation, label) in enumerate(READINGS, start=1):
        found = by_valuation.get(valuation)
        if found is not None:
            rows.append({"number": number, "valuation": valuation, "label": label,
                         "primary": valuation == result.valuation, "days_counted": found.days_counted,
                         "accrued": usd(found.accrued), "cap": usd(found.cap), "exposure": usd(found.penalty),
                         "exposure_cents": round_cents(found.penalty)})
    return rows


def _periods(result: PenaltyResult) -> list[dict]:
    rows = []
    for period in result.periods:
        days = [item.day for item in result.excluded if period.start <= item.day <= period.end]
        rows.append({
            "kind": "dispute on the quantity of shares" if period.kind == "dispute" else "suspension (SPA 8.1)",
            "reference": result.delay_references[period.kind],
            "start": period.start,
            "end": period.end,
            "days_excluded": len(days),
        })
    return rows


def _excluded_row(first, last, count: int, kind: str, reference: str) -> dict:
    what = "dispute on the quantity" if kind == "dispute" else "suspension"
    return {"kind": "excluded", "first": first, "last": last, "days": count, "what": what, "reference": reference}


def _schedule(result: PenaltyResult) -> list[dict]:
    """Schedule 1, in date order: the days counted (one row a day, or one per run of equal closes when the
    delay is long) and the days excluded (one row per run of consecutive excluded days)."""
    rows: list[tuple[dt.date, dict]] = []
    excluded: list[list] = []
    for item in result.excluded:
        last = excluded[-1] if excluded else None
        if last and item.day == last[1] + dt.timedelta(days=1) and item.kind == last[3]:
            last[1], last[2] = item.day, last[2] + 1
        else:
            excluded.append([item.day, item.day, 1, item.kind, item.reference])
    reached = _cap_reached_on(result)
    last_shown = reached[0] if reached else None  # after the limit binds, one summary row
    rows += [(first, _excluded_row(first, last, count, kind, ref)) for first, last, count, kind, ref in excluded
             if last_shown is None or first <= last_shown]
    if result.days_counted <= DAY_BY_DAY_LIMIT:
        running = Decimal(0)
        for number, item in enumerate(result.days, start=1):
            running = EXACT.add(running, item.amount)
            if last_shown is not None and item.day > last_shown:
                break
            rows.append((item.day, {
                "kind": "day", "number": number, "date": item.day, "price_date": item.price_date,
                "carried": item.price_date != item.day, "close": item.close,
                "amount": _cents(item.amount), "running": _cents(running), "window": _WINDOW[item.party],
            }))
    else:
        for run in accrual_runs(result):
            if last_shown is not None and run.first > last_shown:
                break
            last, days, subtotal = run.last, run.days, run.subtotal
            if last_shown is not None and run.last > last_shown:  # the run the limit is reached in ends there
                days = sum(1 for item in result.days if run.first <= item.day <= last_shown)
                last, subtotal = last_shown, EXACT.multiply(run.amount_per_day, days)
            rows.append((run.first, {
                "kind": "run", "first": run.first, "last": last, "days": days, "close": run.close,
                "price_dates": run.price_dates, "amount_per_day": _cents(run.amount_per_day),
                "subtotal": _cents(subtotal), "window": _WINDOW[run.party],
            }))
    after = [item for item in result.days if last_shown is not None and item.day > last_shown]
    if after:
        rows.append((after[0].day, {"kind": "after_cap", "first": after[0].day, "last": after[-1].day,
                                    "days": len(after)}))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _cents(amount: Decimal) -> str:
    """'1,234.57': to the cent, half up (the annex has the exact figure)."""
    return f"{round_cents(amount):,}"


def schedule_annex(result: PenaltyResult, statement_id: str) -> tuple[str, bytes]:
    """The full daily schedule, exact, as a CSV annex written beside the statement: (file name, bytes). The
    statement names it and prints its sha256, so a reader can check the annex is the one it rests on."""
    lines = ["day_number,date,close_of,close_usd,amount_usd,running_sum_usd,period"]
    running = Decimal(0)
    for number, item in enumerate(result.days, start=1):
        running = EXACT.add(running, item.amount)
        lines.append(f"{number},{item.day.isoformat()},{item.price_date.isoformat()},{item.close},"
                     f"{item.amount},{running},{_WINDOW[item.party] if result.agent_deadline else ''}")
    lines += [f",{item.day.isoformat()},,,,,not counted: {item.kind} ({item.reference})" for item in result.excluded]
    return f"penalty-statement-schedule-{statement_id}.csv", ("\n".join(lines) + "\n").encode("utf-8")


def _statement_id(result: PenaltyResult, as_of: dt.date, prices_source: str) -> str:
    parts = [result.contract_id, str(result.year), str(result.shares), result.released_on.isoformat(),
             result.valuation, as_of.isoformat(), prices_source, str(result.penalty)]
    parts += [f"{p.kind}:{p.start}:{p.end}" for p in result.periods]
    parts += [str(result.documents_received_on)]
    digest = sha256_hex("|".join(parts)).upper()
    return f"P{digest[:3]}-{digest[3:7]}-{digest[7:11]}"


def penalty_statement_context(contract: Contract, result: PenaltyResult, *, as_of: dt.date,
                              prices_source: str, outstanding: bool, prices_sha256: str | None = None,
                              alternatives: Sequence[PenaltyResult] = ()) -> dict:
    """Context for Renderer.render("penalty-statement", ...). `prices_source` names the closes used (a file
    name, or a vendor and file) and `prices_sha256` the file's content; a name containing 'sample',
    'synthetic' or 'fixture' marks the statement as computed on sample prices. `outstanding` says the
    release had not happened by `released_on` (then the as-of date); the caller knows it from the recorded
    releases (a release recorded on the as-of date is not outstanding), so it is never guessed from the dates.
    `alternatives`: the same inputs computed under the other readings of the valuation (`READINGS`), stated
    beside the statement's own."""
    from compliance.documents.context import party_context
    from compliance.documents.words import percent

    year = contract.year(result.year)
    clause = contract.clauses.get("late-release-penalty")  # quoted verbatim when the contract file holds it
    schedule = _schedule(result)
    reached = _cap_reached_on(result)
    parties = contract.parties
    source_name = Path(prices_source).name if prices_source else prices_source
    statement_id = _statement_id(result, as_of, prices_source)
    annex_name, annex_bytes = schedule_annex(result, statement_id)
    client = getattr(parties, contract.preparer.party) if contract.preparer else parties.party_a
    default_number = next(n for n, (v, _) in enumerate(READINGS, start=1) if v == contract.penalty.default_valuation)
    inner_gaps = sum(1 for gap in result.price_gaps if not gap.at_end)
    return {
        "document_id": statement_id,
        "author": "Earn-out escrow administration",  # the DOCX's author: no party speaks in this memorandum
        "classification": PRIVILEGE,  # heads the memorandum and the footer of every page
        "classification_zh": PRIVILEGE_ZH,
        "language": contract.language,  # en | zh | bilingual, as the letters (issue 32)
        "prevailing_language": contract.prevailing_language,
        "draft_use_zh": "不得依赖",
        "draft_use": "not to be relied on",  # its DRAFT mark: nothing here is signed
        "annex": {"name": annex_name, "sha256": sha256_hex(annex_bytes)} if result.days else None,
        "client": party_context(client),
        "as_of": as_of,
        "title": f"SPA 8.2 Exposure Computation — Assessment Year {result.year}",
        "contract": {"id": contract.id, "title": contract.title, "source": contract.source},
        "spa": {"title": contract.agreements.spa.title, "date": contract.agreements.spa.date},
        "escrow": {"title": contract.agreements.escrow.title, "date": contract.agreements.escrow.date},
        "parties": {key: party_context(getattr(parties, key)) for key in ("party_a", "party_b", "party_c", "party_d")},
        "shares": {"share_class": contract.shares.share_class, "issuer": contract.shares.issuer,
                   "exchange": contract.shares.exchange, "ticker": contract.shares.ticker},
        "clause_text": clause.text if clause else None,
        "daily_rate": percent(result.daily_rate),
        "cap_rate": percent(result.cap_rate),
        "year": {"number": year.number, "start": year.start, "end": year.end},
        "release_days": contract.release.days_after_year_end.value,
        "release_day_ordinal": ordinal_figure(contract.release.days_after_year_end.value),
        "agent_business_days": contract.release.agent_business_days.value,
        "deadline": result.deadline,
        "released_on": result.released_on,
        "outstanding": outstanding,
        "shares_not_released": result.shares,
        "valuation": result.valuation,
        "readings": _readings(result, alternatives),
        "default_reading_number": default_number,
        "prices": {"source": prices_source, "name": source_name, "sha256": prices_sha256,
                   "sample": any(marker in (prices_source or "").lower() for marker in _SAMPLE_MARKERS)},
        "days_late": result.days_late,
        "days_counted": result.days_counted,
        "days_excluded": len(result.excluded),
        "periods": _periods(result),
        "day_by_day": result.days_counted <= DAY_BY_DAY_LIMIT,
        "schedule": schedule,
        "accrued": usd(result.accrued),
        "accrued_figure": _cents(result.accrued),
        "cap": usd(result.cap),
        "cap_close": result.cap_close,
        "cap_price_date": result.cap_price_date,
        "cap_last_day": result.days[-1].day if result.days else None,
        "cap_binds": result.cap_binds,
        "cap_reached_on": reached[0] if reached else None,
        "cap_reached_day": ordinal_figure(reached[1]) if reached else None,
        "penalty": usd(result.penalty),
        "penalty_words": usd_words(result.penalty),
        "penalty_cents": round_cents(result.penalty),  # the Chinese text writes it in figures and capitals
        "documents_received_on": result.documents_received_on,
        "agent_deadline": result.agent_deadline,
        "windows": _windows(result),
        # closes missing inside the period (their sentences open result.warnings), stated beside the valuation
        "price_gaps": list(result.warnings[:inner_gaps]),
        "warnings": list(result.warnings[inner_gaps:]),
        "calendar_overrides": list(result.calendar_overrides),  # a published PRC schedule replaced by a file
        "articles": ["SPA 8.2", "SPA 5.1", "SPA 8.1", "EA 3.1", "EA 3.2", "EA 3.3", "EA 5.2", "SPA 10.1",
                     "SPA 10.2", "EA 6.1", "PRC Civil Code art. 585(2)"],
        # the statute cited as statute, never as a finding: the only place the memorandum says "liquidated
        # damages" (违约金), the statute's own words
        "civil_code_585_2": CIVIL_CODE_585_2, "civil_code_585_2_zh": CIVIL_CODE_585_2_ZH,
    }
