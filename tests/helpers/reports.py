"""Small audit-report PDFs made on the fly for the extractor's own tests (the committed fixtures are scored
separately in test_extract_fixtures.py). Chinese ones are drawn with reportlab's canvas and its STSong-Light
CID font; English ones are HTML printed by WeasyPrint, so the extractor meets two producers here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ENTITY_CN = "浙江平凡微笑汽车销售有限公司"
ENTITY_EN = "Zhejiang Ordinary Smile Auto Sales Co., Ltd."
FIRM_CN = "天健会计师事务所（特殊普通合伙）"
FIRM_EN = "Ernst & Young Hua Ming LLP"


@dataclass(frozen=True)
class ChineseReport:
    entity: str = ENTITY_CN
    statement_entity: str | None = None  # 编制单位 when it differs from the addressee
    period_text: str = "2025年12月1日至2026年11月30日"
    revenue: str = "702,345,678.90"
    prior: str = "650,123,456.78"
    total_revenue: str | None = "705,000,000.00"  # 营业总收入 printed above 其中：营业收入
    unit_line: str = "单位：元  币种：人民币"
    headers: tuple[str, str] = ("本期金额", "上期金额")
    prior_first: bool = False
    spaced_label: bool = False
    glyph_label: bool = False
    opinion: str = "unqualified"
    auditor: str = FIRM_CN
    report_date: str = "二〇二七年一月十五日"
    report_number: str | None = "天健审〔2027〕0123号"
    audit_text_figure: str | None = None  # e.g. "70,234.57万元" stated in the audit text
    filler_pages: int = 0
    notes_echo: bool = True
    image_only: bool = False
    extra_cover_lines: tuple[str, ...] = field(default=())


def _cn_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _lines(canvas, font: str, x: float, y: float, lines: list[str], size: float = 10.5, lead: float = 18) -> float:
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawString(x, y, line)
        y -= lead
    return y


def write_chinese(path: Path, spec: ChineseReport = ChineseReport()) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = _cn_font()
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    if spec.image_only:
        canvas.setFillGray(0.4)
        canvas.rect(72, 400, 400, 300, fill=1)
        canvas.showPage()
        canvas.save()
        return path
    cover = ["审 计 报 告", *([spec.report_number] if spec.report_number else []), *spec.extra_cover_lines]
    _lines(canvas, font, 220, height - 200, cover, size=16, lead=30)
    canvas.showPage()

    heading = {"unqualified": ("一、审计意见", "二、形成审计意见的基础"),
               "qualified": ("一、保留意见", "二、形成保留意见的基础"),
               "adverse": ("一、否定意见", "二、形成否定意见的基础"),
               "disclaimer": ("一、无法表示意见", "二、形成无法表示意见的基础")}[spec.opinion]
    body = [
        "审计报告",
        *([spec.report_number] if spec.report_number else []),
        f"{spec.entity}全体股东：",
        heading[0],
        f"我们审计了{spec.entity}（以下简称贵公司）财务报表，包括2026年11月30日的资产负债表，",
        f"{spec.period_text}期间的利润表、现金流量表、所有者权益变动表以及相关财务报表附注。",
        "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司的经营成果。",
    ]
    if spec.audit_text_figure:
        body.append(f"贵公司{spec.period_text}期间营业收入为人民币{spec.audit_text_figure}。")
    body += [
        heading[1],
        "我们按照中国注册会计师审计准则的规定执行了审计工作。我们相信，我们获取的审计证据是充分、适当的。",
        "三、管理层对财务报表的责任",
        "管理层负责按照企业会计准则的规定编制财务报表。",
        "",
        spec.auditor + "          中国注册会计师：张三",
        "                                   中国注册会计师：李四",
        "中国·杭州                           " + spec.report_date,
    ]
    _lines(canvas, font, 60, height - 80, body, size=10)
    canvas.showPage()

    for number in range(spec.filler_pages):
        filler = [f"董事会报告（第{number + 1}页）", "本公司聘请立信会计师事务所（特殊普通合伙）为内部控制顾问。",
                  "报告期内公司营业收入约7.02亿元，同比增长8%。"] + ["经营情况讨论与分析。" * 4] * 20
        _lines(canvas, font, 60, height - 80, filler, size=10)
        canvas.showPage()

    _statement_page(canvas, font, spec, width, height)
    canvas.showPage()
    if spec.notes_echo:
        notes = ["财务报表附注", "五、30 营业收入和营业成本", "营业收入      702,300,000.00      650,100,000.00",
                 "主营业务收入  700,000,000.00", "其他业务收入  2,345,678.90",
                 # the revenue note's total in the statement's unit: the second place that proves it (issue 29)
                 spec.unit_line, f"营业收入合计      {spec.revenue}      {spec.prior}"]
        _lines(canvas, font, 60, height - 80, notes, size=10)
        canvas.showPage()
    canvas.save()
    return path


def _statement_page(canvas, font: str, spec: ChineseReport, width: float, height: float) -> None:
    y = height - 70
    canvas.setFont(font, 15)
    canvas.drawCentredString(width / 2, y, "利润表")
    y -= 22
    canvas.setFont(font, 9.5)
    canvas.drawCentredString(width / 2, y, spec.period_text)
    y -= 18
    canvas.drawString(50, y, f"编制单位：{spec.statement_entity or spec.entity}")
    canvas.drawRightString(width - 50, y, spec.unit_line)
    y -= 24
    columns = (240, 410, 520)  # right edges of notes, first and second amount columns
    first, second = (spec.headers[1], spec.headers[0]) if spec.prior_first else spec.headers
    canvas.drawString(50, y, "项目")
    canvas.drawRightString(columns[0], y, "附注")
    canvas.drawRightString(columns[1], y, first)
    canvas.drawRightString(columns[2], y, second)
    y -= 20

    def row(label: str, note: str, current: str, prior: str, label_glyphs: bool = False) -> None:
        nonlocal y
        if label_glyphs:
            x = 50.0
            for char in label:
                canvas.drawString(x, y, char)
                x += 9.5 if ord(char) > 0x2E80 else 5.5
        else:
            canvas.drawString(50, y, label)
        if note:
            canvas.drawRightString(columns[0], y, note)
        left, right = (prior, current) if spec.prior_first else (current, prior)
        canvas.drawRightString(columns[1], y, left)
        canvas.drawRightString(columns[2], y, right)
        y -= 18

    label = "营业收入"
    if spec.spaced_label:
        label = "营 业 收 入"
    if spec.total_revenue:
        row("一、营业总收入", "", spec.total_revenue, "655,000,000.00")
        row("其中：" + label, "五、30", spec.revenue, spec.prior, spec.glyph_label)
    else:
        row("一、" + label, "五、30", spec.revenue, spec.prior, spec.glyph_label)
    for item, current, prior in [("减：营业成本", "600,111,222.33", "560,000,000.00"),
                                 ("税金及附加", "3,456,789.00", "3,100,000.00"),
                                 ("销售费用", "20,000,000.00", "18,000,000.00"),
                                 ("二、营业利润", "45,678,901.23", "40,000,000.00"),
                                 ("加：营业外收入", "1,000,000.00", "800,000.00"),
                                 ("三、利润总额", "46,678,901.23", "40,800,000.00"),
                                 ("减：所得税费用", "11,669,725.31", "10,200,000.00"),
                                 ("四、净利润", "35,009,175.92", "30,600,000.00")]:
        row(item, "", current, prior)
    canvas.drawString(50, 80, "后附财务报表附注为本财务报表的组成部分。")
    canvas.drawString(50, 62, "企业负责人：王五        主管会计工作负责人：赵六        会计机构负责人：钱七")


@dataclass(frozen=True)
class EnglishReport:
    entity: str = ENTITY_EN
    period_phrase: str = "for the period from 1 December 2025 to 30 November 2026"
    header_current: str = "2026"
    header_prior: str = "2025"
    revenue: str = "731,250"
    prior: str = "702,346"
    unit_caption: str = "(Expressed in RMB'000)"
    revenue_label: str = "Revenue"
    opinion: str = "unqualified"
    auditor: str = FIRM_EN
    report_date: str = "15 January 2027"
    report_number: str | None = "EY(2028)AR-0042"
    notes_revenue: str = "731.3"
    label_width: str = "auto"  # a narrow label column wraps long labels over lines
    headers_in_words: tuple[str, str] | None = None  # e.g. ("Current year", "Prior year") instead of years


def write_english(path: Path, spec: EnglishReport = EnglishReport()) -> Path:
    import weasyprint

    opinion_heading = {"unqualified": "Opinion", "qualified": "Qualified Opinion",
                       "adverse": "Adverse Opinion", "disclaimer": "Disclaimer of Opinion"}[spec.opinion]
    number = f"<p>Report No. {spec.report_number}</p>" if spec.report_number else ""
    opinion_sentence = ("We do not express an opinion on the financial statements." if spec.opinion == "disclaimer"
                        else "In our opinion, the financial statements present fairly, in all material respects, the "
                             "financial position of the Company.")
    headers = spec.headers_in_words or (spec.header_current, spec.header_prior)
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 2cm }} body {{ font-family: 'DejaVu Serif'; font-size: 10pt }}
      table {{ width: 100%; border-collapse: collapse }} td, th {{ padding: 3pt }}
      td.n, th.n {{ text-align: right }} .break {{ page-break-before: always }}
      td.label {{ width: {spec.label_width} }}
    </style></head><body>
    <h2>Independent Auditor's Report</h2>{number}
    <p>To the Board of Directors of {spec.entity}</p>
    <h3>{opinion_heading}</h3>
    <p>We have audited the financial statements of {spec.entity} (the "Company"), which comprise the
    statement of financial position as at 30 November 2026 and the statement of profit or loss
    {spec.period_phrase}, and notes to the financial statements.</p>
    <p>{opinion_sentence}</p>
    <h3>Basis for {opinion_heading}</h3>
    <p>We conducted our audit in accordance with International Standards on Auditing.</p>
    <p>/s/ {spec.auditor}<br/>Certified Public Accountants<br/>Shanghai, China<br/>{spec.report_date}</p>
    <div class="break"><h2>Statement of Profit or Loss</h2>
    <p>{spec.entity}<br/>{spec.period_phrase.capitalize()}<br/>{spec.unit_caption}</p>
    <table><tr><th></th><th class="n">Note</th><th class="n">{headers[0]}</th>
      <th class="n">{headers[1]}</th></tr>
    <tr><td class="label">{spec.revenue_label}</td><td class="n">4</td><td class="n">{spec.revenue}</td>
      <td class="n">{spec.prior}</td></tr>
    <tr><td>Cost of sales</td><td class="n">5</td><td class="n">(650,000)</td><td class="n">(620,000)</td></tr>
    <tr><td>Gross profit</td><td></td><td class="n">81,250</td><td class="n">82,346</td></tr>
    <tr><td>Profit before tax</td><td></td><td class="n">40,000</td><td class="n">41,000</td></tr>
    <tr><td>Income tax expense</td><td>6</td><td class="n">(10,000)</td><td class="n">(10,250)</td></tr>
    <tr><td>Profit for the year</td><td></td><td class="n">30,000</td><td class="n">30,750</td></tr>
    </table></div>
    <div class="break"><h3>4. Revenue</h3><p>Revenue for the year was RMB{spec.notes_revenue} million.</p>
    <p>Revenue from sales of vehicles 700,000 and services 31,250.</p>
    <p>{spec.unit_caption}</p><table><tr><td>Total revenue</td><td class="n">{spec.revenue}</td>
      <td class="n">{spec.prior}</td></tr></table></div>
    </body></html>"""
    weasyprint.HTML(string=html).write_pdf(str(path))
    return path

