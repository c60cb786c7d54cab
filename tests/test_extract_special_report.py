"""The special audit report on the performance commitment (业绩承诺实现情况的专项审核报告, issue 29) read as a report
kind of its own: the fixtures of fixtures/make_special_reports.py against their truth, field by field (yuan and
万元, met and missed, revenue and net profit, text and scanned), and the reader's rules on printed variants."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers.scans import remembered_ocr

from compliance.contract import load_contract
from compliance.extract import extract_file
from compliance.extract.layout import PageWords, Word
from compliance.extract.problems import CATALOGUE, CONFIRMABLE, WHAT_TO_DO
from compliance.extract.special_report import find, number_in, opinion_in, read
from compliance.extract.special_table import ACTUAL, COMMITTED, NET_PROFIT, REVENUE, metric_of

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "fixtures" / "special-reports"
TRUTH = yaml.safe_load((FOLDER / "truth.yaml").read_text(encoding="utf-8"))
CONTRACT = load_contract()
FIELDS = ("status", "entity", "period_start", "period_end", "assessment_year", "operating_revenue", "currency",
          "unit", "auditor", "opinion", "report_date", "report_number")


@pytest.fixture(scope="module", autouse=True)
def _ocr_once_per_image(tmp_path_factory):
    """The scanned fixture is read under two contracts: RapidOCR answers each page image once (helpers/scans)."""
    with remembered_ocr(tmp_path_factory):
        yield


def _score(entry: dict, result: dict) -> list[str]:
    def same(expected, got) -> bool:
        return expected == got if expected is None or isinstance(expected, int) else str(expected) == got

    wrong = [f"{field}: expected {entry[field]!r}, read {result[field]!r}" for field in FIELDS
             if not same(entry[field], result[field])]
    codes = sorted(p["code"] for p in result["problems"] if p["severity"] != "warning")
    if codes != sorted(entry["problems"]):
        wrong.append(f"problems: expected {entry['problems']}, read {codes}")
    page = result["evidence"]["page"] if result["evidence"] else None
    if page != entry["evidence_page"]:
        wrong.append(f"evidence page: expected {entry['evidence_page']}, read {page}")
    if result.get("report_kind") != entry["report_kind"]:
        wrong.append(f"report_kind: read {result.get('report_kind')!r}")
    commitment = result.get("commitment") or {}
    if commitment.get("metric") != entry["metric"] or commitment.get("committed") != entry["committed"]:
        wrong.append(f"commitment: read {commitment}")
    return wrong


def test_the_folder_holds_what_the_truth_names_and_the_generator_makes_the_same_bytes(tmp_path) -> None:
    from helpers.scripts import load_script

    assert sorted(entry["file"] for entry in TRUTH) == sorted(p.name for p in FOLDER.glob("*.pdf"))
    assert sum(p.stat().st_size for p in FOLDER.glob("*.pdf")) < 1_500_000
    entries = load_script(ROOT / "fixtures" / "make_special_reports.py").build(tmp_path)
    assert entries == TRUTH
    for entry in TRUTH:
        assert (tmp_path / entry["file"]).read_bytes() == (FOLDER / entry["file"]).read_bytes(), entry["file"]


def test_the_variants_cover_yuan_and_wanyuan_met_and_missed_revenue_and_net_profit_text_and_scanned() -> None:
    assert {entry["unit"] for entry in TRUTH if entry["unit"]} == {"元", "万元"}
    assert [entry["problems"] for entry in TRUTH if entry.get("with_firm_approved")] == [["ocr_auditor_unverified"]]
    accepted = [entry for entry in TRUTH if entry["status"] == "accepted"]
    assert {Decimal(e["operating_revenue"]) >= Decimal(e["committed"]) for e in accepted} == {True, False}
    assert {entry["metric"] for entry in TRUTH} == {"operating_revenue", "net_profit"}


TEXT = [entry for entry in TRUTH if not entry.get("with_firm_approved")]  # the scan is read in one test below


@pytest.mark.parametrize("entry", TEXT, ids=[entry["file"] for entry in TEXT])
def test_each_special_report_reads_as_its_truth_says(entry: dict, tmp_path) -> None:
    result = extract_file(FOLDER / entry["file"], CONTRACT, evidence_dir=tmp_path).to_json()
    assert _score(entry, result) == []
    if result["evidence"] is not None:
        assert Path(result["evidence"]["png_path"]).exists()
    cpas = result["commitment"]["cpas"]
    assert len(cpas) == 2 and all(2 <= len(name) <= 3 for name in cpas)


def test_a_net_profit_commitment_is_not_revenue_even_with_a_revenue_figure_nearby() -> None:
    (entry,) = [entry for entry in TRUTH if entry["metric"] == "net_profit"]
    result = extract_file(FOLDER / entry["file"], CONTRACT)
    assert result.operating_revenue is None and result.evidence is None
    (found,) = [p for p in result.problems if p.code == "metric_not_revenue"]
    assert found.severity == "review" and "营业收入" in found.message
    assert "metric_not_revenue" in CATALOGUE and "metric_not_revenue" in WHAT_TO_DO
    assert "metric_not_revenue" not in CONFIRMABLE  # another metric is not a person's reading of the page
    from compliance.operations.confirmation import to_confirm

    blockers = to_confirm(result.to_json()).blockers
    assert any("metric_not_revenue" in blocker for blocker in blockers)


def test_an_audit_report_is_not_a_special_report_and_its_json_is_unchanged() -> None:
    y1 = extract_file(ROOT / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf", CONTRACT)
    assert y1.report_kind is None
    assert "report_kind" not in y1.to_json() and "commitment" not in y1.to_json()
    json.dumps(y1.to_json())


# ------------------------------------------------------------------------------- printed variants, unit level
@pytest.mark.parametrize(("printed", "number"), [
    ("瓯镜专审字〔2027〕第0036号", "瓯镜专审字〔2027〕第0036号"),
    ("信会师报字[2019]第ZG11349号", "信会师报字[2019]第ZG11349号"),
    ("天健核字 (2028) 第 127 号", "天健核字(2028)第127号"),
    ("中汇会鉴[2020]0318号", "中汇会鉴[2020]0318号"),
])
def test_report_numbers_of_special_reports(printed: str, number: str) -> None:
    assert number_in(["关于某公司业绩承诺实现情况的专项审核报告", printed]) == number


@pytest.mark.parametrize(("text", "opinion"), [
    ("我们认为，上述说明在所有重大方面按照相关规定编制，公允反映了业绩承诺的实现情况。", "unqualified"),
    ("我们认为，除“形成保留意见的基础”部分所述事项可能产生的影响外，上述说明在所有重大方面公允反映了……", "qualified"),
    ("三、保留意见 我们认为……", "qualified"),
    ("由于……我们无法获取充分、适当的证据，因此我们不对上述说明发表审核意见。", "disclaimer"),
    ("我们认为，上述说明未能在所有重大方面公允反映业绩承诺的实现情况。", "adverse"),
    ("本报告仅供使用。", None),
])
def test_opinions_of_special_reports(text: str, opinion: str | None) -> None:
    assert opinion_in(text) == opinion


@pytest.mark.parametrize(("label", "metric"), [
    ("营业收入", REVENUE), ("营业总收入", REVENUE), ("扣除非经常性损益后归属于母公司股东的净利润", NET_PROFIT),
    ("净利润", NET_PROFIT), ("合计", None),
])
def test_row_labels_name_the_metric(label: str, metric: str | None) -> None:
    assert metric_of(label) == metric


def _word(text: str, x0: float, top: float) -> Word:
    return Word(text, x0, x0 + 6.0 * len(text), top, top + 10.0)


_SIGNATURE = ["瓯江明镜会计师事务所（特殊普通合伙） 中国注册会计师：王建国", "中国注册会计师：李晓燕",
              "中国·温州 二〇二九年一月二十日"]


def _report(period: str, opinion: str, header: list[tuple[str, float]], row: list[tuple[str, float]],
            cited: str = "经审计，平凡微笑公司实现营业收入人民币91,223.46万元。"):
    """A one-page special report, as text and as positioned words for its table."""
    lines = ["关于浙江平凡微笑汽车销售有限公司业绩承诺实现情况的专项审核报告", "瓯镜专审字〔2029〕第0007号",
             "浙江开心汽车有限公司董事会：",
             f"我们审核了后附的浙江开心汽车有限公司管理层编制的《关于浙江平凡微笑汽车销售有限公司{period}业绩承诺"
             "实现情况的说明》。", opinion, "承诺实现营业收入为人民币80,500.00万元。", cited, "单位：人民币万元",
             " ".join(text for text, _ in header), " ".join(text for text, _ in row), *_SIGNATURE]
    words = [_word(text, x, 400) for text, x in header] + [_word(text, x, 420) for text, x in row]
    return ["\n".join(lines)], lambda index: PageWords(words, 0)


HEADER = [("项目", 72), ("承诺数", 200), ("实际数", 300), ("差额", 400)]


def test_the_actual_column_is_read_by_order_and_by_place() -> None:
    pages, words = _report("2027年12月1日至2028年11月30日", "我们认为……在所有重大方面公允反映了……", HEADER,
                           [("营业收入", 72), ("80,500.00", 180), ("91,223.46", 280), ("10,723.46", 380)])
    assert find(pages) == 0
    found = read(pages, 0, words)
    row = found.table.row(REVENUE)
    assert (row.amount(COMMITTED), row.amount(ACTUAL)) == (Decimal("80500.00"), Decimal("91223.46"))
    assert found.table.unit.label == "万元" and found.auditor.startswith("瓯江明镜")
    # the difference left blank: each figure by where it stands, never the committed one as the actual
    pages, words = _report("2027年12月1日至2028年11月30日", "在所有重大方面公允反映了", HEADER,
                           [("营业收入", 72), ("80,500.00", 180), ("91,223.46", 280)])
    row = read(pages, 0, words).table.row(REVENUE)
    assert row.amount(ACTUAL) == Decimal("91223.46")


def test_a_table_naming_the_metric_in_its_headers_and_periods_in_its_rows() -> None:
    header = [("年度", 72), ("承诺营业收入", 200), ("实现营业收入", 300), ("差额", 400)]
    period = "2027年12月1日至2028年11月30日"
    pages, words = _report(period, "在所有重大方面公允反映了", header,
                           [("第三个考核年度", 72), ("80,500.00", 180), ("91,223.46", 280), ("10,723.46", 380)])
    row = read(pages, 0, words).table.row(REVENUE)
    assert row is not None and row.amount(ACTUAL) == Decimal("91223.46")
    # several periods: which one is the Assessment Year is not guessed
    pages, words = _report(period, "在所有重大方面公允反映了", header,
                           [("2026年度", 72), ("70,500.00", 180), ("71,223.46", 280), ("723.46", 380)])
    total = [("累计", 72), ("151,000.00", 180), ("162,446.92", 280), ("11,446.92", 380)]
    words_two = PageWords([*words(0).words, *(_word(text, x, 440) for text, x in total)], 0)
    found = read(pages, 0, lambda index: words_two)
    assert found.table is None or found.table.row(REVENUE) is None
    header = [("年度", 72), ("承诺净利润", 200), ("实现净利润", 300), ("差额", 400)]
    pages, words = _report(period, "在所有重大方面公允反映了", header,
                           [("2026年度", 72), ("5,200.00", 180), ("5,436.18", 280), ("236.18", 380)])
    assert read(pages, 0, words).table.metrics == [NET_PROFIT]


def _decided(period: str, opinion: str, **printed):
    from compliance.extract.special_acceptance import decide

    pages, words = _report(period, opinion, HEADER,
                           [("营业收入", 72), ("80,500.00", 180), ("91,223.46", 280), ("10,723.46", 380)], **printed)
    return decide("t.pdf", None, CONTRACT, read(pages, 0, words), None, lambda line: (None, []))


def test_accepted_only_for_an_assessment_year_and_an_unmodified_opinion() -> None:
    fine = _decided("2027年12月1日至2028年11月30日", "我们认为，在所有重大方面公允反映了实现情况。")
    assert fine.status == "accepted" and fine.operating_revenue == Decimal("912234600.00")
    assert fine.assessment_year == 3 and fine.report_kind == "special_audit_report"
    calendar = _decided("2028年度", "我们认为，在所有重大方面公允反映了实现情况。")
    assert "not_assessment_period" in {p.code for p in calendar.problems} and calendar.status == "needs_review"
    qualified = _decided("2027年12月1日至2028年11月30日", "我们认为，除上述事项的影响外，在所有重大方面公允反映了。")
    assert qualified.opinion == "qualified" and "opinion_modified" in {p.code for p in qualified.problems}


def test_the_actual_figure_is_proven_twice_by_the_audited_figure_the_report_cites() -> None:
    period, opinion = "2027年12月1日至2028年11月30日", "我们认为，在所有重大方面公允反映了实现情况。"
    assert "revenue_confirmed_by" in _decided(period, opinion).sources
    alone = _decided(period, opinion, cited="")  # the committed figure in the text is no second place
    assert [p.code for p in alone.problems if p.severity == "review"] == ["revenue_not_confirmed_in_report"]
    other = _decided(period, opinion, cited="经审计，平凡微笑公司实现营业收入人民币91,232.46万元。")
    assert "revenue_crosscheck_mismatch" in {p.code for p in other.problems} and other.status == "needs_review"


# ------------------------------------------------------------------------------------------------ the scan
def test_the_scanned_special_report_reads_as_its_truth_says_and_is_accepted_with_its_firm_approved(tmp_path) -> None:
    (entry,) = [entry for entry in TRUTH if entry.get("with_firm_approved")]
    result = extract_file(FOLDER / entry["file"], CONTRACT, evidence_dir=tmp_path).to_json()
    assert _score(entry, result) == []
    approving = CONTRACT.model_copy(update={"approved_auditors": [entry["auditor"]]})
    result = extract_file(FOLDER / entry["file"], approving, evidence_dir=tmp_path).to_json()  # OCR remembered
    assert _score(dict(entry, status=entry["with_firm_approved"], problems=[]), result) == []
    assert result["ocr"]["operating_revenue"]["confirmed"] is True
    assert result["ocr"]["auditor"]["source"] == "ocr"


# ------------------------------------------------------------------------------------------------ the letters
def test_the_letters_name_a_special_report_as_such(tmp_path) -> None:
    import datetime as dt
    import html
    import re

    from helpers.examples import EXAMPLE_1

    from compliance.documents import Renderer, year_documents
    from compliance.rules.earnout import assess_year

    (entry,) = [entry for entry in TRUTH if entry["file"] == "special-y2-revenue-missed-yuan.pdf"]
    report = extract_file(FOLDER / entry["file"], CONTRACT, evidence_dir=tmp_path).to_json()
    as_of = dt.date(2028, 2, 1)
    contexts = year_documents(CONTRACT, assess_year(CONTRACT, EXAMPLE_1.amounts(), 2), as_of=as_of, report=report)
    renderer = Renderer()
    texts = {kind: re.sub(r"<[^>]+>", " ", html.unescape(renderer.render_html(kind, contexts[kind], as_of=as_of)))
             for kind in ("assessment-report", "joint-instruction")}
    squeezed = "".join(texts["assessment-report"].split())
    assert "Kindofreport" in squeezed and "Specialauditreportontheperformancecommitment" in squeezed
    assert "业绩承诺完成情况的专项审核报告" in squeezed and "周明远,陈静怡" in squeezed
    assert "RMB732,000,000.00" in squeezed  # the committed figure, beside the actual one used
    joint = "".join(texts["joint-instruction"].split())
    assert "specialauditreportno.钱衡核字(2028)第00127号" in joint


def test_the_desk_names_the_kind_of_report_first_and_an_audit_report_as_before() -> None:
    from compliance.operations.review import _fields

    (entry,) = [entry for entry in TRUTH if entry["file"] == "special-y2-revenue-missed-yuan.pdf"]
    fields = _fields(extract_file(FOLDER / entry["file"], CONTRACT).to_json())
    assert (fields[0].key, fields[0].label) == ("report_kind", "Kind of report")
    assert "special audit report" in fields[0].value and "业绩承诺完成情况的专项审核报告" in fields[0].where
    assert "report_kind" not in {f.key for f in _fields({"status": "accepted", "sources": {}})}
