"""The late-release penalty of SPA 8.2: days of delay, the daily amounts, the cap and who bears each day.

SPA 8.2: if Party A and/or Party D, without a justified reason, delay the release of shares that meet the
release conditions, they pay Party C, for each day of delay, 0.01% of the market value of the shares not
released; the total may not exceed 5% of their total market value. The rates come from the contract.

Readings (docs/contract-reading.md, "Late-release penalty"):
- Days late = release date (or the as-of date while the release is outstanding) minus the SPA 5.1
  deadline, in calendar days; 0 or less means no penalty. Day d is late when deadline < d <= release date.
- `daily` (default): day d accrues daily_rate x S x the close of day d (the last earlier close when d is
  not a trading day); the cap is cap_rate x S x the close of the last day counted.
- `deadline-price`: every day and the cap take the close of the deadline.
- Penalty = min(sum of daily amounts, cap).
- Days inside a dispute on the quantity (EA 3.3) or a suspension by Party A (SPA 8.1) are a justified
  delay: they are not counted (both ends of a period are inside it).

Attribution between Party A and Party D (EA 5.2, EA 3.2), the rule this module applies:
- Without a date on which the escrow agent held both EA 3.1 documents, every day is Party A's: the agent
  cannot start a release before it holds them (EA 3.1), and EA 5.2 puts that delay on Party A under the SPA.
- With that date R, the agent's window W ends on the 10th PRC business day after R (EA 3.2). A late day
  d <= W is Party A's: before R the agent lacked the documents (EA 5.2); between R and W the agent is not
  late, and the delay past the deadline exists only because the documents reached it too late. A day d > W
  is Party D's: the agent held everything and its window had passed.
- A dispute (EA 3.3) or suspension (SPA 8.1) that begins on or before W and ends on or after R suspends the
  agent's action; its window restarts from the period's last day (10 business days after it), because the
  agent may act again only once the settlement, ruling or lifted suspension reaches it.

Money is exact Decimal throughout (an Inexact trap guards every product and sum). The only rounding is
for display: `round_cents` (to the cent, half up), used for the total payable in the CLI summary and the
penalty statement, and in the JSON key `penalty_rounded`; every other JSON amount is exact.

Longer than 350 lines: the rule, the periods it excludes and the result it returns (with its JSON form and
the grouping of days into runs) are read together when checking a penalty against SPA 8.2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from compliance.contract import VALUATIONS, Contract
from compliance.values.money import exact_product, exact_sum, exact_text, round_cents
from compliance.values.prices import PriceGap, PriceGapError, PriceSeries, price_gaps

PERIOD_KINDS = ("dispute", "suspension")  # their articles: the contract's justified_delays


class PenaltyInputError(ValueError):
    """Arguments the penalty cannot be computed from; str() is one plain sentence."""


@dataclass(frozen=True)
class Period:
    """A justified delay: a dispute on the quantity (EA 3.3) or a suspension by Party A (SPA 8.1).

    Both `start` and `end` are days inside the period; `end` is None while it is still open."""

    start: dt.date
    end: dt.date | None
    kind: str  # "dispute" | "suspension"

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise PenaltyInputError(f"period kind {self.kind!r} is not 'dispute' (EA 3.3) or 'suspension' (SPA 8.1)")
        if self.end is not None and self.end < self.start:
            raise PenaltyInputError(f"{self.kind} period ends ({self.end}) before it starts ({self.start})")

    def closed_by(self, day: dt.date) -> Period:
        """The period as it stands on `day`: an open one, or one ending later, ends on `day`."""
        return Period(self.start, min(self.end or day, day), self.kind)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day and (self.end is None or day <= self.end)


def justified_delays(periods: Sequence[Period], until: dt.date) -> tuple[Period, ...]:
    """The periods that count for a delay up to `until` (the release date, or the as-of date while the release
    is outstanding): those begun by then, each closed by then. The one place a period is cut to a date."""
    return tuple(period.closed_by(until) for period in periods if period.start <= until)


@dataclass(frozen=True)
class DayAccrual:
    """One day counted: the close used (from `price_date`, the last trading day on or before it)."""

    day: dt.date
    price_date: dt.date
    close: Decimal
    amount: Decimal
    party: str  # "Party A" | "Party D"


@dataclass(frozen=True)
class ExcludedDay:
    day: dt.date
    kind: str
    reference: str


@dataclass(frozen=True)
class PenaltyResult:
    contract_id: str
    year: int
    shares: int
    deadline: dt.date
    released_on: dt.date
    valuation: str
    daily_rate: Decimal
    cap_rate: Decimal
    currency: str
    days_late: int  # calendar days from the deadline to the release date (0 when on time)
    days: tuple[DayAccrual, ...]  # the days counted, in order
    excluded: tuple[ExcludedDay, ...]
    periods: tuple[Period, ...]  # closed by the release date
    delay_references: dict[str, str]  # period kind -> the article that makes it a justified delay
    references: tuple[str, ...]  # the articles applied, from the contract's terms
    accrued: Decimal
    cap: Decimal
    cap_price_date: dt.date | None
    cap_close: Decimal | None
    penalty: Decimal
    documents_received_on: dt.date | None
    agent_deadline: dt.date | None  # end of the agent's EA 3.2 window (restarted after a suspension)
    warnings: tuple[str, ...]
    price_gaps: tuple[PriceGap, ...] = ()  # closes carried over more market days than the contract tolerates
    calendar_overrides: tuple[str, ...] = ()  # published holiday schedules the agent's window used replaced

    @property
    def days_counted(self) -> int:
        return len(self.days)

    @property
    def cap_binds(self) -> bool:
        """True once the days' sum reaches the cap: further days add nothing (SPA 8.2, second sentence)."""
        return bool(self.days) and self.accrued >= self.cap

    @property
    def penalty_rounded(self) -> Decimal:
        return round_cents(self.penalty)

    def party_days(self, party: str) -> int:
        return sum(1 for day in self.days if day.party == party)

    def party_accrued(self, party: str) -> Decimal:
        return exact_sum(day.amount for day in self.days if day.party == party)

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "deadline": self.deadline.isoformat(),
            "days_late": self.days_late,
            "accrued": exact_text(self.accrued),
            "cap": exact_text(self.cap),
            "penalty": exact_text(self.penalty),
            "currency": self.currency,
            "valuation": self.valuation,
            "daily": [
                {
                    "date": day.day.isoformat(),
                    "close": str(day.close),
                    "amount": exact_text(day.amount),
                    "price_date": day.price_date.isoformat(),
                    "party": day.party,
                }
                for day in self.days
            ],
            "excluded_days": [item.day.isoformat() for item in self.excluded],
            "attribution": {
                "party_a_days": self.party_days("Party A"),
                "party_d_days": self.party_days("Party D"),
                "party_a_accrued": exact_text(self.party_accrued("Party A")),
                "party_d_accrued": exact_text(self.party_accrued("Party D")),
                "documents_received_on": _iso(self.documents_received_on),
                "agent_deadline": _iso(self.agent_deadline),
            },
            "contract": self.contract_id,
            "shares": self.shares,
            "released_on": self.released_on.isoformat(),
            "days_counted": self.days_counted,
            "daily_rate": str(self.daily_rate),
            "cap_rate": str(self.cap_rate),
            "cap_close": None if self.cap_close is None else str(self.cap_close),
            "cap_price_date": _iso(self.cap_price_date),
            "cap_binds": self.cap_binds,
            "penalty_rounded": str(self.penalty_rounded),
            "excluded_periods": [
                {"start": p.start.isoformat(), "end": p.end.isoformat(), "kind": p.kind,
                 "reference": self.delay_references[p.kind]}
                for p in self.periods
            ],
            "warnings": list(self.warnings),
            "price_gaps": [{"last_close": gap.last_close.isoformat(), "next_close": _iso(gap.next_close),
                            "market_days": gap.market_days, "days": len(gap.days)} for gap in self.price_gaps],
            "calendar_overrides": list(self.calendar_overrides),
            "references": list(self.references),
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _amount(rate: Decimal, shares: int, close: Decimal) -> Decimal:
    return exact_product(rate, shares, close)


