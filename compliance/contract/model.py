"""The contract as data: the pydantic model of a contract file, with the bounds of every term.

Every number the engine, the calendar and the documents use comes from here; nothing in code repeats it.
A bad file gets one message naming the key and what is wrong (ContractError).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

from compliance.contract.parties import EscrowPosition, Parties, Preparer, Shares, TargetCompany

READINGS = ("spa", "spa-excess-year-target", "6k-summary")
VALUATIONS = ("daily", "deadline-price")  # SPA 8.2 market value: each day's close, or the deadline's


class ContractError(ValueError):
    """A contract file that cannot be used; str() is one plain sentence naming the key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Bounds far beyond any real deal and well inside exact arithmetic: a figure outside them is a typing error.
MAX_SHARES = 10**12
MAX_DAYS = 3660  # ten years of calendar days
MAX_REVENUE = Decimal(10) ** 20


class IntTerm(_Model):
    value: int = Field(ge=0, le=MAX_SHARES)
    reference: str


class DecimalTerm(_Model):
    value: Decimal = Field(allow_inf_nan=False)
    reference: str


def _fraction_of_one(term: DecimalTerm) -> DecimalTerm:
    if not (0 <= term.value <= 1):
        raise ValueError("must be between 0 and 1")
    if term.value.normalize().as_tuple().exponent < -10:  # '1E-4001' is a typing error, not a rate
        raise ValueError("must have at most 10 decimal places")
    return term


def _days(term: IntTerm, limit: int = MAX_DAYS) -> IntTerm:
    if term.value > limit:
        raise ValueError(f"must be at most {limit:,} days")
    return term


class Agreement(_Model):
    title: str
    date: dt.date
    reference: str


class Agreements(_Model):
    spa: Agreement
    escrow: Agreement


class Tranches(_Model):
    count: int = Field(ge=1, le=100)
    reference: str


class AssessmentYear(_Model):
    number: int = Field(ge=1)
    start: dt.date
    end: dt.date
    target_revenue: Decimal = Field(gt=0, le=MAX_REVENUE, allow_inf_nan=False)
    reference: str

    @model_validator(mode="after")
    def _period_runs_forward(self) -> AssessmentYear:
        if self.end < self.start:
            raise ValueError(f"year {self.number} ends ({self.end}) before it starts ({self.start})")
        return self


class Revenue(_Model):
    measure: str
    currency: str
    statement_lines: list[str] = []
    reference: str


class Release(_Model):
    days_after_year_end: IntTerm
    agent_business_days: IntTerm

    @field_validator("days_after_year_end", "agent_business_days")
    @classmethod
    def _bounded(cls, term: IntTerm) -> IntTerm:
        return _days(term)


class Offset(_Model):
    share_of_excess: DecimalTerm

    @field_validator("share_of_excess")
    @classmethod
    def _between_zero_and_one(cls, term: DecimalTerm) -> DecimalTerm:
        return _fraction_of_one(term)


class Cited(_Model):
    """A rule with no number of its own: only the article it comes from."""

    reference: str


class Penalty(_Model):
    daily_rate: DecimalTerm
    cap_rate: DecimalTerm
    attribution: Cited  # who bears a day of delay, Party A or the escrow agent
    # Market days (Monday to Friday) without a close that a day's value may reach back over before the gap is
    # named in the statement, or refused with --strict-prices: our convention, the SPA being silent.
    price_gap_tolerance: IntTerm

    @field_validator("daily_rate", "cap_rate")
    @classmethod
    def _rate(cls, term: DecimalTerm) -> DecimalTerm:
        return _fraction_of_one(term)  # a negative or a 1e999999999 rate would print absurd money

    @field_validator("price_gap_tolerance")
    @classmethod
    def _gap(cls, term: IntTerm) -> IntTerm:
        return _days(term, 260)  # a year of market days
    currency: str = "USD"
    default_valuation: str = "daily"

    @field_validator("default_valuation")
    @classmethod
    def _known_valuation(cls, value: str) -> str:
        if value not in VALUATIONS:
            raise ValueError(f"must be one of {', '.join(VALUATIONS)}")
        return value


