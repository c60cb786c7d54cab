"""The desk's charts as a reviewer and a screen reader get them: valid SVG with a title, the figures as text
formatted from the exact ints and Decimals, and the same bytes for the same inputs in any process or thread."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import matplotlib

from compliance.desk.charts import PenaltyPoint, TrancheBar, penalty_chart, tranche_chart

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
FIVE_TRANCHES = [
    TrancheBar(1, released=3_000_000, retained=0, in_escrow=0, deadline=dt.date(2027, 1, 29)),
    TrancheBar(2, released=2_250_000, retained=750_000, in_escrow=0, deadline=dt.date(2028, 1, 28)),
    TrancheBar(3, released=0, retained=0, in_escrow=3_000_000),
    TrancheBar(4, released=0, retained=0, in_escrow=3_000_000),
    TrancheBar(5, released=0, retained=0, in_escrow=3_000_000),
]
SIX_WEEKS_LATE = [PenaltyPoint(dt.date(2027, 2, 4) + dt.timedelta(days=day), Decimal("287.11") * day)
                  for day in range(43)] + [PenaltyPoint(dt.date(2027, 3, 19), Decimal("12345.67"))]


def both_charts() -> str:
    """The two charts of a year's page (also run in a fresh interpreter below)."""
    return (tranche_chart(FIVE_TRANCHES, title="Escrow tranches")
            + penalty_chart(SIX_WEEKS_LATE, cap=Decimal("1234567"), title="Year 1 late-release penalty"))


def texts(svg: str) -> list[str]:
    """Every line of text drawn in the chart, as a browser shows it and a test or screen reader reads it."""
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_a_chart_is_an_svg_whose_title_a_screen_reader_announces():
    svg = tranche_chart(FIVE_TRANCHES, title="Escrow tranches")
    assert svg.startswith("<?xml")
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Escrow tranches"
    assert "Year 2: 2,250,000 released, 750,000 retained, 0 in escrow" in root[1].text


def test_the_tranche_chart_shows_every_year_its_shares_and_its_deadline_as_text():
    svg = tranche_chart(FIVE_TRANCHES, title="Escrow tranches")
    shown = texts(svg)
    assert [f"Year {year}" for year in range(1, 6)] == [line for line in shown if line.startswith("Year ")]
    assert "3,000,000" in shown and "2,250,000" in shown and "750,000" in shown
    assert "due 29 Jan 2027" in shown and "due 28 Jan 2028" in shown
    assert {"Released to the seller", "Retained (deducted)", "Still in escrow", "Shares"} <= set(shown)
    assert "<pattern" in svg  # the retained shares are hatched, so they read in greyscale too


def test_the_penalty_chart_shows_the_last_amount_to_the_cent_and_the_cap():
    shown = texts(penalty_chart(SIX_WEEKS_LATE, cap=Decimal("1234567"), title="Year 1 late-release penalty"))
    assert "USD 12,345.67" in shown
    assert "cap USD 1,234,567.00" in shown
    assert {"4 Feb 2027", "11 Feb", "USD"} <= set(shown)


def test_the_amount_is_rounded_from_the_decimal_not_from_a_float():
    # 12345.675 as a float is 12345.67499..., which would print as 12,345.67; the display rule is half up.
    shown = texts(penalty_chart([PenaltyPoint(dt.date(2027, 2, 4), Decimal("12345.675"))], cap=None, title="t"))
    assert "USD 12,345.68" in shown


def test_no_points_or_one_point_still_make_a_chart_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = texts(penalty_chart([], cap=None, title="No penalty"))
        empty_with_cap = texts(penalty_chart([], cap=Decimal("5000"), title="No penalty"))
        one = texts(penalty_chart([PenaltyPoint(dt.date(2027, 2, 4), Decimal("287.11"))], cap=None, title="Day 1"))
        no_bars = texts(tranche_chart([], title="No tranches"))
    assert "No penalty has accrued" in empty and "cap USD 5,000.00" in empty_with_cap
    assert "USD 287.11" in one and "4 Feb" in one
    assert "No tranches" in no_bars and "Shares" in no_bars


def test_a_title_is_shown_literally_even_with_markup_or_dollar_signs():
    title = "Kaixin & Co <draft> paid $5 or $6"
    svg = tranche_chart(FIVE_TRANCHES, title=title)
    assert ET.fromstring(svg.encode("utf-8"))[0].text == title
    assert title in texts(svg)  # the heading drawn in the chart, not mathtext


def test_no_chart_carries_a_script():
    assert "<script" not in both_charts().lower()


def test_the_same_inputs_give_the_same_bytes_every_time_in_every_thread_and_process():
    first = both_charts()
    assert both_charts() == first
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(lambda _: both_charts(), range(4))) == {first}
    code = (f"import sys; sys.path.insert(0, {str(REPO / 'tests')!r}); import test_desk_charts as t; "
            "sys.stdout.write(t.both_charts())")
    other = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert other.stdout == first


def test_drawing_a_chart_leaves_matplotlibs_global_settings_as_they_were():
    before = dict(matplotlib.rcParams)
    both_charts()
    assert dict(matplotlib.rcParams) == before
