"""Audit reports laid out the way real ones are (issue 11): the statement title mid-page after the previous
statement, the revenue line on the page after the title, an internal-control report before the
financial-statement report, the report after the statements (a US 10-K), sideways pages, spaces as thousands
separators, labels wrapped over many lines, columns without headers, 'Revenue:' beside the column years,
an SZSE summary table. Drawn with reportlab's canvas, so every position is known.

Defaults give a report of the Target Company for Assessment Year 1 that is accepted under the built-in
contract; each test changes one habit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.reports import ENTITY_CN, ENTITY_EN, FIRM_CN, FIRM_EN, _cn_font

_ROWS_EN = (("Cost of sales", "(650,000,000.00)", "(620,000,000.00)"),
            ("Gross profit", "81,250,000.00", "82,346,000.00"),
            ("Administrative expenses", "(30,000,000.00)", "(29,000,000.00)"),
            ("Profit before tax", "51,250,000.00", "53,346,000.00"),
            ("Income tax expense", "(12,812,500.00)", "(13,336,500.00)"),
            ("Profit for the period", "38,437,500.00", "40,009,500.00"))
_ROWS_CN = (("减：营业成本", "600,111,222.33", "560,000,000.00"), ("税金及附加", "3,456,789.00", "3,100,000.00"),
            ("销售费用", "20,000,000.00", "18,000,000.00"), ("二、营业利润", "45,678,901.23", "40,000,000.00"),
            ("三、利润总额", "46,678,901.23", "40,800,000.00"), ("减：所得税费用", "11,669,725.31", "10,200,000.00"),
            ("四、净利润", "35,009,175.92", "30,600,000.00"))


@dataclass(frozen=True)
class Layout:
    language: str = "en"  # "en" | "zh"
    revenue_label: str = ""  # default: 'Revenue' / '一、营业收入'
    revenue: str = "731,250,000.00"
    prior: str = "702,346,000.00"
    headers: tuple[str, str] | None = None  # default: ('2026', '2025') / ('本期金额', '上期金额')
    unit_line: str = ""  # default: '(Expressed in RMB)' / '单位：元 币种：人民币'
    period: str = ""  # default: the period from 1 December 2025 to 30 November 2026
    report_date: str = ""  # default: '15 January 2027' / '二〇二七年一月十五日'
    opinion_sentence: bool = True
    firm_signed: bool = True
    date_signed: bool = True
    report_after_statements: bool = False
    control_report_first: bool = False
    previous_statement_above: bool = False  # the balance sheet ends on the income statement's page
    rows_on_next_page: bool = False
    revenue_heading_with_years: bool = False  # 'Revenue:' heading on the header line, then parts and a total
    label_width: float | None = None  # wrap labels to this many points
    sideways: bool = False  # the statement page's text drawn turned a quarter, no /Rotate
    summary_table: dict[str, str] | None = None  # SZSE 审计报告 summary rows, printed before the report


def _defaults(spec: Layout) -> dict[str, object]:
    chinese = spec.language == "zh"
    return {
        "label": spec.revenue_label or ("一、营业收入" if chinese else "Revenue"),
        "headers": spec.headers or (("本期金额", "上期金额") if chinese else ("2026", "2025")),
        "unit": spec.unit_line or ("单位：元  币种：人民币" if chinese else "(Expressed in RMB)"),
        "period": spec.period or ("2025年12月1日至2026年11月30日" if chinese
                                  else "for the period from 1 December 2025 to 30 November 2026"),
        "date": spec.report_date or ("二〇二七年一月十五日" if chinese else "15 January 2027"),
    }


def write_layout(path: Path, spec: Layout = Layout()) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = _cn_font() if spec.language == "zh" else "Helvetica"
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    values = _defaults(spec)
    pages = []
    if spec.summary_table:
        pages.append(lambda: _text_page(canvas, font, ["第十二节 财务报告", "一、审计报告",
                                                       *(f"{k}    {v}" for k, v in spec.summary_table.items())]))
    if spec.control_report_first:
        pages.append(lambda: _text_page(canvas, font, _control_report(spec)))
    report = [lambda: _text_page(canvas, font, _report(spec, values))]
    statements = [lambda: _statements(canvas, font, spec, values)]
    pages += (statements + report) if spec.report_after_statements else (report + statements)
    pages.append(lambda: _text_page(canvas, font, _revenue_note(spec, values)))
    for draw in pages:
        draw()
    canvas.save()
    return path


def _revenue_note(spec: Layout, values: dict) -> list[str]:
    """The notes' revenue note, its total as the statement prints it: the second place (issue 29)."""
    figure, prior = spec.revenue.replace(" ", ","), spec.prior.replace(" ", ",")
    if spec.language == "zh":
        return ["财务报表附注", "五、30 营业收入", str(values["unit"]), f"营业收入合计    {figure}    {prior}"]
    return ["Notes to the financial statements", "4 Revenue", str(values["unit"]), f"Total    {figure}    {prior}"]


