"""Amounts, shares and dates as a careful letter writes them: words and figures from one integer.

Words come from num2words in US style without "and" ("two million nine hundred ninety-six thousand nine
hundred twenty-six"); money and grouping reuse compliance.values.money, so a figure never exists twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from compliance.values.money import fraction_to_decimal, group, round_cents

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


def ordinal_figure(number: int) -> str:
    """500 -> '500th', 21 -> '21st', 12 -> '12th'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number:,}{suffix}"


def usd_words(amount: Decimal) -> str:
    """Decimal('1240.27') -> 'one thousand two hundred forty US dollars and twenty-seven cents' (to the cent)."""
    shown = round_cents(amount)
    dollars, cents = int(shown), int((shown - int(shown)) * 100)
    text = f"{number_in_words(dollars)} US dollar{'s' if dollars != 1 else ''}"
    if cents:
        text += f" and {number_in_words(cents)} cent{'s' if cents != 1 else ''}"
    return text


def figures(number: int) -> str:
    """3000000 -> '3,000,000'."""
    return group(int(number))


def words_and_figures(number: int) -> str:
    """3000000 -> 'three million (3,000,000)'."""
    return f"{number_in_words(number)} ({figures(number)})"


def shares_of(number: int, noun: str = "shares") -> str:
    """3074, 'shares' -> 'three thousand seventy-four (3,074) shares'; 1 -> 'one (1) share' (the noun made
    singular for one: 'one (1) Class A ordinary share')."""
    if number == 1 and noun.endswith("shares"):
        noun = noun[:-1]
    return f"{words_and_figures(number)} {noun}"


def possessive(name: str) -> str:
    """'Kaixin Holdings' -> 'Kaixin Holdings’'; 'Fangle Lai' -> 'Fangle Lai’s'."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


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
