"""Hong Kong layouts (issue 29): an auditor's report and a 綜合損益表 in Traditional Chinese (or the same words in
Simplified), with each opinion HKSA 705 prints (意見, 保留意見, 否定意見, 不發表意見), headed or stated only in
sentences; and a 20-F statement whose columns run 2024, 2025, 2026 and then a US$ convenience translation.
The reports are HTML printed by WeasyPrint with Noto Serif CJK TC / SC (reportlab's MSung-Light CID font
is not read back by pdfminer); the 20-F is drawn with reportlab's canvas.

Defaults: the Target Company, Assessment Year 1 (year ended 30 November 2026), RMB, an approved firm: read in
every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compliance.values.variants import simplified

ENTITY_TC = "浙江平凡微笑汽車銷售有限公司"  # the Target Company, printed in Traditional characters
FIRM_TC = "天健會計師事務所（特殊普通合夥）"
_HEADINGS = {"unqualified": ("意見", "意見的基礎"), "qualified": ("保留意見", "保留意見的基礎"),
             "adverse": ("否定意見", "否定意見的基礎"), "disclaimer": ("不發表意見", "不發表意見的基礎")}
_OPINIONS = {
    "unqualified": "我們認為，該等綜合財務報表已根據香港財務報告準則真實而中肯地反映了　貴公司於二零二六年十一月"
                   "三十日的綜合財務狀況及截至該日止年度的綜合財務表現。",
    "qualified": "我們認為，除我們報告中「保留意見的基礎」一節所述事項的影響外，該等綜合財務報表已根據香港財務報告"
                 "準則真實而中肯地反映了　貴公司的綜合財務狀況。",
    "adverse": "我們認為，由於我們報告中「否定意見的基礎」一節所述事項的重要性，該等綜合財務報表並無真實而中肯地"
               "反映　貴公司的綜合財務狀況。",
    "disclaimer": "我們不會就　貴公司之綜合財務報表提供意見。由於「不發表意見的基礎」一節所述事項的重要性，我們未能"
                  "取得充足適當的審核憑證。在所有其他方面，我們認為，綜合財務報表已按照香港公司條例妥善編製。",
}


@dataclass(frozen=True)
class HongKongReport:
    script: str = "traditional"  # "traditional" | "simplified" (the same words in Simplified characters)
    opinion: str = "unqualified"
    headings: bool = True  # False: the opinion only in its sentences
    entity: str = ENTITY_TC
    auditor: str = FIRM_TC
    revenue_label: str = "營業額"  # or 收入 / 收益
    revenue: str = "731,250"
    prior: str = "702,346"
    unit: str = "人民幣千元"  # column heading: 人民幣千元 / 千港元
    years: tuple[str, str] = ("二零二六年", "二零二五年")


def write_hong_kong(path: Path, spec: HongKongReport = HongKongReport()) -> Path:
    import weasyprint

    def text(value: str) -> str:
        return simplified(value) if spec.script == "simplified" else value

    heading, basis = _HEADINGS[spec.opinion]
    engaged = "我們獲委聘審核" if spec.opinion == "disclaimer" else "我們已審核列載於第5至30頁的"
    report = [
        f"<h2>{text('獨立核數師報告')}</h2>",
        f"<p>{text(f'致{spec.entity}全體股東')}</p>",
        *([f"<h3>{text(heading)}</h3>"] if spec.headings else []),
        f"<p>{text(f'{engaged}{spec.entity}（以下簡稱「貴公司」）的綜合財務報表，包括於二零二六年十一月三十日的綜合')}"
        f"{text('財務狀況表與截至二零二六年十一月三十日止年度的綜合損益表。')}</p>",
        f"<p>{text(_OPINIONS[spec.opinion])}</p>",
        *([f"<h3>{text(basis)}</h3>"] if spec.headings else []),
        f"<p>{text('我們已根據香港會計師公會頒佈的香港審計準則進行審計。')}</p>",
        f"<h3>{text('關鍵審計事項')}</h3>",
        f"<p>{text('這些事項是在我們審計整體綜合財務報表及出具意見時進行處理的。我們不會對這些事項提供單獨的意見。')}</p>",
        f"<p>{text(spec.auditor)}<br/>{text('執業會計師')}<br/>{text('香港，二零二七年一月十五日')}</p>",
    ]
    rows = ((spec.revenue_label, "3", spec.revenue, spec.prior), ("銷售成本", "", "(650,000)", "(620,000)"),
            ("毛利", "", "81,250", "82,346"), ("行政開支", "", "(30,000)", "(29,000)"),
            ("除所得稅前溢利", "", "51,250", "53,346"), ("所得稅開支", "4", "(12,812)", "(13,337)"),
            ("本年度溢利", "", "38,438", "40,009"))
    table = "".join(f"<tr><td>{text(label)}</td><td class='n'>{note}</td><td class='n'>{current}</td>"
                    f"<td class='n'>{prior}</td></tr>" for label, note, current, prior in rows)
    font = "Noto Serif CJK SC" if spec.script == "simplified" else "Noto Serif CJK TC"
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 2cm }} body {{ font-family: '{font}'; font-size: 10pt }}
      table {{ width: 100%; border-collapse: collapse }} td, th {{ padding: 3pt }}
      td.n, th.n {{ text-align: right }} .break {{ page-break-before: always }} h2 {{ text-align: center }}
    </style></head><body>{"".join(report)}
    <div class="break"><h2>{text("綜合損益表")}</h2><p style="text-align: center">
      {text("截至二零二六年十一月三十日止年度")}</p>
    <table><tr><th></th><th></th><th class="n">{text(spec.years[0])}</th><th class="n">{text(spec.years[1])}</th></tr>
    <tr><th></th><th class="n">{text("附註")}</th><th class="n">{text(spec.unit)}</th>
    <th class="n">{text(spec.unit)}</th></tr>{table}</table></div>
    <div class="break"><h3>{text("綜合財務報表附註")}</h3><p>{text("3. 營業收入")}</p><p>{text("單位：人民幣千元")}</p>
    <p>{text("營業收入合計")} {spec.revenue} {spec.prior}</p></div>
    </body></html>"""
    weasyprint.HTML(string=html).write_pdf(str(path))
    return path