def _text_page(canvas, font: str, lines: list[str]) -> None:
    canvas.setFont(font, 10)
    y = 780.0
    for line in lines:
        canvas.drawString(60, y, line)
        y -= 16
    canvas.showPage()


def _report(spec: Layout, values: dict) -> list[str]:
    if spec.language == "zh":
        lines = ["审计报告", "天健审〔2027〕0123号", f"{ENTITY_CN}全体股东：", "一、审计意见",
                 f"我们审计了{ENTITY_CN}（以下简称贵公司）财务报表，包括2026年11月30日的资产负债表，",
                 f"{values['period']}期间的利润表以及相关财务报表附注。"]
        if spec.opinion_sentence:
            lines.append("我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司的经营成果。")
        lines += ["二、形成审计意见的基础", "我们按照中国注册会计师审计准则的规定执行了审计工作。", ""]
        lines.append((FIRM_CN if spec.firm_signed else "") + "      中国注册会计师：张三")
        lines.append("                          中国注册会计师：李四")
        lines.append("中国·杭州                 " + (str(values["date"]) if spec.date_signed else ""))
        return lines
    lines = ["INDEPENDENT AUDITOR'S REPORT", "Report No. EY(2027)AR-0042", f"To the Shareholders of {ENTITY_EN}",
             "Opinion", f"We have audited the financial statements of {ENTITY_EN} (the \"Company\"), which comprise",
             f"the statement of financial position as at 30 November 2026 and the income statement {values['period']}."]
    if spec.opinion_sentence:
        lines.append("In our opinion, the financial statements present fairly, in all material respects, the "
                     "financial position of the Company.")
    lines += ["Basis for Opinion", "We conducted our audit in accordance with International Standards on Auditing.",
              ""]
    if spec.firm_signed:
        lines.append(f"/s/ {FIRM_EN}")
    lines.append("Shanghai, China")
    if spec.date_signed:
        lines.append(str(values["date"]))
    return lines


def _control_report(spec: Layout) -> list[str]:
    """An internal-control audit by another firm, dated later, with a bond's interest period nearby."""
    if spec.language == "zh":
        return ["内部控制审计报告", "信会师报字[2027]第ZA1001号", f"{ENTITY_CN}全体股东：",
                f"我们审计了{ENTITY_CN}2026年11月30日财务报告内部控制的有效性。",
                "公司债券计息期间为2026年7月1日至2027年6月30日。",
                "我们认为，贵公司于2026年11月30日按照《企业内部控制基本规范》在所有重大方面保持了有效的财务报告内部控制。",
                "", "立信会计师事务所（特殊普通合伙）      中国注册会计师：王五",
                "中国·上海                 二〇二七年三月十日"]
    return ["REPORT OF INDEPENDENT AUDITOR ON INTERNAL CONTROL", f"To the Board of Directors of {ENTITY_EN}",
            f"We have audited the internal control over financial reporting of {ENTITY_EN} as of 30 November 2026.",
            "The Company's bonds bear interest for the period from 1 July 2026 to 30 June 2027.",
            "In our opinion, the Company maintained, in all material respects, effective internal control.", "",
            "/s/ Other Assurance LLP", "Beijing, China", "10 March 2027"]


