"""The rendered HTML of a letter -> a python-docx document with the same text.

The templates use a small HTML vocabulary, and this module maps each element to its Word counterpart:
  h1/h2/h3                     -> Title / Heading 2 / Heading 3
  p, div text                  -> paragraphs with bold/italic/underline runs (b, strong, i, em, u)
  div.clause > .clause-num + .clause-body   -> numbered clause (hanging indent, the number as text)
  ul/ol > li                   -> List Bullet / List Number paragraphs
  table (th/td, td.num)        -> table; td.num right-aligned; table.figures/.ledger get grid borders
  table.signatures             -> the signature blocks as a borderless table whose rows never split
  .sig-line                    -> an empty paragraph with a bottom border (the line to sign on)
  .placeholder                 -> highlighted run (text still to be completed)
  header.letterhead            -> letterhead paragraphs (skipped when a reference DOCX brings its own)
  .running-footer              -> the page footer, followed by "Page X of Y" fields
  img                          -> picture (a data: PNG, or a local file)
  .pdf-only                    -> skipped (layout helpers that mean nothing in Word)
Runs with Chinese characters get the East Asian font (w:eastAsia) so that Word shows Chinese, not boxes.
The file is byte-identical for the same inputs: fixed core-property dates and zip entry timestamps.

Longer than 350 lines: one converter walking one HTML tree, whose element handlers share the document, its
styles and the run formatting; split apart they would pass that state around instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlparse

from compliance.documents import docx_style
from compliance.documents.docx_style import CJK_FONT
from compliance.values.cjk import CJK_RUN

_SPACE = re.compile(r"[ \t\r\n\f]+")
_INLINE = {"b", "strong", "i", "em", "u", "span", "a", "small", "sup", "sub", "br", "code", "abbr", "cite"}
_SKIP = {"script", "style", "head", "title", "meta", "link"}


@dataclass
class _Run:
    text: str
    marks: frozenset = field(default_factory=frozenset)
    is_break: bool = False
    xref: str | None = None  # a cross-reference to a clause: a Word REF field to its bookmark


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class DocxBuilder:
    """Builds one DOCX from rendered HTML; `reference_docx` supplies styles and letterhead."""

    def __init__(self, reference_docx: Path | None = None):
        self.reference_docx = reference_docx

    def build(self, html: str, *, created: dt.date, title: str, base_dir: Path | None = None) -> bytes:
        import docx
        import lxml.html

        root = lxml.html.document_fromstring(html)
        document = docx.Document(str(self.reference_docx) if self.reference_docx else None)
        self.document = document
        self._style_ids: dict[str, str | None] = {}
        self.base_dir = base_dir
        self.has_letterhead = bool(self.reference_docx) and self._reference_has_header(document)
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        if not self.reference_docx:
            docx_style.house_style(document)
        labels = [_clause_label(clause) for clause in root.body.iter("div") if "clause" in _classes(clause)]
        # Word numbers the clauses itself when they run 1., 2., 3. ...; other labels ('6.1') stay text
        self.num_id = docx_style.clause_numbering(document) if docx_style.is_plain_sequence(labels) else None
        self.bookmarks = 0
        section = document.sections[-1]
        self.text_width = int((section.page_width - section.left_margin - section.right_margin) / 635)  # twips
        footer = root.find_class("running-footer")
        self._footer(document, footer[0] if footer else None)
        for child in root.body:
            self._block(child, container=document, indent=0)
        meta = {m.get("name"): m.get("content") or "" for m in root.iter("meta") if m.get("name")}
        self._core_properties(document, created, title, meta)
        out = BytesIO()
        document.save(out)
        return docx_style.finish_package(out.getvalue(), created)

    # --- styles, footer, metadata ---------------------------------------------------------------------
    @staticmethod
    def _reference_has_header(document) -> bool:
        return any(
            paragraph.text.strip() or paragraph._p.xpath(".//w:drawing")
            for section in document.sections
            for paragraph in section.header.paragraphs
        )

    def _footer(self, document, element) -> None:
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Pt

        for section in document.sections:
            footer = section.footer
            footer.is_linked_to_previous = False
            paragraph = footer.add_paragraph() if footer.paragraphs[0].text.strip() else footer.paragraphs[0]
            width = section.page_width - section.left_margin - section.right_margin
            paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
            if element is not None:
                for run in self._runs(element):
                    added = self._add_run(paragraph, run)
                    if added is not None:  # a line break carries no text to size
                        added.font.size = Pt(8)
            tail = paragraph.add_run("\tPage ")
            tail.font.size = Pt(8)
            _add_field(paragraph, "PAGE", "1", Pt(8))
            paragraph.add_run(" of ").font.size = Pt(8)
            _add_field(paragraph, "NUMPAGES", "1", Pt(8))

    @staticmethod
    def _core_properties(document, created: dt.date, title: str, meta: dict[str, str]) -> None:
        """Title, subject and author (the preparing party) as the letter states them; fixed dates."""
        stamp = dt.datetime(created.year, created.month, created.day)
        props = document.core_properties
        props.author = meta.get("author") or "compliance"
        props.last_modified_by = props.author
        props.subject = meta.get("subject", "")
        props.keywords = meta.get("keywords", "")
        props.comments = ""  # python-docx's template says "generated by python-docx"
        props.category = meta.get("category", "")
        props.title = title
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        props.revision = 1

    # --- blocks --------------------------------------------------------------------------------------
    def _block(self, element, *, container, indent: int) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = _classes(element) if tag else set()
        if not tag or tag in _SKIP or classes & {"running-footer", "pdf-only"}:
            return
        if "letterhead" in classes and self.has_letterhead:
            return
        if tag in ("h1", "h2", "h3", "h4"):
            style = {"h1": "Title", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 3"}[tag]
            self._paragraph(container, element, style=style, classes=classes, indent=indent)
        elif tag == "p" and "draft-mark" in classes:
            self._draft_mark(container, element)
        elif tag == "p":
            self._paragraph(container, element, classes=classes, indent=indent)
        elif "clause" in classes:
            self._clause(element, container=container, indent=indent)
        elif "sig-line" in classes:
            self._signature_line(container)
        elif "chop" in classes:
            self._seal_box(container, " ".join(element.text_content().split()))
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in element:
                if getattr(item, "tag", None) == "li":
                    self._paragraph(container, item, style=style, classes=_classes(item), indent=indent)
        elif tag == "table":
            self._table(element, container=container, classes=classes, indent=indent)
        elif tag == "img":
            self._image(container, element)
        elif tag == "br":
            return
        else:  # div, section, header, footer, blockquote...: text directly inside becomes a paragraph
            self._container(element, container=container, indent=indent + ("indent" in classes))

    def _container(self, element, *, container, indent: int) -> None:
        pending: list = []  # inline content between block children

        def flush() -> None:
            if pending:
                runs = self._runs_of(pending, element)
                if any(run.text.strip() or run.is_break for run in runs):
                    self._paragraph_from_runs(container, runs, classes=_classes(element), indent=indent)
                pending.clear()

        if element.text and element.text.strip():
            pending.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _INLINE and not (_classes(child) & {"running-footer", "pdf-only", "sig-line"}):
                pending.append(child)
            else:
                flush()
                self._block(child, container=container, indent=indent)
            if child.tail and child.tail.strip():
                pending.append(child.tail)
        flush()

    def _clause(self, element, *, container, indent: int) -> None:
        """A numbered clause: the number hangs; everything after its first paragraph is indented."""
        body = next((c for c in element if "clause-body" in _classes(c)), None)
        label = _clause_label(element)
        blocks = [c for c in body] if body is not None else []
        first = True
        inline_text = body is not None and (body.text or "").strip()
        if inline_text or not blocks or blocks[0].tag != "p":
            # the body is inline content: one paragraph carrying the number
            runs = self._runs(body) if body is not None else []
            paragraph = self._paragraph_from_runs(container, runs, indent=indent, label=label)
            self._anchor(paragraph, element)
            return
        for child in blocks:
            if first and child.tag == "p":
                runs = self._runs(child)
                paragraph = self._paragraph_from_runs(container, runs, classes=_classes(child), indent=indent,
                                                      label=label)
                self._anchor(paragraph, element)
                first = False
            else:
                self._block(child, container=container, indent=indent + 1)

    def _anchor(self, paragraph, element) -> None:
        """A clause with an id gets a bookmark, so that a cross-reference to it is a REF field."""
        if element.get("id"):
            self.bookmarks += 1
            docx_style.bookmark(paragraph, docx_style.bookmark_name(element.get("id")), self.bookmarks)

    def _paragraph(self, container, element, *, style=None, classes=(), indent: int = 0):
        return self._paragraph_from_runs(container, self._runs(element), style=style, classes=classes, indent=indent)

    def _paragraph_from_runs(self, container, runs, *, style=None, classes=(), indent: int = 0, label: str = ""):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        paragraph = container.add_paragraph()
        style_id = self._style(style)
        if style_id:
            paragraph._p.style = style_id  # the id directly: python-docx's lookup by name is slow
        fmt = paragraph.paragraph_format
        step = Cm(1.0)
        if label and self.num_id is not None:  # Word's numbering: the number is not text
            docx_style.number_paragraph(paragraph, self.num_id)
            fmt.left_indent = step * (indent + 1)
            fmt.first_line_indent = -step
        elif label:
            fmt.left_indent = step * (indent + 1)
            fmt.first_line_indent = -step
            fmt.tab_stops.add_tab_stop(step * (indent + 1))
            self._add_run(paragraph, _Run(label + "\t"))
        elif indent:
            fmt.left_indent = step * indent
        if "right" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif set(classes) & {"center", "subtitle", "sender", "sender-detail"} or style == "Title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif "justify" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if "keep" in classes or style in ("Title", "Heading 2", "Heading 3"):
            fmt.keep_with_next = True
        if "tight" in classes:
            fmt.space_after = Pt(0)
        size = {"small": 8.5, "sender-detail": 8.5, "sender": 12.5}
        point = next((size[name] for name in size if name in classes), None)
        for run in runs:
            added = self._add_run(paragraph, run)
            if added is not None and point:
                added.font.size = Pt(point)
            if added is not None and "sender" in classes:
                added.bold = True
        if "sender-detail" in classes:
            fmt.space_after = Pt(4)
        return paragraph

    def _style(self, name):
        """The style id for a style name, or None when the document lacks it (it takes Normal then)."""
        if name is None:
            return None
        if name not in self._style_ids:
            try:
                self._style_ids[name] = self.document.styles[name].style_id
            except KeyError:
                self._style_ids[name] = None  # a reference DOCX without this style
        return self._style_ids[name]

    def _signature_line(self, container) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        paragraph = container.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(30)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.keep_with_next = True
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        docx_style.add_paragraph_border(paragraph._p.get_or_add_pPr(), borders)

    def _draft_mark(self, container, element) -> None:
        """DRAFT above the letterhead: boxed, red and bold, as the PDF shows it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        paragraph = self._paragraph(container, element)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        docx_style.box_paragraph(paragraph, "AA0000")
        for run in paragraph.runs:
            run.bold, run.font.size, run.font.color.rgb = True, Pt(9), RGBColor(0xAA, 0, 0)

    def _seal_box(self, container, text: str) -> None:
        """The space for the company chop or seal: a boxed square the size of a chop (2.4 cm)."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VALIGN
        from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt, RGBColor

        box = container.add_table(rows=1, cols=1)
        box.alignment = WD_TABLE_ALIGNMENT.RIGHT
        grid = self._style("Table Grid")
        if grid:
            box._tbl.tblPr.style = grid
        docx_style.fixed_widths(box, [1.0], int(2.6 * docx_style.TWIPS_PER_CM))
        row = box.rows[0]
        row.height, row.height_rule = Cm(2.4), WD_ROW_HEIGHT_RULE.EXACTLY
        cell = row.cells[0]
        cell.vertical_alignment = VALIGN.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.font.size, run.font.color.rgb = Pt(7), RGBColor(0x77, 0x77, 0x77)

    def _table(self, element, *, container, classes: set[str], indent: int = 0) -> None:
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
        grid = self._style("Table Grid") if classes & {"figures", "ledger", "grid"} else None
        if grid:
            table._tbl.tblPr.style = grid
        if indent:  # a table inside a clause lines up with the clause text
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            tbl_ind = OxmlElement("w:tblInd")
            tbl_ind.set(qn("w:w"), str(567 * indent))  # 567 twips = 1 cm
            tbl_ind.set(qn("w:type"), "dxa")
            docx_style.put_table_property(table._tbl.tblPr, tbl_ind)
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
                cell_classes = _classes(cell_element)
                first = cell.paragraphs[0]
                before = len(cell.paragraphs)
                self._container(cell_element, container=cell, indent=0)
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
                    if "signatures" in classes:
                        paragraph.paragraph_format.keep_with_next = True
                if "signatures" in classes or "meta" in classes:
                    tc_pr = cell._tc.get_or_add_tcPr()
                    valign = OxmlElement("w:vAlign")
                    valign.set(qn("w:val"), "top")
                    tc_pr.append(valign)
        if container is self.document:  # inside the margins, in proportions that fit the columns' text
            texts: list[list[str]] = [[] for _ in range(width)]
            figure_columns: set[int] = set()
            for row in rows:
                c = 0
                for cell_element in row:
                    if cell_element.tag in ("td", "th"):
                        span = int(cell_element.get("colspan", 1))
                        if span == 1 and c < width:
                            texts[c].append(" ".join(cell_element.text_content().split()))
                            if "num" in _classes(cell_element) or "basis" in _classes(cell_element):
                                figure_columns.add(c)
                        c += span
            available = self.text_width - docx_style.TWIPS_PER_CM * indent
            shares = docx_style.column_shares(texts, classes, figure_columns)
            docx_style.fixed_widths(table, shares, available,
                                    cell_margin_twips=57 if classes & docx_style.SMALL_TABLES else None)
            container.add_paragraph()

    def _image(self, container, element) -> None:
        from docx.shared import Cm

        source = element.get("src") or ""
        width = float(element.get("data-width-cm") or 15)  # a layout size, never money
        if source.startswith("data:image/png;base64,"):  # the picture travels inside the letter
            picture = BytesIO(base64.b64decode(source.partition(",")[2]))
            container.add_paragraph().add_run().add_picture(picture, width=Cm(width))
            return
        parsed = urlparse(source)
        path = Path(unquote(parsed.path)) if parsed.scheme in ("", "file") else None
        if path is not None and not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        if path is None or not path.is_file():
            return
        container.add_paragraph().add_run().add_picture(str(path), width=Cm(width))

    # --- inline runs ---------------------------------------------------------------------------------
    def _runs(self, element) -> list[_Run]:
        items: list = []
        if element.text:
            items.append(element.text)
        for child in element:
            items.append(child)
            if child.tail:
                items.append(child.tail)
        return self._runs_of(items, element, with_tails=False)

    def _runs_of(self, items, parent, with_tails: bool = False) -> list[_Run]:
        runs: list[_Run] = []

        def walk(node, marks: frozenset) -> None:
            tag = node.tag if isinstance(node.tag, str) else ""
            if not tag or tag in _SKIP:
                return
            classes = _classes(node)
            if classes & {"running-footer", "pdf-only"}:
                return
            if tag == "br":
                runs.append(_Run("", marks, is_break=True))
                return
            if "xref" in classes and (node.get("href") or "").startswith("#"):
                runs.append(_Run(node.text_content(), marks, xref=docx_style.bookmark_name(node.get("href")[1:])))
                return
            own = set(marks)
            if tag in ("b", "strong") or "bold" in classes:
                own.add("b")
            if tag in ("i", "em", "cite") or "italic" in classes:
                own.add("i")
            if tag == "u":
                own.add("u")
            if "placeholder" in classes:
                own.add("placeholder")
            if "smallcaps" in classes:
                own.add("smallcaps")
            own_marks = frozenset(own)
            if node.text:
                runs.append(_Run(node.text, own_marks))
            for child in node:
                walk(child, own_marks)
                if child.tail:
                    runs.append(_Run(child.tail, own_marks))

        for item in items:
            if isinstance(item, str):
                runs.append(_Run(item))
            else:
                walk(item, frozenset())
        return _collapse(runs)

    def _add_run(self, paragraph, run: _Run):
        from docx.enum.text import WD_COLOR_INDEX

        if run.is_break:
            paragraph.add_run().add_break()
            return None
        if run.xref:
            docx_style.reference_field(paragraph, run.xref, run.text)
            return None
        added = paragraph.add_run(run.text)
        if "b" in run.marks:
            added.bold = True
        if "i" in run.marks:
            added.italic = True
        if "u" in run.marks:
            added.underline = True
        if "smallcaps" in run.marks:
            added.font.small_caps = True
        if "placeholder" in run.marks:
            added.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if CJK_RUN.search(run.text):
            _set_east_asian(added._r.get_or_add_rPr(), CJK_FONT)
        return added


def _collapse(runs: list[_Run]) -> list[_Run]:
    """HTML whitespace rules: runs of spaces become one; none at the start or end of a paragraph."""
    out: list[_Run] = []
    previous_space = True
    for run in runs:
        if run.is_break:
            if out and not out[-1].is_break:
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(run)
            previous_space = True
            continue
        text = _SPACE.sub(" ", run.text).replace("\u00a0", "\u00a0")
        if previous_space:
            text = text.lstrip(" ")
        if not text:
            continue
        previous_space = text.endswith(" ")
        out.append(_Run(text, run.marks, xref=run.xref))
    while out and not out[-1].is_break and not out[-1].text.strip():
        out.pop()
    if out and not out[-1].is_break:
        out[-1].text = out[-1].text.rstrip(" ")
    return out


def _set_east_asian(r_pr, font: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    r_pr_lang = r_pr.find(qn("w:lang"))
    if r_pr_lang is None:
        r_pr_lang = OxmlElement("w:lang")
        r_pr.append(r_pr_lang)
    r_pr_lang.set(qn("w:eastAsia"), "zh-CN")


def _add_field(paragraph, instruction: str, shown: str, size) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size.pt * 2)))
    r_pr.append(sz)
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def _clause_label(element) -> str:
    number = next((c for c in element if "clause-num" in _classes(c)), None)
    return " ".join(number.text_content().split()) if number is not None else ""
