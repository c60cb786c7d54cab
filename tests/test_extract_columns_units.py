"""Smaller habits of real filings (issue 29): the current period's column is the one whose header names the
latest year, and a convenience-translation column (a 20-F's US$) is never the figure; entities keep their
parentheses; units carry their currency; a report naming no company is `entity_not_found`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from helpers.hk_layouts import write_twenty_f
from helpers.reports import EnglishReport, write_english

from compliance.contract import load_contract
from compliance.extract import extract_file
from compliance.extract.checks import check_entity
from compliance.extract.columns import translation_columns
from compliance.extract.numbers import UNITS, parse_currency, parse_unit, unit_label, unit_of_label
from compliance.extract.problems import CATALOGUE, CONFIRMABLE, WHAT_TO_DO

CONTRACT = load_contract()


def codes(result) -> list[str]:
    return sorted(p.code for p in result.problems if p.severity != "warning")


# ------------------------------------------------------------------------------------------------ the columns
def test_a_20f_reads_the_latest_year_not_the_leftmost_nor_the_us_dollar_column(tmp_path: Path) -> None:
    path = write_twenty_f(tmp_path / "20f.pdf", (("2024", "2025", "2026", "2026"), ("RMB", "RMB", "RMB", "US$")),
                          ("650,000", "702,346", "731,250", "102,736"))
    result = extract_file(path, CONTRACT)
    assert result.operating_revenue == Decimal("731250000")
    assert (result.currency, result.unit) == ("CNY", "千元")  # the statement's own currency, not the translation's
    assert "current_column_assumed" not in codes(result)
    assert result.evidence.text.startswith("Revenues")


def test_a_year_named_twice_without_a_currency_reads_the_latest_year_for_review(tmp_path: Path) -> None:
    path = write_twenty_f(tmp_path / "20f.pdf", (("2024", "2025", "2026", "2026"), ("", "", "", "")),
                          ("650,000", "702,346", "731,250", "102,736"))
    result = extract_file(path, CONTRACT)
    assert result.operating_revenue == Decimal("731250000")  # never 2024's 650,000
    message = next(p.message for p in result.problems if p.code == "current_column_assumed")
    assert "two name the same year" in message and "731,250" in message


@pytest.mark.parametrize(("headers", "translated"), [
    (["2020 RMB", "2021 RMB", "2022 RMB", "2022 US$"], {3}),
    (["2020", "2021", "2022", "2022 US$ (Note 2)"], {3}),
    (["2022", "2022 Convenience translation"], {1}),
    (["2019 US$", "2018 US$"], set()),  # a US dollar statement: its own currency
    (["本期金额", "上期金额"], set()),
])
def test_translation_columns(headers, translated) -> None:
    assert translation_columns(headers) == translated


def test_of_several_currencies_the_first_printed_is_the_statements() -> None:
    assert parse_currency("RMB RMB RMB US$") == "CNY"
    assert parse_currency("人民币元 美元") == "CNY"
    assert parse_currency("美元") == "USD"


# ------------------------------------------------------------------------------------------------ the entity
def test_an_entity_keeps_its_parentheses(tmp_path: Path) -> None:
    result = extract_file(write_english(tmp_path / "r.pdf", EnglishReport(entity="EPI (Holdings) Limited")), CONTRACT)
    assert result.entity == "EPI (Holdings) Limited"
    assert "entity_mismatch" in codes(result)


def test_no_entity_found_is_its_own_problem_that_a_person_may_confirm() -> None:
    assert [p.code for p in check_entity(CONTRACT, [])] == ["entity_not_found"]
    assert CATALOGUE["entity_not_found"][0] == "review"
    assert CONFIRMABLE["entity_not_found"] == ("entity",)
    assert "entity_not_found" in WHAT_TO_DO
    assert [p.code for p in check_entity(CONTRACT, ["Another Company Limited"])] == ["entity_mismatch"]


# ------------------------------------------------------------------------------------------------- the units
@pytest.mark.parametrize(("caption", "unit", "currency"), [
    ("(Expressed in HK$'000)", "HK$'000", "HKD"),
    ("(In US$ millions)", "US$ million", "USD"),
    ("(Expressed in RMB'000)", "千元", "CNY"),
])
def test_a_unit_carries_its_currency(tmp_path: Path, caption, unit, currency) -> None:
    report = EnglishReport(unit_caption=caption)
    result = extract_file(write_english(tmp_path / "r.pdf", report), CONTRACT)
    assert (result.unit, result.currency) == (unit, currency)
    assert "元" not in result.unit or currency == "CNY"


def test_unit_labels_read_back_as_their_multiplier() -> None:
    for currency in ("USD", "HKD", "EUR", "CNY", None):
        for unit in UNITS.values():
            assert unit_of_label(unit_label(unit, currency)).multiplier == unit.multiplier
    assert unit_label(UNITS["百万元"], "USD") == "US$ million"
    assert unit_label(UNITS["千元"], "HKD") == "HK$'000"
    assert unit_of_label("In thousands") is None


def test_a_hong_kong_column_heading_prints_the_unit() -> None:
    assert parse_unit("附註 千港元 千港元").multiplier == 1000
    assert parse_unit("人民幣千元 人民幣千元").multiplier == 1000
    assert parse_unit("營業收入約7.02億元") is None  # a sentence is not a unit heading