def write_twenty_f(path: Path, headers: tuple[tuple[str, ...], tuple[str, ...]], cells: tuple[str, ...]) -> Path:
    """An English statement of operations with one column per header (two header rows), the revenue row
    printing `cells`: a 20-F's 2024, 2025, 2026 and US$ convenience-translation columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    canvas.setFont("Helvetica", 10)
    y = height - 70
    for line in ("REPORT OF INDEPENDENT REGISTERED PUBLIC ACCOUNTING FIRM",
                 "To the Board of Directors of Zhejiang Ordinary Smile Auto Sales Co., Ltd.",
                 "We have audited the consolidated statements of operations of Zhejiang Ordinary Smile Auto Sales "
                 "Co., Ltd. (the \"Company\")",
                 "for the year ended 30 November 2026. In our opinion, the financial statements present fairly, "
                 "in all material respects,",
                 "the results of its operations for the year ended 30 November 2026.",
                 "/s/ Ernst & Young Hua Ming LLP", "Shanghai, China", "15 January 2027"):
        canvas.drawString(50, y, line)
        y -= 18
    canvas.showPage()
    y = height - 70
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(width / 2, y, "CONSOLIDATED STATEMENTS OF OPERATIONS")
    canvas.setFont("Helvetica", 9)
    y -= 18
    canvas.drawCentredString(width / 2, y, "(Amounts in thousands, except per share data)")
    y -= 30
    xs = [300 + 70 * i for i in range(len(cells))]
    for row in headers:
        for x, cell in zip(xs, row, strict=True):
            canvas.drawRightString(x, y, cell)
        y -= 16
    for label, factor in (("Revenues", None), ("Cost of revenues", "(600,000)"), ("Gross profit", "131,250"),
                          ("Operating expenses", "(50,000)"), ("Income tax expense", "(20,000)"),
                          ("Net income", "61,250")):
        canvas.drawString(50, y, label)
        for x, cell in zip(xs, cells if factor is None else (factor,) * len(cells), strict=True):
            canvas.drawRightString(x, y, cell)
        y -= 16
    canvas.showPage()
    canvas.save()
    return path