def _statements(canvas, font: str, spec: Layout, values: dict) -> None:
    width, height = 595.2756, 841.8898

    def turn() -> None:  # text drawn a quarter turned, as a landscape table on a portrait page
        canvas.saveState()
        canvas.translate(595.2756, 0)
        canvas.rotate(90)

    if spec.sideways:
        turn()
        width, height = height, width
    y = height - 60
    if spec.previous_statement_above:
        y = _previous_statement(canvas, font, spec, width, y)
    chinese = spec.language == "zh"
    canvas.setFont(font, 14)
    canvas.drawCentredString(width / 2, y, "利润表" if chinese else "Income Statement")
    canvas.setFont(font, 9.5)
    canvas.drawCentredString(width / 2, y - 18, str(values["period"]) if chinese
                             else str(values["period"]).capitalize())
    canvas.drawString(50, y - 36, f"编制单位：{ENTITY_CN}" if chinese else ENTITY_EN)
    canvas.drawRightString(width - 60, y - 36, str(values["unit"]))
    y -= 62
    if spec.rows_on_next_page:
        if spec.sideways:
            canvas.restoreState()
        canvas.showPage()
        if spec.sideways:
            turn()
        canvas.setFont(font, 9.5)
        y = height - 60
    columns = (330, width - 170, width - 60)
    headers = values["headers"]
    canvas.drawString(50, y, "项目" if chinese else ("Revenue:" if spec.revenue_heading_with_years else ""))
    canvas.drawRightString(columns[0], y, "附注" if chinese else "Note")
    canvas.drawRightString(columns[1], y, headers[0])
    canvas.drawRightString(columns[2], y, headers[1])
    y -= 20
    if spec.revenue_heading_with_years:
        revenue_rows = (("Product", "500,000,000.00", "480,000,000.00"),
                        ("Services and support", "231,250,000.00", "222,346,000.00"),
                        ("Total revenue", spec.revenue, spec.prior))
    else:
        revenue_rows = ((str(values["label"]), spec.revenue, spec.prior),)
    for label, current, prior in (*revenue_rows, *(_ROWS_CN if chinese else _ROWS_EN)):
        y = _row(canvas, font, spec, columns, y, label, current, prior)
    if spec.sideways:
        canvas.restoreState()
    canvas.showPage()


def _row(canvas, font: str, spec: Layout, columns: tuple, y: float, label: str, current: str, prior: str) -> float:
    from reportlab.lib.utils import simpleSplit

    parts = simpleSplit(label, font, 9.5, spec.label_width) if spec.label_width else [label]
    figures_at = len(parts) // 2 if len(parts) > 2 else 0  # figures centred beside a label wrapped over lines
    for index, part in enumerate(parts):
        canvas.drawString(50, y, part)
        if index == figures_at:
            canvas.drawRightString(columns[1], y, current)
            canvas.drawRightString(columns[2], y, prior)
        y -= 12 if index < len(parts) - 1 else 18
    return y


def _previous_statement(canvas, font: str, spec: Layout, width: float, y: float) -> float:
    chinese = spec.language == "zh"
    canvas.setFont(font, 9.5)
    rows = ((("负债和所有者权益总计", "251,439,753.04", "232,027,122.95"), ("所有者权益合计", "100,435,432.07",
                                                                       "92,681,225.09")) if chinese else
            (("Total equity", "100,435,432.07", "92,681,225.09"),
             ("Total equity and liabilities", "251,439,753.04", "232,027,122.95")))
    title = "资产负债表（续）" if chinese else "Statement of Financial Position (continued)"
    canvas.drawCentredString(width / 2, y, title)
    y -= 20
    for label, current, prior in rows:
        canvas.drawString(50, y, label)
        canvas.drawRightString(width - 170, y, current)
        canvas.drawRightString(width - 60, y, prior)
        y -= 18
    signed = "法定代表人：赖方乐  主管会计工作负责人：潘晓红" if chinese else "Approved by the board."
    canvas.drawString(50, y - 6, signed)
    return y - 60
