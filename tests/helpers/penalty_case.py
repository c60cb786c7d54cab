"""The late year the penalty statement's tests share: Year 1 still outstanding on 1 March 2027, a dispute of 10-20
February left out, the escrow agent holding both EA 3.1 documents from 1 February, the sample prices; both
readings of SPA 8.2's market value computed, and the statement rendered as issued (a DRAFT awaiting approval)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from compliance.documents import Renderer
from compliance.documents.penalty_statement import penalty_statement_context
from compliance.rules.business_days import BusinessCalendar, YearSchedule
from compliance.rules.penalty import Period, compute_penalty
from compliance.values.digest import sha256_file
from compliance.values.prices import load_prices
from helpers.cli import REPO

PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"
AS_OF = dt.date(2027, 3, 1)


def late_year_1(contract, out: Path, renderer: Renderer | None = None):
    """(the statement rendered to `out`, its computation, the other valuation's, its context)."""
    calendar = BusinessCalendar({2027: YearSchedule(2027, "test", frozenset(), frozenset())})
    args = dict(year=1, shares=3_000_000, released_on=AS_OF, prices=load_prices(PRICES),
                excluded=[Period(dt.date(2027, 2, 10), dt.date(2027, 2, 20), "dispute")],
                documents_received_on=dt.date(2027, 2, 1), calendar=calendar)
    result = compute_penalty(contract, **args)
    other = compute_penalty(contract, **args, valuation="deadline-price")
    context = penalty_statement_context(contract, result, as_of=AS_OF, prices_source=PRICES.name, outstanding=True,
                                        prices_sha256=sha256_file(PRICES), alternatives=[other])
    rendered = (renderer or Renderer()).render("penalty-statement", context, out, as_of=AS_OF,
                                               awaiting_approval=True)
    return rendered, result, other, context
