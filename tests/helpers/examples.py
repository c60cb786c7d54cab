"""The worked examples of docs/contract-reading.md, loaded from worked_examples.yaml (the one place their
figures are typed).

    from helpers.examples import EXAMPLE_1, WORKED_EXAMPLES

    assess(contract, EXAMPLE_1.amounts()).year(2).release_shares == EXAMPLE_1.releases[2]
    EXAMPLE_1.years[3].offset_pool          # Decimal("53617283.50")
    EXAMPLE_1.years[2].deductible_exact     # Fraction(187500, 61)

A figure the file does not give raises AttributeError, so a test never compares against a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

FILE = Path(__file__).resolve().with_name("worked_examples.yaml")
_DECIMALS = {"excess", "shortfall", "offset_pool", "revenue_used"}


class Figures:
    """Expected figures by name (see the file's header for how each kind of name is typed)."""

    def __init__(self, where: str, raw: dict[str, Any]) -> None:
        self._where = where
        self._values = {key: _figure(f"{where} {key}", key, value) for key, value in raw.items()}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{FILE.name}: {self._where} gives no {name}") from None

    def __repr__(self) -> str:
        return f"Figures({self._where}: {self._values!r})"


def _figure(where: str, key: str, value: Any) -> Any:
    if key == "offsets":
        return tuple(Figures(f"{where}[{index}]", use) for index, use in enumerate(value))
    if key.endswith("_exact"):
        return Fraction(_text(where, value))
    if key in _DECIMALS or key.endswith("_cents"):
        return Decimal(_text(where, value))
    if key.endswith("_shown"):
        return _text(where, value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{FILE.name}: {where} should be a whole number of shares, not {value!r}")
    return value


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str):  # a YAML float would lose the exact figure
        raise ValueError(f"{FILE.name}: {where} should be a quoted string, not {value!r}")
    return value


@dataclass(frozen=True)
class WorkedExample:
    name: str
    title: str
    revenues: dict[int, str]  # as written, e.g. {1: "702345678.90"}
    releases: dict[int, int]  # default reading `spa`
    years: dict[int, Figures] = field(default_factory=dict)
    totals: Figures = field(default_factory=lambda: Figures("totals", {}))
    other_readings: dict[str, dict[int, Figures]] = field(default_factory=dict)

    def amounts(self, last_year: int | None = None) -> dict[int, Decimal]:
        """The revenues as Decimals (a new dict each call), up to `last_year` when given."""
        return {year: Decimal(text) for year, text in self.revenues.items() if last_year is None or year <= last_year}

    def revenue_options(self, last_year: int | None = None) -> list[str]:
        """The revenues as `compliance assess` options: ["--revenue", "1=702345678.90", ...]."""
        options: list[str] = []
        for year, text in self.revenues.items():
            if last_year is None or year <= last_year:
                options += ["--revenue", f"{year}={text}"]
        return options


def _example(name: str, raw: dict[str, Any]) -> WorkedExample:
    where = f"example {name}"
    revenues = {int(year): _text(f"{where} revenue {year}", text) for year, text in raw["revenues"].items()}
    releases = {int(year): _figure(f"{where} release {year}", "release", shares)
                for year, shares in raw["releases"].items()}
    years = {int(year): Figures(f"{where} year {year}", figures) for year, figures in raw.get("years", {}).items()}
    readings = {reading: {int(year): Figures(f"{where} {reading} year {year}", figures)
                          for year, figures in by_year.items()}
                for reading, by_year in raw.get("other_readings", {}).items()}
    return WorkedExample(name, raw["title"], revenues, releases, years,
                         Figures(f"{where} totals", raw.get("totals", {})), readings)


def load(path: Path = FILE) -> dict[str, WorkedExample]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(name): _example(str(name), raw) for name, raw in data.items()}


WORKED_EXAMPLES = load()
EXAMPLE_1 = WORKED_EXAMPLES["1"]
