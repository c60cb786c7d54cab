"""HTML tables -> Word tables, and the chop box (a one-cell table).

  table (th/td, td.num)   -> table; th bold; td.num right-aligned; thead rows repeat on every page
  table.figures/.ledger   -> grid borders (.ledger in 8.5 pt)
  table.signatures        -> the signature blocks: borderless, top-aligned, rows that never split
  .chop                   -> a boxed square the size of a company chop or seal
A top-level table fits inside the margins, its columns in proportion to their text. The cells' contents are
converted by the walker (docx.DocxBuilder), which passes itself in as a TableBuilder.
"""

from __future__ import annotations

from typing import Any, Protocol

from compliance.documents import docx_style
from compliance.documents.docx_runs import html_classes


class TableBuilder(Protocol):
    """What a table needs of the walker (docx.DocxBuilder): its document, style ids, the text width, and
    the conversion of a cell's contents."""

    document: Any
    text_width: int

    def style_id(self, name: str) -> str | None: ...

    def add_contents(self, element, *, container, indent: int) -> None: ...


def add_table(builder: TableBuilder, element, *, container, classes: set[str], indent: int = 0) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rows = [row for row in element.iter("tr")]
    if not rows:
        return
    width = max(sum(int(cell.get("colspan", 1)) for cell in row if cell.tag in ("td", "th")) for row in rows)
    table = container.add_table(rows=len(rows), cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid = builder.style_id("Table Grid") if classes & {"figures", "ledger", "grid"} else None
    if grid:
        table._tbl.tblPr.style = grid
    if indent:  # a table inside a clause lines up with the clause text
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        tbl_ind = OxmlElement("w:tblInd")
        tbl_ind.set(qn("w:w"), str(567 * indent))  # 567 twips = 1 cm
        tbl_ind.set(qn("w:type"), "dxa")
        docx_style.put_table_property(table._tbl.tblPr, tbl_ind)
    # A short table stays on one page, as in the PDF: each row keeps with the next, so that no total row is
    # orphaned at the top of a page (Word's keep-with-next on the rows' paragraphs).
    together = len(rows) <= _KEPT_TOGETHER_ROWS
    for r, row in enumerate(rows):
        docx_row = table.rows[r]
        row_cells = docx_row.cells  # once per row: table.cell(r, c) rebuilds the whole grid on every call
        tr_pr = docx_row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")  # a row (and a signature block) never splits
        tr_pr.append(cant_split)
        if row.getparent().tag == "thead":
            header = OxmlElement("w:tblHeader")
            tr_pr.append(header)
        c = 0
        for cell_element in row:
            if cell_element.tag not in ("td", "th"):
                continue
            span = int(cell_element.get("colspan", 1))
            cell = row_cells[c]
            if span > 1:
                cell = cell.merge(row_cells[c + span - 1])
            c += span
            cell_classes = html_classes(cell_element)
            first = cell.paragraphs[0]
            before = len(cell.paragraphs)
            builder.add_contents(cell_element, container=cell, indent=0)
            if len(cell.paragraphs) > before:  # drop the empty paragraph a new cell starts with
                first._p.getparent().remove(first._p)
            for paragraph in cell.paragraphs:
                if classes & docx_style.SMALL_TABLES:
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
                if "num" in cell_classes:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if cell_element.tag == "th":
                    for run in paragraph.runs:
                        run.bold = True
                if "signatures" in classes or (together and r < len(rows) - 1):
                    paragraph.paragraph_format.keep_with_next = True
            if "signatures" in classes or "meta" in classes:
                tc_pr = cell._tc.get_or_add_tcPr()
                valign = OxmlElement("w:vAlign")
                valign.set(qn("w:val"), "top")
                tc_pr.append(valign)
    if container is builder.document:
        _fit_in_margins(builder, table, rows, width, classes, indent)
        container.add_paragraph()


def _fit_in_margins(builder: TableBuilder, table, rows, width: int, classes: set[str], indent: int) -> None:
    """Fixed column widths inside the margins, in proportions that fit the columns' text."""
    texts: list[list[str]] = [[] for _ in range(width)]
    figure_columns: set[int] = set()
    for row in rows:
        c = 0
        for cell_element in row:
            if cell_element.tag in ("td", "th"):
                span = int(cell_element.get("colspan", 1))
                if span == 1 and c < width:
                    texts[c].append(" ".join(cell_element.text_content().split()))
                    if "num" in html_classes(cell_element) or "basis" in html_classes(cell_element):
                        figure_columns.add(c)
                c += span
    available = builder.text_width - docx_style.TWIPS_PER_CM * indent
    shares = docx_style.column_shares(texts, classes, figure_columns)
    docx_style.fixed_widths(table, shares, available,
                            cell_margin_twips=57 if classes & docx_style.SMALL_TABLES else None)


_KEPT_TOGETHER_ROWS = 12


def add_seal_box(builder: TableBuilder, container, text: str) -> None:
    """The space for the company chop or seal: a boxed square the size of a chop (2.4 cm)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VALIGN
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    box = container.add_table(rows=1, cols=1)
    box.alignment = WD_TABLE_ALIGNMENT.RIGHT
    grid = builder.style_id("Table Grid")
    if grid:
        box._tbl.tblPr.style = grid
    docx_style.fixed_widths(box, [1.0], int(3.1 * docx_style.TWIPS_PER_CM))  # "Common seal (if any)" on one line
    row = box.rows[0]
    row.height, row.height_rule = Cm(2.4), WD_ROW_HEIGHT_RULE.EXACTLY
    cell = row.cells[0]
    cell.vertical_alignment = VALIGN.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size, run.font.color.rgb = Pt(7), RGBColor(0x77, 0x77, 0x77)
