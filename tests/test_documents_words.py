"""Words and figures from one integer, RMB amounts and dates as the letters print them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from helpers.words import words_to_number
from hypothesis import given
from hypothesis import strategies as st

from compliance.documents.words import (
    exact_shares,
    long_date,
    number_in_words,
    ordinal_in_words,
    percent,
    words_and_figures,
)
from compliance.values.money import rmb


def test_spa_5_1_tranche_in_words_and_figures():
    assert words_and_figures(3_000_000) == "three million (3,000,000)"


def test_worked_example_1_releases_in_words_us_style_without_and():
    assert number_in_words(2_996_926) == "two million nine hundred ninety-six thousand nine hundred twenty-six"
    assert number_in_words(3_003_074) == "three million three thousand seventy-four"
    assert number_in_words(3_074) == "three thousand seventy-four"
    assert number_in_words(101) == "one hundred one"
    assert number_in_words(0) == "zero"


def test_rmb_amounts_dates_and_rates():
    assert rmb(Decimal("665000000")) == "RMB 665,000,000.00"
    assert rmb(Decimal("702345678.9")) == "RMB 702,345,678.90"
    assert long_date(dt.date(2027, 1, 29)) == "29 January 2027"
    assert long_date(dt.date(2028, 1, 3)) == "3 January 2028"
    assert percent(Decimal("0.5")) == "50%"
    assert ordinal_in_words(3) == "third"


def test_spa_5_2_1_deductible_shares_shown_exactly_to_six_places():
    deductible = Fraction(750_000, 732_000_000) * 3_000_000  # worked example 1, year 2
    assert exact_shares(deductible) == "3,073.770492"
    assert exact_shares(deductible, 2) == "3,073.77"


@given(st.integers(min_value=0, max_value=15_000_000_000))
def test_words_always_spell_the_figure(number):
    words = number_in_words(number)
    assert " and " not in f" {words} " and "," not in words
    assert words_to_number(words) == number
    assert words_and_figures(number) == f"{words} ({number:,})"