class JustifiedDelays(_Model):
    """Days of delay that accrue no penalty (SPA 8.2 "without a justified reason")."""

    dispute: Cited  # a dispute on the quantity of shares (the agent may suspend action)
    suspension: Cited  # Party A suspends the release for a breach by Party C


# How the code cites one article: the agreement (SPA or EA), a space, then the number: 4 (a whole article), 5.2,
# 5.2(1). Kept in this form so that docs/make_clauses.py can match each clause to the code citing it.
CITATION = r"(SPA|EA) \d+(\.\d+)*(\([0-9a-z]\))?"


class Clause(_Model):
    """An article as the agreement words it, verbatim, without its number (one line per paragraph or list item),
    for letters that quote it and for docs/clauses.md."""

    reference: str
    text: str

    @field_validator("reference")
    @classmethod
    def _one_article(cls, value: str) -> str:
        if not re.fullmatch(CITATION, value):
            raise ValueError("must name one article as the code cites it: SPA or EA, a space and the number, "
                             "such as 5.2(1) or 3.1")
        return value

    @field_validator("text")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must hold the article's words")
        if value != value.strip() or any(not line.strip() for line in value.split("\n")):
            raise ValueError("must not start or end with blanks or hold an empty line")
        return value


class Notices(_Model):
    deemed_given_days: IntTerm

    @field_validator("deemed_given_days")
    @classmethod
    def _bounded(cls, term: IntTerm) -> IntTerm:
        return _days(term, 365)


class Reading(_Model):
    description: str  # in words, as the assessment report prints it
    formula: str | None = None  # the same in symbols, printed as a footnote
    reference: str
    # 6k-summary only: the excess counts when it is more than this share of the target (6-K cover text)
    excess_threshold: Decimal | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)


class HolidaySchedule(_Model):
    """One year's State Council schedule given in the contract (the particular `calendar.schedules`): a year no
    published schedule covers, with the notice it comes from, its holidays and its weekend make-up working days."""

    year: int = Field(ge=2000, le=2200)
    source: str = Field(min_length=1, max_length=300)
    holidays: list[dt.date] = Field(min_length=1, max_length=366)
    working_days: list[dt.date] = Field(default=[], max_length=366)

    @model_validator(mode="after")
    def _days_of_the_year(self) -> HolidaySchedule:
        for day in (*self.holidays, *self.working_days):
            if day.year != self.year:
                raise ValueError(f"the {self.year} schedule lists {day}, which is not in {self.year}")
        both = set(self.holidays) & set(self.working_days)
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a working day")
        return self


class Calendar(_Model):
    country: str
    business_days: str
    schedule_files: list[str] = []
    schedules: list[HolidaySchedule] = []  # years given in the contract itself (a particular)
    reference: str

    @field_validator("schedules")
    @classmethod
    def _one_schedule_a_year(cls, value: list[HolidaySchedule]) -> list[HolidaySchedule]:
        years = [schedule.year for schedule in value]
        if len(set(years)) != len(years):
            raise ValueError("give each year's schedule once")
        return value

    @model_serializer(mode="wrap")
    def _schedules_when_given(self, handler):  # a contract without them keeps the fingerprint it had before them
        data = handler(self)
        if not self.schedules:
            data.pop("schedules", None)
        return data


class Discrepancy(_Model):
    id: str
    summary: str
    reference: str


LANGUAGES = ("en", "zh", "bilingual")


