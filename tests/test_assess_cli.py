"""`compliance assess` through the real CLI: the JSON shape, the table, the error lines and exit codes."""

from __future__ import annotations

import json

import pytest
from helpers.cli import invoke
from helpers.examples import EXAMPLE_1

EXAMPLE = EXAMPLE_1.revenue_options(last_year=3)


def test_assess_json_shape_and_worked_example_1_figures():
    done = invoke("assess", *EXAMPLE, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["contract"] == "kaixin-spa-2025" and data["reading"] == "spa"
    assert [y["release_shares"] for y in data["years"]] == [EXAMPLE_1.releases[n] for n in (1, 2, 3)]
    y1, y2, y3 = data["years"]
    expected = EXAMPLE_1.years
    assert {k: y1[k] for k in ("year", "period_start", "period_end", "target", "actual", "met", "shortfall",
                               "excess", "deductible_shares", "tranche_release_shares", "offsets",
                               "release_deadline", "references")} == {
        "year": 1, "period_start": "2025-12-01", "period_end": "2026-11-30", "target": "665000000.00",
        "actual": EXAMPLE_1.revenues[1], "met": True, "shortfall": "0.00", "excess": str(expected[1].excess),
        "deductible_shares": expected[1].deductible_shown, "tranche_release_shares": 3_000_000, "offsets": [],
        "release_deadline": "2027-01-29", "references": ["SPA 4.1", "SPA 5.1"]}
    assert y2["deductible_shares"] == expected[2].deductible_shown
    assert y2["references"] == ["SPA 4.1", "SPA 5.1", "SPA 5.2(1)"]
    assert y3["offsets"] == [{"to_year": u.to_year, "revenue_used": str(u.revenue_used),
                              "restored_shares_exact": str(u.restored_exact), "additional_shares": u.additional_shares}
                             for u in expected[3].offsets]
    assert y3["tranche_release_shares"] == expected[3].tranche_release_shares
    assert y3["release_deadline"] == "2029-01-29"
    assert data["released_shares"] == 9_000_000 and data["retained_shares"] == 0
    assert data["unassessed_shares"] == 6_000_000 and data["cancelled_at_expiry"] is None
    assert data["other_readings"]["6k-summary"]["years"][2] == {
        "year": 3, "release_shares": EXAMPLE_1.other_readings["6k-summary"][3].release_shares}
    assert set(data["other_readings"]) == {"spa-excess-year-target", "6k-summary"}


def test_assess_json_cancelled_at_expiry_is_a_number_once_year_5_is_assessed():
    revenues = ["--revenue", "1=600000000", "--revenue", "2=665000000", "--revenue", "3=805000000",
                "--revenue", "4=885000000", "--revenue", "5=974000000"]
    data = json.loads(invoke("assess", *revenues, "--json").stdout)
    assert data["cancelled_at_expiry"] == 3_000_000 - 2_706_766 + 3_000_000 - 2_725_409


def test_assess_accepts_grouped_amounts_and_any_order():
    grouped = invoke("assess", "--revenue", "3=912,234,567.00", "--revenue", "1=702,345,678.90",
                      "--revenue", "2=731,250,000", "--json")
    plain = invoke("assess", *EXAMPLE, "--json")
    assert json.loads(grouped.stdout) == json.loads(plain.stdout)


def test_assess_table_a_lawyer_can_read():
    done = invoke("assess", *EXAMPLE, "--as-of", "2027-01-10")
    assert done.returncode == 0
    for text in ("3,003,074", "(3,000,000 + 3,074)", "2,996,926", "Restores year 2: +3,074", "SPA 5.2(1)",
                 "29 Jan 2027", "19 days left", "Released 9,000,000", "6k-summary"):
        assert text in done.stdout, text


@pytest.mark.parametrize("argument, words", [
    ("6=100", "year '6' is not an Assessment Year (1-5)"),
    ("0=100", "year '0' is not an Assessment Year"),
    ("1=-5", "is negative"),
    ("1=6.65e8", "'6.65e8' is not an amount in yuan"),
    ("1=abc", "'abc' is not an amount in yuan"),
    ("1=1,00,000", "is not an amount in yuan"),
    ("1=100.001", "is not an amount in yuan"),
    ("1", "write YEAR=AMOUNT"),
])
def test_assess_bad_revenue_exits_2_with_one_plain_line(argument, words):
    done = invoke("assess", "--revenue", argument)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and f"--revenue {argument}" in lines[0]
    assert "Traceback" not in done.stderr


def test_assess_year_given_twice_exits_2():
    done = invoke("assess", "--revenue", "1=1", "--revenue", "1=2")
    assert done.returncode == 2 and done.stderr.strip() == "error: --revenue 1=2: year 1 is given twice"


def test_assess_unknown_reading_exits_2():
    done = invoke("assess", "--revenue", "1=1", "--reading", "generous")
    assert done.returncode == 2 and "--reading generous" in done.stderr


def test_python_dash_m_compliance_help_lists_the_commands():
    done = invoke("--help")
    assert done.returncode == 0 and "assess" in done.stdout and "contract" in done.stdout
