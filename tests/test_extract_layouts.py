"""Layouts real auditors print (issue 11), one habit at a time (helpers/layouts.py): where the statement and
the opinion are, how the revenue line is printed, which fields the signature block gives, and the named
problem for each gap. A user checks the figure, the period, the firm, the date and the problem codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.layouts import Layout, write_layout
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from compliance.contract import load_contract
from compliance.extract import extract_file

CONTRACT = load_contract()
REVENUE = Decimal("731250000.00")
SUMMARY = {"审计意见类型": "标准的无保留意见", "审计报告签署日期": "2027年01月15日",
           "审计机构名称": "天健会计师事务所（特殊普通合伙）", "审计报告文号": "天健审〔2027〕0123号"}


def codes(result) -> list[str]:
    return sorted(p.code for p in result.problems if p.severity != "warning")


@pytest.fixture
def read(tmp_path: Path):
    def make(evidence: bool = False, **changes):
        path = write_layout(tmp_path / "report.pdf", Layout(**changes))
        return extract_file(path, CONTRACT, evidence_dir=tmp_path / "evidence" if evidence else None)

    return make


def assert_year_1_accepted(result) -> None:
    assert (result.status, codes(result)) == ("accepted", [])
    assert result.operating_revenue == REVENUE
    assert (result.period_start, result.period_end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert result.report_date == dt.date(2027, 1, 15)


# ------------------------------------------------------------------------ where the statements and report are
@pytest.mark.parametrize("language", ["en", "zh"])
def test_title_mid_page_after_the_previous_statement_ends(read, language) -> None:
    assert_year_1_accepted(read(language=language, previous_statement_above=True))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_revenue_line_on_the_page_after_the_title(read, language) -> None:
    result = read(language=language, rows_on_next_page=True)
    assert_year_1_accepted(result)
    assert result.evidence.page == 3  # report p1, title p2, the revenue line p3


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_internal_control_report_before_is_not_the_audit_used_nor_its_bond_period(read, language) -> None:
    result = read(language=language, control_report_first=True)
    assert_year_1_accepted(result)  # not 2026-07-01..2027-06-30, not 10 March 2027
    assert result.auditor in ("Ernst & Young Hua Ming LLP", "天健会计师事务所（特殊普通合伙）")


def test_us_order_report_after_the_statements(read) -> None:
    result = read(report_after_statements=True)
    assert_year_1_accepted(result)
    assert result.evidence.page == 1


@pytest.mark.parametrize("language", ["en", "zh"])
def test_sideways_statement_page_is_read_turned_and_its_picture_is_upright(read, language) -> None:
    result = read(language=language, sideways=True, evidence=True)
    assert_year_1_accepted(result)
    picture = Image.open(result.evidence.png_path)
    assert picture.width == 2 * 842  # the page turned: its long side across


# ------------------------------------------------------------------------------- how the revenue line is printed
def test_thousands_grouped_with_spaces(read) -> None:
    assert_year_1_accepted(read(revenue="731 250 000.00", prior="702 346 000.00"))


def test_label_wrapped_over_five_lines_with_the_figures_centred(read) -> None:
    result = read(revenue_label="Revenue from contracts with customers", label_width=55)
    assert_year_1_accepted(result)
    assert result.evidence.text.startswith("Revenue from contracts with customers 731,250,000.00")


@pytest.mark.parametrize("label", ["Net sales", "Turnover", "Total revenue", "Revenues", "Operating revenue"])
def test_documented_revenue_labels(read, label) -> None:
    assert_year_1_accepted(read(revenue_label=label))


def test_revenue_heading_beside_the_column_years_is_not_a_figure(read) -> None:
    # 'Revenue:  2026  2025' then its parts and 'Total revenue': the years are not money (Adobe's 10-K)
    result = read(revenue_heading_with_years=True)
    assert_year_1_accepted(result)
    assert result.evidence.text.startswith("Total revenue")


def test_spa_4_1_only_主营业务收入_is_read_but_needs_review(read) -> None:
    result = read(language="zh", revenue_label="一、主营业务收入")
    assert result.operating_revenue == REVENUE
    assert codes(result) == ["revenue_main_business_only"]


def test_columns_that_name_neither_a_period_nor_a_year_read_the_left_one_for_review(read) -> None:
    result = read(headers=("", ""))
    assert result.operating_revenue == REVENUE
    assert codes(result) == ["current_column_assumed"]
    assert "731,250,000.00" in next(p.message for p in result.problems if p.code == "current_column_assumed")


# ------------------------------------------------------------------------------------ plausibility, completeness
@pytest.mark.parametrize(("date", "code"), [("15 October 2026", "report_date_before_period_end"),
                                            ("30 November 2026", "report_date_before_period_end"),
                                            ("15 March 2028", "report_date_implausibly_late")])
def test_report_date_outside_what_an_audit_can_be(read, date, code) -> None:
    result = read(report_date=date)
    assert result.report_date == dt.datetime.strptime(date, "%d %B %Y").date()
    assert codes(result) == [code]


def test_period_that_is_not_a_whole_year(read) -> None:
    result = read(period="for the period from 1 December 2025 to 31 May 2026")
    assert codes(result) == ["not_assessment_period", "period_not_whole_year"]


def test_currency_that_is_not_printed_is_named_not_guessed(read) -> None:
    result = read(unit_line="(In thousands)", revenue="731,250", prior="702,346")
    assert result.currency is None and codes(result) == ["currency_not_found"]


@pytest.mark.parametrize(("unit", "currency"), [("(In Canadian dollars)", "CAD"), ("(Expressed in AUD)", "AUD")])
def test_a_cad_or_aud_statement_is_named_and_needs_review(read, unit, currency) -> None:
    result = read(unit_line=unit)
    assert result.currency == currency and codes(result) == ["currency_mismatch"]


@pytest.mark.parametrize(("changes", "missing"), [({"opinion_sentence": False}, "opinion_not_found"),
                                                  ({"date_signed": False}, "report_date_not_found")])
def test_accepted_only_when_complete(read, changes, missing) -> None:
    result = read(**changes)
    assert result.status == "needs_review" and codes(result) == [missing]


def test_no_signing_firm_is_named(read) -> None:
    result = read(firm_signed=False)
    assert result.auditor is None and "auditor_not_found" in codes(result)
    assert result.status == "needs_review"


def test_summary_table_gives_the_date_the_signature_block_lacks_and_says_so(read) -> None:
    result = read(language="zh", date_signed=False, summary_table=SUMMARY)
    assert_year_1_accepted(result)
    assert result.sources["report_date"] == "summary table (审计报告 section), page 1"
    assert result.sources["auditor"].startswith("signature block")


def test_signature_and_summary_table_that_disagree_need_review(read) -> None:
    result = read(language="zh", summary_table={**SUMMARY, "审计报告签署日期": "2027年01月16日"})
    assert codes(result) == ["signature_summary_mismatch"]
    assert "2027-01-16" in result.problems[0].message


def test_a_control_report_alone_is_not_an_audit_report(tmp_path: Path) -> None:
    from helpers.layouts import _control_report, _text_page
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "icfr.pdf"), invariant=1)
    _text_page(canvas, "Helvetica", _control_report(Layout()))
    canvas.save()
    result = extract_file(tmp_path / "icfr.pdf", CONTRACT)
    assert "audit_report_not_found" in codes(result) and result.auditor is None


# ------------------------------------------------------------------------------------------------- invariant
_HABITS = st.fixed_dictionaries({
    "language": st.sampled_from(["en", "zh"]),
    "previous_statement_above": st.booleans(), "rows_on_next_page": st.booleans(),
    "control_report_first": st.booleans(), "sideways": st.booleans(),
    "opinion_sentence": st.booleans(), "firm_signed": st.booleans(), "date_signed": st.booleans(),
    "headers": st.sampled_from([None, ("", "")]),
    "revenue": st.sampled_from(["731,250,000.00", "731 250 000.00"]),
    "report_date": st.sampled_from(["", "15 October 2026", "15 March 2028"]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(habits=_HABITS)
def test_whatever_layout_an_accepted_report_is_right_in_every_field(tmp_path: Path, habits: dict) -> None:
    if habits["language"] == "zh" and habits["report_date"]:
        habits["report_date"] = {"15 October 2026": "二〇二六年十月十五日", "15 March 2028": "二〇二八年三月十五日"}[
            habits["report_date"]]
    path = write_layout(tmp_path / "report.pdf", Layout(**habits))
    result = extract_file(path, CONTRACT)
    complete = habits["opinion_sentence"] and habits["firm_signed"] and habits["date_signed"] \
        and habits["headers"] is None and not habits["report_date"]
    assert (result.status == "accepted") == complete, (habits, codes(result))
    if result.status == "accepted":
        assert_year_1_accepted(result)
        assert result.auditor in ("Ernst & Young Hua Ming LLP", "天健会计师事务所（特殊普通合伙）")
        assert result.opinion == "unqualified"
    else:
        assert codes(result)  # never needs_review without a named problem
