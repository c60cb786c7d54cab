"""Engine speed: a full five-year assessment under all three readings, against parsing the contract file."""

from __future__ import annotations

import timeit
from decimal import Decimal

from compliance.contract import load_contract
from compliance.rules.earnout import assess_all_readings


def main() -> None:
    contract = load_contract()
    revenues = {1: Decimal("702345678.90"), 2: Decimal("731250000"), 3: Decimal("912234567"),
                4: Decimal("870004211.35"), 5: Decimal("1012456789")}
    runs = 200
    engine = min(timeit.repeat(lambda: assess_all_readings(contract, revenues), number=runs, repeat=3)) / runs
    reference = min(timeit.repeat(load_contract, number=20, repeat=3)) / 20
    print(f"   five years x three readings: {engine * 1e3:.3f} ms; "
          f"= {engine / reference:.3f} x the time to load and validate the contract file")
