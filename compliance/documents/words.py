"""Amounts, shares and dates as a careful letter writes them: words and figures from one integer.

Words come from num2words in US style without "and" ("two million nine hundred ninety-six thousand nine
hundred twenty-six"); money and grouping reuse compliance.values.money, so a figure never exists twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from compliance.values.money import fraction_to_decimal, group

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fixed English names: a locale setting must not change a letter


def number_in_words(number: int) -> str:
    """3074 -> 'three thousand seventy-four' (US style: no 'and', no commas)."""
    from num2words import num2words

    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"words are written for whole numbers only, not {number!r}")
    words = num2words(number, lang="en")
    return words.replace(",", "").replace(" and ", " ")


def ordinal_in_words(number: int) -> str:
    """3 -> 'third'."""
    from num2words import num2words

    return num2words(int(number), lang="en", to="ordinal").replace(",", "").replace(" and ", " ")


def figures(number: int) -> str:
    """3000000 -> '3,000,000'."""
    return group(int(number))


def words_and_figures(number: int) -> str:
    """3000000 -> 'three million (3,000,000)'."""
    return f"{number_in_words(number)} ({figures(number)})"


def rmb(amount: Decimal | int) -> str:
    """Decimal('665000000') -> 'RMB 665,000,000.00'."""
    return f"RMB {group(Decimal(amount))}"


def amount(amount: Decimal | int) -> str:
    """Decimal('665000000') -> '665,000,000.00' (for table columns headed RMB)."""
    return group(Decimal(amount))


def long_date(day: dt.date) -> str:
    """date(2027, 1, 29) -> '29 January 2027'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def exact_shares(value: Fraction | int, places: int = 6) -> str:
    """An exact share fraction shown to `places` decimals with grouping: '3,073.770492'."""
    shown = fraction_to_decimal(Fraction(value), places)
    return f"{shown:,.{places}f}"


def percent(value: Decimal) -> str:
    """Decimal('0.5') -> '50%'."""
    shown = (value * 100).normalize()
    return f"{shown:f}%"
