"""The extractor on small reports made here (helpers/reports.py), one layout habit at a time: what a
user checks is the figure, the period, the firm and the problem codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.reports import ChineseReport, EnglishReport, write_chinese, write_english

from compliance.contract import load_contract
from compliance.extract import Limits, extract_batch, extract_file

CONTRACT = load_contract()


def codes(result) -> list[str]:
    return sorted(p.code for p in result.problems if p.severity != "warning")


@pytest.fixture
def chinese(tmp_path: Path):
    def make(**changes) -> Path:
        return write_chinese(tmp_path / "report.pdf", ChineseReport(**changes))

    return make


@pytest.fixture
def english(tmp_path: Path):
    def make(**changes) -> Path:
        return write_english(tmp_path / "report.pdf", EnglishReport(**changes))

    return make


def test_spa_4_1_revenue_is_营业收入_not_营业总收入(chinese) -> None:
    result = extract_file(chinese(), CONTRACT)
    assert result.status == "accepted", result.problems
    assert result.operating_revenue == Decimal("702345678.90")
    assert result.assessment_year == 1
    assert result.evidence.text.split()[-2:] == ["702,345,678.90", "650,123,456.78"]


def test_revenue_current_column_even_when_printed_after_the_prior_one(chinese) -> None:
    result = extract_file(chinese(prior_first=True), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


@pytest.mark.parametrize("headers", [("本年金额", "上年金额"), ("本年累计金额", "上年同期金额"), ("本期数", "上期数")])
def test_revenue_current_column_under_each_chinese_header_wording(chinese, headers) -> None:
    result = extract_file(chinese(headers=headers, prior_first=True), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


def test_revenue_current_column_is_the_latest_year_when_headers_name_years(chinese) -> None:
    result = extract_file(chinese(headers=("2026年1-11月", "2025年1-11月"), prior_first=True), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


def test_revenue_unit_printed_in_the_column_headers(chinese) -> None:
    result = extract_file(chinese(headers=("本期金额（万元）", "上期金额（万元）"), unit_line="币种：人民币",
                                  revenue="70,234.57", prior="65,012.35"), CONTRACT)
    assert (result.operating_revenue, result.unit) == (Decimal("702345700.00"), "万元")


def test_spa_4_1_revenue_in_another_currency_is_currency_mismatch(chinese) -> None:
    result = extract_file(chinese(unit_line="单位：港元"), CONTRACT)
    assert (result.currency, codes(result)) == ("HKD", ["currency_mismatch"])


def test_revenue_label_spaced_out_营_业_收_入(chinese) -> None:
    result = extract_file(chinese(spaced_label=True, total_revenue=None), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


def test_revenue_label_placed_glyph_by_glyph(chinese) -> None:
    result = extract_file(chinese(glyph_label=True, total_revenue=None), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


def test_revenue_not_taken_from_the_board_report_or_notes_that_repeat_the_label(chinese) -> None:
    result = extract_file(chinese(filler_pages=3, notes_echo=True), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")
    assert result.evidence.page == 6


@pytest.mark.parametrize("unit_line, printed, expected, unit", [
    ("金额单位：人民币万元", "70,234.57", "702345700.00", "万元"),
    ("单位：千元", "702,345.68", "702345680.00", "千元"),
    ("单位：亿元", "7.02", "702000000.00", "亿元"),
    ("单位：人民币百万元", "702.35", "702350000.00", "百万元"),
])
def test_revenue_in_yuan_whatever_unit_the_statement_prints(chinese, unit_line, printed, expected, unit) -> None:
    result = extract_file(chinese(unit_line=unit_line, revenue=printed, prior="650.00"), CONTRACT)
    assert (result.operating_revenue, result.unit, result.currency) == (Decimal(expected), unit, "CNY")


def test_revenue_full_width_digits_and_commas(chinese) -> None:
    result = extract_file(chinese(revenue="７０２，３４５，６７８．９０"), CONTRACT)
    assert result.operating_revenue == Decimal("702345678.90")


def test_crosscheck_agrees_with_the_万元_figure_in_the_audit_text(chinese) -> None:
    result = extract_file(chinese(audit_text_figure="70,234.57万元"), CONTRACT)
    assert result.status == "accepted"


def test_crosscheck_flags_a_disagreeing_figure_in_the_audit_text(chinese) -> None:
    result = extract_file(chinese(audit_text_figure="72,034.57万元"), CONTRACT)
    assert codes(result) == ["revenue_crosscheck_mismatch"]
    assert "72,034.57万元" in result.problems[0].message


def test_report_fields_auditor_date_in_chinese_numerals_and_number(chinese) -> None:
    result = extract_file(chinese(filler_pages=1), CONTRACT)
    assert result.auditor == "天健会计师事务所（特殊普通合伙）"  # the signature block, not the board report's firm
    assert result.report_date == dt.date(2027, 1, 15)
    assert result.report_number == "天健审〔2027〕0123号"
    assert (result.period_start, result.period_end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))


@pytest.mark.parametrize("opinion", ["qualified", "adverse", "disclaimer"])
def test_ea_3_1_a_modified_opinion_needs_review(chinese, opinion) -> None:
    result = extract_file(chinese(opinion=opinion), CONTRACT)
    assert result.opinion == opinion and codes(result) == ["opinion_modified"]


def test_spa_4_1_calendar_year_is_not_an_assessment_period(chinese) -> None:
    result = extract_file(chinese(period_text="2026年1月1日至2026年12月31日"), CONTRACT)
    assert codes(result) == ["not_assessment_period"]
    assert result.assessment_year is None


def test_spa_1_3_statement_of_another_company_is_entity_mismatch(chinese) -> None:
    result = extract_file(chinese(statement_entity="浙江平凡微笑汽车服务有限公司"), CONTRACT)
    assert codes(result) == ["entity_mismatch"]
    assert "浙江平凡微笑汽车服务有限公司" in result.problems[0].message


def test_entity_matches_aliases_with_full_width_brackets_and_spaces(chinese) -> None:
    contract = CONTRACT.model_copy(update={"target_company": CONTRACT.target_company.model_copy(
        update={"aliases": ["浙江平凡微笑汽车销售有限公司 (温州)"]})})
    result = extract_file(chinese(entity="浙江平凡微笑汽车销售有限公司（温州）"), contract)
    assert "entity_mismatch" not in codes(result)


def test_spa_4_2_auditor_checked_against_the_approved_list(chinese) -> None:
    path = chinese()
    approved = CONTRACT.model_copy(update={"approved_auditors": ["天健会计师事务所 (特殊普通合伙)"]})
    other = CONTRACT.model_copy(update={"approved_auditors": ["立信会计师事务所（特殊普通合伙）"]})
    assert extract_file(path, approved).status == "accepted"
    assert not any(p.code == "auditor_list_not_configured" for p in extract_file(path, approved).problems)
    assert codes(extract_file(path, other)) == ["auditor_not_approved"]
    warnings = [p.code for p in extract_file(path, CONTRACT).problems if p.severity == "warning"]
    assert warnings == ["auditor_list_not_configured"]


def test_english_report_in_rmb_thousands_with_year_headers(english) -> None:
    result = extract_file(english(), CONTRACT)
    assert result.status == "accepted", result.problems
    assert (result.operating_revenue, result.unit, result.currency) == (Decimal("731250000.00"), "千元", "CNY")
    assert result.auditor == "Ernst & Young Hua Ming LLP"
    assert result.report_number == "EY(2028)AR-0042"
    assert result.report_date == dt.date(2027, 1, 15)


def test_english_current_column_printed_second(english) -> None:
    result = extract_file(english(header_current="2025", header_prior="2026", revenue="702,346", prior="731,250"),
                          CONTRACT)
    assert result.operating_revenue == Decimal("731250000.00")


@pytest.mark.parametrize("label", ["Operating revenue", "Turnover", "Revenue from contracts with customers"])
def test_english_revenue_labels(english, label) -> None:
    assert extract_file(english(revenue_label=label), CONTRACT).operating_revenue == Decimal("731250000.00")


def test_english_label_wrapped_over_lines_in_a_narrow_column(english) -> None:
    result = extract_file(english(revenue_label="Revenue from contracts with customers", label_width="70pt"),
                          CONTRACT)
    assert result.operating_revenue == Decimal("731250000.00")


def test_english_current_column_named_in_words(english) -> None:
    result = extract_file(english(headers_in_words=("Prior year", "Current year"), revenue="702,346",
                                  prior="731,250"), CONTRACT)
    assert result.operating_revenue == Decimal("731250000.00")


def test_english_year_ended_period_and_in_millions(english) -> None:
    result = extract_file(english(period_phrase="for the year ended 30 November 2026", unit_caption="(In millions)",
                                  revenue="731.25", prior="702.35"), CONTRACT)
    assert (result.period_start, result.period_end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert result.operating_revenue == Decimal("731250000.00")


def test_english_qualified_opinion(english) -> None:
    assert codes(extract_file(english(opinion="qualified"), CONTRACT)) == ["opinion_modified"]


def test_evidence_png_boxes_the_figure_named_after_sha256(chinese, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "evidence"
    first = extract_file(chinese(), CONTRACT, evidence_dir=out)
    png = Path(first.evidence.png_path)
    assert png == out / f"{first.sha256}.png"
    data = png.read_bytes()
    again = extract_file(first.file, CONTRACT, evidence_dir=out)
    assert png.read_bytes() == data and again.evidence == first.evidence  # same inputs, same bytes
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.width > 1000 and 100 < rgb.height < 1000  # a band of the page, not the whole page
        box = [xy for xy in ((x, y) for x in range(rgb.width) for y in range(0, rgb.height, 2))
               if (lambda r, g, b: r > 150 and g < 60 and b < 60)(*rgb.getpixel(xy))]
    xs = [x for x, _ in box]
    figure_x0, figure_x1 = (float(v) * 2 for v in (first.evidence.bbox[0], first.evidence.bbox[2]))
    assert box and min(xs) < figure_x0 < figure_x1 < max(xs) < figure_x1 + 20  # the red box around the figure


def test_image_only_pdf_is_no_text_layer(chinese) -> None:
    result = extract_file(chinese(image_only=True), CONTRACT)
    assert (result.status, codes(result)) == ("rejected", ["no_text_layer"])


def test_limits_size_and_pages(chinese) -> None:
    path = chinese(filler_pages=2)
    assert codes(extract_file(path, CONTRACT, limits=Limits(max_bytes=1000))) == ["too_large"]
    assert codes(extract_file(path, CONTRACT, limits=Limits(max_pages=3))) == ["too_many_pages"]
    assert "--max-pages" in extract_file(path, CONTRACT, limits=Limits(max_pages=3)).problems[0].message


def test_missing_file_and_folder_are_rejected_with_a_sentence(tmp_path: Path) -> None:
    missing = extract_file(tmp_path / "nope.pdf", CONTRACT)
    folder = extract_file(tmp_path, CONTRACT)
    assert (missing.status, codes(missing), missing.sha256) == ("rejected", ["not_found"], None)
    assert codes(folder) == ["not_a_file"]


def test_batch_keeps_input_order_and_reports_progress(chinese, english, tmp_path: Path) -> None:
    first, second = chinese(), tmp_path / "second.pdf"
    write_english(second)
    seen: list[tuple[int, int]] = []
    results = extract_batch([second, tmp_path / "missing.pdf", first], CONTRACT, workers=2,
                            progress=lambda done, total: seen.append((done, total)))
    assert [Path(r.file).name for r in results] == ["second.pdf", "missing.pdf", "report.pdf"]
    assert [r.status for r in results] == ["accepted", "rejected", "accepted"]
    assert seen[-1] == (3, 3) and len(seen) == 3


def test_batch_per_file_time_limit_rejects_as_timeout(chinese) -> None:
    path = chinese(filler_pages=40)
    results = extract_batch([path, path], CONTRACT, workers=2, per_file_timeout=0.01)
    assert [codes(r) for r in results] == [["timeout"], ["timeout"]]
    assert all(r.sha256 for r in results)
