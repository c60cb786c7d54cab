"""The prices file of SPA 8.2 (Party A's daily USD closes): validation and the close of a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.scripts import load_script

from compliance.values.prices import PriceFileError, load_prices

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "prices" / "kxin-sample.csv"


def write(tmp_path: Path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(PriceFileError) as caught:
        load_prices(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_spa_8_2_prices_load_as_exact_decimals(tmp_path):
    series = load_prices(write(tmp_path, "\ufeffDate,Close\n2027-01-28,4.10\n\n2027-01-29,4.125\n"))
    assert series.dates == (dt.date(2027, 1, 28), dt.date(2027, 1, 29))
    assert series.closes == (Decimal("4.10"), Decimal("4.125"))
    assert all(type(close) is Decimal for close in series.closes)


def test_spa_8_2_weekend_and_holiday_take_the_last_earlier_close(tmp_path):
    # Friday 12 February 2027, then Washington's Birthday on Monday 15 February: no close until the 16th.
    series = load_prices(write(tmp_path, "date,close\n2027-02-12,4.50\n2027-02-16,4.60\n"))
    assert series.close_on(dt.date(2027, 2, 12)) == Decimal("4.50")
    assert series.quote_on(dt.date(2027, 2, 13)) == (dt.date(2027, 2, 12), Decimal("4.50"))
    assert series.close_on(dt.date(2027, 2, 15)) == Decimal("4.50")
    assert series.close_on(dt.date(2027, 2, 16)) == Decimal("4.60")
    assert series.close_on(dt.date(2027, 3, 1)) == Decimal("4.60")


def test_spa_8_2_no_close_on_or_before_a_day_names_the_date(tmp_path):
    series = load_prices(write(tmp_path, "date,close\n2027-02-12,4.50\n"))
    with pytest.raises(PriceFileError) as caught:
        series.close_on(dt.date(2027, 2, 11))
    assert "no close on or before 2027-02-11" in str(caught.value)
    assert "first date is 2027-02-12" in str(caught.value)


def test_unsorted_file_names_the_line_and_both_dates(tmp_path):
    message = error_for(tmp_path, "date,close\n2027-02-04,4.10\n2027-02-03,4.20\n")
    assert message == (
        f"{tmp_path / 'prices.csv'} line 3: date 2027-02-03 is not after the previous date 2027-02-04; "
        "the file must be sorted"
    )


def test_duplicate_date_names_both_lines(tmp_path):
    message = error_for(tmp_path, "date,close\n2027-02-03,4.10\n2027-02-04,4.20\n2027-02-04,4.30\n")
    assert "line 4: date 2027-02-04 appears twice (first on line 3)" in message


@pytest.mark.parametrize(
    ("close", "words"),
    [
        ("-4.10", "close -4.10 on 2027-02-03 is negative"),
        ("0", "close 0 on 2027-02-03 is zero"),
        ("0.00", "close 0.00 on 2027-02-03 is zero"),
        ("four", "close 'four' on 2027-02-03 is not a price"),
        ("1e3", "close '1e3' on 2027-02-03 is not a price"),
        ("NaN", "close 'NaN' on 2027-02-03 is not a price"),
        ("", "close '' on 2027-02-03 is not a price"),
        ("$4.10", "close '$4.10' on 2027-02-03 is not a price"),
    ],
)
def test_a_close_that_is_not_a_positive_decimal_is_refused(tmp_path, close, words):
    message = error_for(tmp_path, f"date,close\n2027-02-03,{close}\n")
    assert "line 2" in message and words in message


def test_a_date_that_is_not_iso_is_refused(tmp_path):
    message = error_for(tmp_path, "date,close\n03/02/2027,4.10\n")
    assert "line 2: date '03/02/2027' is not a date; write it as YYYY-MM-DD" in message


def test_missing_header_is_refused(tmp_path):
    message = error_for(tmp_path, "2027-02-03,4.10\n")
    assert "line 1: the first line must be the header 'date,close'" in message


def test_wrong_number_of_columns_is_refused(tmp_path):
    message = error_for(tmp_path, "date,close\n2027-02-03,4.10,4.20\n")
    assert "line 2: expected two values 'date,close' but found 3" in message


@pytest.mark.parametrize(("text", "words"), [("", "the file is empty"), ("date,close\n", "has a header but no prices")])
def test_a_file_without_prices_is_refused(tmp_path, text, words):
    assert words in error_for(tmp_path, text)


def test_missing_and_binary_files_get_one_line(tmp_path):
    with pytest.raises(PriceFileError, match="no such prices file"):
        load_prices(tmp_path / "absent.csv")
    binary = tmp_path / "prices.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(PriceFileError, match="not a text file"):
        load_prices(binary)


def test_sample_prices_are_trading_days_only_and_cover_the_demo():
    import holidays

    series = load_prices(SAMPLE)
    closed = holidays.financial_holidays("NYSE", years=range(2026, 2032))
    assert series.first_date == dt.date(2026, 12, 1) and series.last_date == dt.date(2031, 12, 31)
    assert all(day.weekday() < 5 and day not in closed for day in series.dates)
    assert dt.date(2027, 2, 15) not in series.dates  # Washington's Birthday 2027
    assert all(Decimal("0.5") < close < Decimal("20") for close in series.closes)


def test_sample_prices_regenerate_byte_for_byte(tmp_path, monkeypatch):
    module = load_script(SAMPLE.with_name("make_prices.py"))
    monkeypatch.setattr(module, "OUT", tmp_path / "again.csv")
    module.main()
    assert (tmp_path / "again.csv").read_bytes() == SAMPLE.read_bytes()
