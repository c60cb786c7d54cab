"""Hong Kong reports in Traditional Chinese (issue 29): 獨立核數師報告, 我們已審核 / 我們獲委聘審核, 綜合損益表,
營業額 / 收入 / 收益, 核數師, 執業會計師; and the opinions HKSA 705 prints, headed or only stated, in Traditional,
Simplified and English. A modified opinion is never accepted; an unqualified report of the Target Company in
RMB is read in every field whichever script it is printed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.hk_layouts import ENTITY_TC, FIRM_TC, HongKongReport, write_hong_kong

from compliance.contract import load_contract
from compliance.extract import extract_file
from compliance.extract.report import opinion_of
from compliance.values.text import compact, name_key
from compliance.values.variants import TRADITIONAL, simplified

CONTRACT = load_contract()
REVENUE = Decimal("731250000")


def codes(result) -> list[str]:
    return sorted(p.code for p in result.problems if p.severity != "warning")


@pytest.fixture
def read(tmp_path: Path):
    def make(**changes):
        return extract_file(write_hong_kong(tmp_path / "report.pdf", HongKongReport(**changes)), CONTRACT)

    return make


# ------------------------------------------------------------------------------------------ the variants table
def test_traditional_is_read_as_simplified_one_character_for_one() -> None:
    printed = "獨立核數師報告 我們已審核 綜合損益表 營業額 香港執業會計師 不發表意見"
    assert simplified(printed) == "独立核数师报告 我们已审核 综合损益表 营业额 香港执业会计师 不发表意见"
    assert len(simplified(printed)) == len(printed)
    assert compact("綜 合 損 益 表") == "综合损益表"


def test_simplified_text_is_never_changed_by_the_table() -> None:
    assert not set(TRADITIONAL) & {ord(char) for char in TRADITIONAL.values()}
    text = "浙江平凡微笑汽车销售有限公司 营业收入 审计报告 我们认为 天健会计师事务所（特殊普通合伙）"
    assert simplified(text) == text


def test_a_name_printed_in_traditional_is_the_same_name() -> None:
    assert name_key(ENTITY_TC) == name_key("浙江平凡微笑汽车销售有限公司")
    assert name_key(FIRM_TC) == name_key("天健会计师事务所（特殊普通合伙）")


# ------------------------------------------------------------------------------------- Hong Kong layouts read
@pytest.mark.parametrize("script", ["traditional", "simplified"])
def test_an_unqualified_hong_kong_report_is_read_in_every_field(read, script) -> None:
    result = read(script=script)
    assert (result.status, codes(result)) == ("accepted", [])
    assert result.operating_revenue == REVENUE and (result.unit, result.currency) == ("千元", "CNY")
    assert result.entity == (ENTITY_TC if script == "traditional" else simplified(ENTITY_TC))  # as printed
    assert result.auditor == (FIRM_TC if script == "traditional" else simplified(FIRM_TC))
    assert (result.period_start, result.period_end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert result.report_date == dt.date(2027, 1, 15) and result.opinion == "unqualified"
    assert result.evidence.page == 2


@pytest.mark.parametrize("label", ["營業額", "收入", "收益"])
def test_the_hong_kong_revenue_labels_and_years_in_chinese_numerals(read, label) -> None:
    result = read(revenue_label=label)
    assert result.operating_revenue == REVENUE and "current_column_assumed" not in codes(result)


def test_the_years_in_digits_decide_the_column_too(read) -> None:
    result = read(years=("2026年", "2025年"), revenue="731,250", prior="702,346")
    assert result.operating_revenue == REVENUE and result.status == "accepted"


def test_a_hong_kong_dollar_statement_carries_its_currency_in_the_unit(read) -> None:
    result = read(unit="千港元")
    assert (result.unit, result.currency) == ("HK$'000", "HKD")
    assert result.status == "needs_review" and "currency_mismatch" in codes(result)


# ------------------------------------------------------------------------------ modified opinions, never accepted
@pytest.mark.parametrize("script", ["traditional", "simplified"])
@pytest.mark.parametrize("headings", [True, False], ids=["headed", "sentences-only"])
@pytest.mark.parametrize("opinion", ["qualified", "adverse", "disclaimer"])
def test_a_modified_opinion_is_read_and_never_accepted(read, script, headings, opinion) -> None:
    result = read(script=script, headings=headings, opinion=opinion)
    assert result.opinion == opinion
    assert result.status == "needs_review" and codes(result) == ["opinion_modified"]


@pytest.mark.parametrize(("lines", "opinion"), [
    (["Disclaimer of Opinion", "We were engaged to audit the financial statements of X."], "disclaimer"),
    (["We were engaged to audit the consolidated financial statements of X.",
      "We do not express an opinion on the accompanying consolidated financial statements of the Group.",
      "In all other respects, in our opinion the financial statements have been properly prepared."], "disclaimer"),
    (["In our opinion, because of the significance of the matter, the financial statements do not present fairly",
      "the financial position of the Company."], "adverse"),
    (["In our opinion, except for the effects of the matter described in the Basis for Qualified Opinion section,",
      "the financial statements present fairly the financial position of the Company."], "qualified"),
    (["In our opinion, the financial statements give a true and fair view of the financial position.",
      "We do not provide a separate opinion on these matters."], "unqualified"),
    (["我们认为，后附的财务报表在所有重大方面公允反映了贵公司的财务状况。", "我们不对这些事项单独发表意见。"],
     "unqualified"),
    (["我们不对后附的贵公司财务报表发表审计意见。"], "disclaimer"),
    (["不发表意见", "我们获委聘审核贵公司的综合财务报表。"], "disclaimer"),
    (["不發表意見基準", "與持續經營有關的多項不確定性"], "disclaimer"),
    (["我們認為，除「保留意見的基礎」一節所述事項的影響外，", "綜合財務報表真實而中肯地反映了貴集團的財務狀況。"],
     "qualified"),
    (["我們認為，由於所述事項的重要性，綜合財務報表並無真實而中肯地反映貴集團的財務狀況。"], "adverse"),
])
def test_the_opinion_sentences_in_english_and_both_scripts(lines, opinion) -> None:
    assert opinion_of(lines) == opinion