def _agent_deadline(contract, calendar, received_on: dt.date, periods: Sequence[Period]
                    ) -> tuple[dt.date, tuple[str, ...]]:
    """The end of the agent's EA 3.2 window, and the calendar overrides it used (stated in the statement)."""
    from compliance.rules.business_days import agent_transfer_deadline, load_calendar

    calendar = calendar if calendar is not None else load_calendar(contract)
    window_end = agent_transfer_deadline(contract, calendar, received_on)  # EA 3.2: 10 business days
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        # EA 3.3 / SPA 8.1: a suspension that begins inside the window restarts it from its last day.
        if period.start <= window_end and period.end >= received_on:
            window_end = max(window_end, agent_transfer_deadline(contract, calendar, period.end))
    return window_end, tuple(o.sentence() for o in calendar.overrides_between(received_on, window_end))


def compute_penalty(
    contract: Contract,
    *,
    year: int,
    shares: int,
    released_on: dt.date,
    prices: PriceSeries,
    valuation: str = "daily",
    excluded: Sequence[Period] = (),
    documents_received_on: dt.date | None = None,
    calendar=None,
    strict_prices: bool = False,
) -> PenaltyResult:
    """SPA 8.2 for one Assessment Year's release. `shares` (S) met the release conditions and were not
    released by the deadline; `released_on` is the release date, or the as-of date while outstanding.

    Raises PenaltyInputError for unusable arguments, PriceFileError when a day counted has no close on or
    before it (PriceGapError, with `strict_prices`, when one takes a close carried over more market days than
    the contract tolerates), and the calendar's ScheduleNotPublished when the agent's window needs an
    unpublished year."""
    numbers = [item.number for item in contract.assessment_years]
    if year not in numbers:
        raise PenaltyInputError(f"year {year} is not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]})")
    if isinstance(shares, bool) or not isinstance(shares, int) or shares <= 0:
        raise PenaltyInputError(f"shares {shares!r} must be a whole number of shares above zero")
    if valuation not in VALUATIONS:
        raise PenaltyInputError(f"valuation {valuation!r} is not one of {', '.join(VALUATIONS)}")
    try:
        contract.check_within_horizon(released_on, "the release date")  # 9999-12-31 would take minutes and GBs
    except ValueError as exc:
        raise PenaltyInputError(str(exc)) from None
    periods = justified_delays(excluded, released_on)  # EA 3.3 / SPA 8.1, as they stand on the release date
    delays = contract.justified_delays
    delay_references = {"dispute": delays.dispute.reference, "suspension": delays.suspension.reference}
    daily_rate = contract.penalty.daily_rate.value  # SPA 8.2: 0.01% per day of delay
    cap_rate = contract.penalty.cap_rate.value  # SPA 8.2: total not above 5% of the market value
    deadline = contract.release_deadline(year)  # SPA 5.1: the 60th day after the Assessment Year ends
    days_late = max(0, (released_on - deadline).days)  # SPA 8.2: calendar days; none when on time

    agent_deadline, overrides = None, ()
    if documents_received_on is not None:
        agent_deadline, overrides = _agent_deadline(contract, calendar, documents_received_on, periods)

    late_days = [deadline + dt.timedelta(days=n) for n in range(1, days_late + 1)]
    excluded_days: list[ExcludedDay] = []
    counted: list[dt.date] = []
    for day in late_days:
        period = next((p for p in periods if day in p), None)
        if period is not None:  # EA 3.3 / SPA 8.1: a justified delay accrues nothing
            excluded_days.append(ExcludedDay(day, period.kind, delay_references[period.kind]))
        else:
            counted.append(day)

    fixed_quote = prices.quote_on(deadline) if valuation == "deadline-price" and counted else None
    days: list[DayAccrual] = []
    for day in counted:
        price_date, close = fixed_quote if fixed_quote else prices.quote_on(day)  # SPA 8.2 market value
        # EA 5.2: Party A's until the agent's EA 3.2 window has passed; Party D's after it.
        party = "Party D" if agent_deadline is not None and day > agent_deadline else "Party A"
        days.append(DayAccrual(day, price_date, close, _amount(daily_rate, shares, close), party))

    accrued = exact_sum(day.amount for day in days)  # SPA 8.2: for each day of delay
    if days:
        cap_price_date, cap_close = days[-1].price_date, days[-1].close  # the last day counted
        cap = _amount(cap_rate, shares, cap_close)  # SPA 8.2: not above 5% of the market value
    else:
        cap_price_date, cap_close, cap = None, None, Decimal(0)
    penalty = min(accrued, cap)  # SPA 8.2

    tolerance = contract.penalty.price_gap_tolerance.value  # our convention (SPA 8.2 is silent on gaps)
    valued = ([deadline] if days else []) if valuation == "deadline-price" else [day.day for day in days]
    gaps = tuple(price_gaps(prices, valued, tolerance))
    if strict_prices and gaps:
        raise PriceGapError(gaps[0].sentence(prices.source, tolerance, refused=True))
    warnings = [gap.sentence(prices.source, tolerance) for gap in gaps if not gap.at_end]  # the end: below
    if valuation == "deadline-price" and days and deadline > prices.last_date:
        warnings.append(
            f"{prices.source} ends on {prices.last_date.isoformat()}, before the deadline "
            f"{deadline.isoformat()}: the deadline takes that last close; add later closes if they exist"
        )
    stale = [day.day for day in days if day.day > prices.last_date]
    if stale and valuation == "daily":
        warnings.append(
            f"{prices.source} ends on {prices.last_date.isoformat()}: the {len(stale)} day(s) counted from "
            f"{stale[0].isoformat()} to {stale[-1].isoformat()} take that last close; add later closes if "
            "they exist"
        )

    return PenaltyResult(
        contract_id=contract.id,
        year=year,
        shares=shares,
        deadline=deadline,
        released_on=released_on,
        valuation=valuation,
        daily_rate=daily_rate,
        cap_rate=cap_rate,
        currency=contract.penalty.currency,
        days_late=days_late,
        days=tuple(days),
        excluded=tuple(excluded_days),
        periods=periods,
        delay_references=delay_references,
        references=(
            contract.penalty.daily_rate.reference, contract.release.days_after_year_end.reference,
            contract.release.agent_business_days.reference, delays.dispute.reference,
            contract.penalty.attribution.reference, delays.suspension.reference,
        ),
        accrued=accrued,
        cap=cap,
        cap_price_date=cap_price_date,
        cap_close=cap_close,
        penalty=penalty,
        documents_received_on=documents_received_on,
        agent_deadline=agent_deadline,
        warnings=tuple(warnings),
        price_gaps=gaps,
        calendar_overrides=overrides,
    )


@dataclass(frozen=True)
class AccrualRun:
    """Consecutive days counted with the same close and the same party: one row of a long table."""

    first: dt.date
    last: dt.date
    days: int
    close: Decimal
    price_dates: tuple[dt.date, ...]  # trading days whose close the run uses (one for `daily`)
    amount_per_day: Decimal
    subtotal: Decimal
    party: str


def accrual_runs(result: PenaltyResult) -> list[AccrualRun]:
    """The days counted grouped into runs of equal closes; an excluded day or a change of party breaks a run."""
    runs: list[list[DayAccrual]] = []
    for day in result.days:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and day.day == previous.day + dt.timedelta(days=1)
            and day.close == previous.close
            and day.party == previous.party
        ):
            runs[-1].append(day)
        else:
            runs.append([day])
    return [
        AccrualRun(
            first=run[0].day,
            last=run[-1].day,
            days=len(run),
            close=run[0].close,
            price_dates=tuple(sorted({day.price_date for day in run})),
            amount_per_day=run[0].amount,
            subtotal=exact_sum(day.amount for day in run),
            party=run[0].party,
        )
        for run in runs
    ]
