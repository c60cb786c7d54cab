"""Penalty (SPA 8.2): the demo's longest computation (year 1 as of 31 March 2031: 1,522 days) and the price
file load, each as a ratio to the bare work it cannot avoid, measured in the same run. Both take milliseconds; the
ratios show what validation, attribution and per-day records cost on top."""

from __future__ import annotations

import csv
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

PRICES = Path(__file__).resolve().parent.parent / "fixtures" / "prices" / "kxin-sample.csv"
ROUNDS = 5


def _best(function) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return min(samples)


def main() -> None:
    from compliance.contract import load_contract
    from compliance.rules.penalty import compute_penalty
    from compliance.values.prices import load_prices

    contract = load_contract()
    series = load_prices(PRICES)
    released = dt.date(2031, 3, 31)
    deadline = contract.release_deadline(1)

    def ours() -> None:
        compute_penalty(contract, year=1, shares=3_000_000, released_on=released, prices=series)

    def bare() -> None:  # the same days, closes and products with no validation, attribution or records
        total, rate = Decimal(0), Decimal("0.0001") * 3_000_000
        for n in range(1, (released - deadline).days + 1):
            total += rate * series.close_on(deadline + dt.timedelta(days=n))

    def load() -> None:
        load_prices(PRICES)

    def read_csv() -> None:
        with PRICES.open(newline="") as file:
            rows = list(csv.reader(file))
        [(dt.date.fromisoformat(d), Decimal(c)) for d, c in rows[1:]]

    compute, reference = _best(ours), _best(bare)
    print(f"penalty, 1,522 days: {compute * 1000:.1f} ms; ratio to bare Decimal loop {compute / reference:.2f}")
    loaded, parsed = _best(load), _best(read_csv)
    print(f"load prices, 1,277 rows: {loaded * 1000:.1f} ms; ratio to csv.reader + parse {loaded / parsed:.2f}")


if __name__ == "__main__":
    main()
