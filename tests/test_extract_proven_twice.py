"""Proven twice (issue 29): revenue is accepted only when every income statement of the period agrees, a
second place in the same report (revenue note, key-figures table, the audit text's own figure) agrees to the
cent after units, and the unit is the same in the caption, the column headings and the notes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.contract import load_contract
from compliance.extract import extract_file
from compliance.extract.problems import CATALOGUE, CONFIRMABLE
from compliance.extract.second_place import agreeing_place
from compliance.extract.unit_reconcile import unit_declarations

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "fixtures" / "audit-reports"


@pytest.fixture(scope="module")
def contract():
    return load_contract()


def _codes(found) -> list[str]:
    return sorted(p.code for p in found.problems if p.severity != "warning")


def test_two_statements_that_disagree_are_not_accepted(contract) -> None:
    found = extract_file(REPORTS / "review-two-statements-disagree.pdf", contract)
    assert found.status == "needs_review"
    assert _codes(found) == ["revenue_not_confirmed_in_report", "statements_disagree"]  # nothing confirms 612,004
    (disagree,) = [p for p in found.problems if p.code == "statements_disagree"]
    assert disagree.field == "operating_revenue"
    assert set(disagree.readings) == {"612004000.00", "731250000.00"}
    assert "page 5" in disagree.message and "page 6" in disagree.message


def test_a_unit_contradiction_is_not_accepted(contract) -> None:
    found = extract_file(REPORTS / "review-unit-contradiction.pdf", contract)
    assert found.status == "needs_review"
    assert "unit_contradiction" in _codes(found)
    (clash,) = [p for p in found.problems if p.code == "unit_contradiction"]
    assert clash.field == "operating_revenue"
    assert set(clash.readings) == {"731250000.00", "731250000000.00"}
    assert "'RMB million'" in clash.message and "thousands" in clash.message and "notes, page 5" in clash.message


@pytest.mark.parametrize("name", ["y1-zh-yuan-two-columns.pdf", "y2-en-rmb-thousands.pdf"])
def test_accepted_fixtures_name_their_second_place(contract, name: str) -> None:
    found = extract_file(REPORTS / name, contract)
    assert found.status == "accepted"
    assert "revenue_confirmed_by" in found.sources


def test_new_codes_are_catalogued_and_confirmable() -> None:
    for code in ("statements_disagree", "unit_contradiction", "revenue_not_confirmed_in_report"):
        assert CATALOGUE[code][0] == "review"
        assert "operating_revenue" in CONFIRMABLE[code]
    assert "unit" in CONFIRMABLE["unit_contradiction"]


def test_a_second_place_agrees_to_the_cent_after_its_own_unit() -> None:
    pages = ["利润表\n一、营业收入 702,345,678.90", "附注\n30. 营业收入\n单位：万元\n营业收入合计 70,234.57",
             "附注\n30. 营业收入\n单位：元\n营业收入合计 702,345,678.90 648,120,455.16"]
    place = agreeing_place(pages, Decimal("702345678.90"), skip={0})
    assert place is not None and place.page == 3
    assert agreeing_place(pages[:2], Decimal("702345678.90"), skip={0}) is None  # rounded: no proof to the cent
    assert agreeing_place(pages, Decimal("702345678.91"), skip={0}) is None


def test_unit_declarations_read_scales_not_currencies() -> None:
    lines = ["Statement of profit or loss", "(Expressed in thousands of Renminbi)", "2027 RMB million",
             "These statements are presented in Renminbi"]
    assert sorted({d.unit.multiplier for d in unit_declarations(lines)}) == [Decimal(1000), Decimal(1000000)]


def test_a_report_with_no_second_place_needs_review_and_says_so_plainly(tmp_path: Path, contract) -> None:
    from helpers.reports import ChineseReport, write_chinese

    found = extract_file(write_chinese(tmp_path / "r.pdf", ChineseReport(notes_echo=False)), contract)
    assert (found.status, _codes(found)) == ("needs_review", ["revenue_not_confirmed_in_report"])
    (alone,) = [p for p in found.problems if p.code == "revenue_not_confirmed_in_report"]
    assert "printed nowhere else in the report" in alone.message
    assert (alone.field, alone.readings) == ("operating_revenue", ("702345678.90",))


def test_the_audit_texts_own_figure_to_the_cent_is_a_second_place(tmp_path: Path, contract) -> None:
    from helpers.reports import ChineseReport, write_chinese

    spec = ChineseReport(notes_echo=False, audit_text_figure="702,345,678.90元")
    found = extract_file(write_chinese(tmp_path / "r.pdf", spec), contract)
    assert found.status == "accepted", found.problems
    assert found.sources["revenue_confirmed_by"].startswith("the audit text on page 2")


def test_a_caption_naming_the_currency_alone_does_not_contradict_thousands_in_the_headings() -> None:
    from compliance.extract.unit_reconcile import contradiction

    hong_kong = unit_declarations(["(Expressed in Renminbi)", "2027 2026", "RMB'000 RMB'000"], page=4)
    assert contradiction(Decimal(731250), "731,250", hong_kong) is None
    chinese = unit_declarations(["单位：元", "本期金额（万元）"], page=4)
    assert contradiction(Decimal(70234), "70,234", chinese) is not None
