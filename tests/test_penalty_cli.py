"""`compliance penalty` through the real CLI: JSON, the summary, and bad price files (exit 2, one line)."""

from __future__ import annotations

import json

import pytest
from helpers.cli import REPO, invoke

SAMPLE = REPO / "fixtures" / "prices" / "kxin-sample.csv"


def test_spa_8_2_cli_json_one_day_late(tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text("date,close\n2027-01-28,4.10\n2027-01-29,4.12\n2027-02-01,4.20\n")
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-01-30",
                   "--prices", str(prices), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["deadline"] == "2027-01-29"
    assert data["days_late"] == 1
    assert data["daily"] == [{"date": "2027-01-30", "close": "4.12", "amount": "1236.00",
                              "price_date": "2027-01-29", "party": "Party A"}]
    assert (data["accrued"], data["cap"], data["penalty"]) == ("1236.00", "618000.00", "1236.00")
    assert data["currency"] == "USD" and data["valuation"] == "daily"
    assert data["attribution"]["party_a_days"] == 1 and data["attribution"]["party_d_days"] == 0


def test_spa_8_2_cli_summary_for_the_demo_year_1():
    # As of 31 March 2031 (the demo), Year 1's release is 1,522 days overdue: the cap binds.
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2031-03-31",
                   "--prices", str(SAMPLE), "--valuation", "deadline-price")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "29 January 2027" in text
    assert "1,522 calendar days" in text
    assert "the cap binds" in text
    # deadline-price: the cap is 5% x 3,000,000 x the close of 29 January 2027.
    close = next(line.split(",")[1] for line in SAMPLE.read_text().splitlines() if line.startswith("2027-01-29"))
    from decimal import Decimal

    from compliance.values.money import group
    assert f"USD {group(Decimal('0.05') * 3000000 * Decimal(close))}" in text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("date,close\n2027-02-04,4.10\n2027-02-03,4.20\n",
         "line 3: date 2027-02-03 is not after the previous date 2027-02-04; the file must be sorted"),
        ("date,close\n2027-02-03,4.10\n2027-02-03,4.20\n", "line 3: date 2027-02-03 appears twice"),
        ("date,close\n2027-02-03,-4.10\n", "line 2: close -4.10 on 2027-02-03 is negative"),
        ("date,close\n2027-02-03,four dollars\n", "line 2: close 'four dollars' on 2027-02-03 is not a price"),
        ("date,close\n2027-03-01,4.10\n", "has no close on or before 2027-01-30"),
    ],
    ids=["unsorted", "duplicate", "negative", "text", "starts-too-late"],
)
def test_bad_price_file_exits_2_with_one_line(tmp_path, content, words):
    prices = tmp_path / "prices.csv"
    prices.write_text(content)
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-10",
                   "--prices", str(prices))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and words in lines[0]
    assert "Traceback" not in done.stderr


def test_bad_arguments_exit_2_with_one_line():
    done = invoke("penalty", "--year", "7", "--shares", "3000000", "--released-on", "2027-03-10",
                   "--prices", str(SAMPLE))
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --year 7: not an Assessment Year of the contract (1-5)"