class Contract(_Model):
    id: str
    title: str
    source: str
    agreements: Agreements
    parties: Parties
    preparer: Preparer | None = None  # None: "Prepared by" is an open item
    target_company: TargetCompany
    approved_auditors: list[str] = []
    shares: Shares
    escrow_position: EscrowPosition | None = None  # None: every particular of it is an open item
    consideration_shares: IntTerm
    tranches: Tranches
    assessment_years: list[AssessmentYear]
    revenue: Revenue
    release: Release
    deduction: Cited
    offset: Offset
    penalty: Penalty
    justified_delays: JustifiedDelays
    notices: Notices
    default_reading: str
    readings: dict[str, Reading]
    calendar: Calendar
    discrepancies: list[Discrepancy] = []
    clauses: dict[str, Clause] = {}  # verbatim texts by role, e.g. "late-release-penalty"
    # The letters' language (issue 32): English, Chinese, or each paragraph in both; and which text prevails in a
    # bilingual letter (the filed agreements are in English). Particulars: the deal sets them, English unless set.
    language: str = "en"
    prevailing_language: str = "en"

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("prevailing_language")
    @classmethod
    def _known_prevailing(cls, value: str) -> str:
        if value not in ("en", "zh"):
            raise ValueError("must be en or zh")
        return value

    @field_validator("default_reading")
    @classmethod
    def _known_reading(cls, value: str) -> str:
        if value not in READINGS:
            raise ValueError(f"must be one of {', '.join(READINGS)}")
        return value

    @model_validator(mode="after")
    def _readings_described(self) -> Contract:
        missing = [name for name in READINGS if name not in self.readings]
        if missing:
            raise ValueError(f"readings must describe {', '.join(missing)}")
        if self.readings["6k-summary"].excess_threshold is None:
            raise ValueError("readings.6k-summary needs an excess_threshold (the 6-K's 'more than 50%': 0.5)")
        return self

    @model_validator(mode="after")
    def _one_clause_per_article(self) -> Contract:
        seen: dict[str, str] = {}
        for role, clause in self.clauses.items():
            if clause.reference in seen:
                raise ValueError(f"clauses {seen[clause.reference]} and {role} both hold {clause.reference}")
            seen[clause.reference] = role
        return self

    @model_validator(mode="after")
    def _years_consistent(self) -> Contract:
        numbers = [year.number for year in self.assessment_years]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("assessment_years must be numbered 1, 2, 3, ... in order")
        if len(numbers) != self.tranches.count:  # SPA 5.1: one tranche per Assessment Year
            raise ValueError(
                f"assessment_years lists {len(numbers)} years but tranches.count is {self.tranches.count}"
            )
        if self.consideration_shares.value == 0:
            raise ValueError("consideration_shares must be above zero")
        if self.consideration_shares.value % self.tranches.count:
            raise ValueError("consideration_shares must divide into tranches.count equal tranches (SPA 5.1)")
        for earlier, later in zip(self.assessment_years, self.assessment_years[1:], strict=False):
            if later.start <= earlier.end:
                raise ValueError(f"year {later.number} starts before year {earlier.number} ends")
        return self

    # --- derived terms -------------------------------------------------------------------------------
    @property
    def tranche_shares(self) -> Fraction:
        """T = C / number of tranches (SPA 5.1: one-fifth of the Consideration Shares)."""
        return Fraction(self.consideration_shares.value, self.tranches.count)

    def clause(self, reference: str) -> Clause | None:
        """The verbatim text kept for an article (a reference in the form CITATION), or None when the contract
        file holds none."""
        return next((clause for clause in self.clauses.values() if clause.reference == reference), None)

    def year(self, number: int) -> AssessmentYear:
        for year in self.assessment_years:
            if year.number == number:
                return year
        raise KeyError(number)

    def year_for_period(self, start: dt.date, end: dt.date) -> AssessmentYear | None:
        for year in self.assessment_years:
            if year.start == start and year.end == end:
                return year
        return None

    @property
    def horizon(self) -> dt.date:
        """The last day anything under the contract is computed for: ten years after the last Assessment Year
        ends. A later date is a typing error (9999-12-31), never a real release or as-of date."""
        return self.assessment_years[-1].end + dt.timedelta(days=MAX_DAYS)

    def check_within_horizon(self, day: dt.date, what: str) -> None:
        """Raises ValueError naming `what` when `day` is past the horizon."""
        if day > self.horizon:
            raise ValueError(f"{what} {day} is after {self.horizon}, ten years past the last Assessment Year of the "
                             "contract; check the date")

    def release_deadline(self, number: int) -> dt.date:
        """SPA 5.1: within sixty days after the end of the Assessment Year (the 60th calendar day)."""
        return self.year(number).end + dt.timedelta(days=self.release.days_after_year_end.value)

    def to_yaml(self) -> str:
        return yaml.safe_dump(
            self.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=100
        )
