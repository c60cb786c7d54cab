"""The rendered HTML of a letter -> a python-docx document with the same text: the walker over the HTML tree.

The templates use a small HTML vocabulary; this module maps the block elements to their Word counterparts:
  h1/h2/h3                     -> Title / Heading 2 / Heading 3
  p, div text                  -> paragraphs of runs (docx_runs: b, strong, i, em, u, .placeholder, a.xref)
  div.clause > .clause-num + .clause-body   -> numbered clause (hanging indent; Word's numbering for 1., 2., 3.)
  ul/ol > li                   -> List Bullet / List Number paragraphs
  table, .chop                 -> tables and the chop box (docx_tables)
  .sig-line                    -> a paragraph with a bottom border (the line to sign on); a preview's says PREVIEW
  p.draft-mark, p.preview-mark -> DRAFT or PREVIEW, boxed in red
  header.letterhead            -> letterhead paragraphs (skipped when a reference DOCX brings its own)
  .running-footer              -> the page footer, followed by "Page X of Y" fields (docx_page)
  img                          -> picture (a data: PNG, or a local file)
  .pdf-only                    -> skipped (layout helpers that mean nothing in Word)
The house style is docx_style's. The file is byte-identical for the same inputs: fixed core-property dates
and zip entry timestamps.
"""

from __future__ import annotations

import base64
import datetime as dt
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlparse

from compliance.documents import docx_page, docx_style
from compliance.documents.docx_runs import INLINE_TAGS, SKIPPED_TAGS, Run, add_run, html_classes, runs, runs_of
from compliance.documents.docx_tables import add_seal_box, add_table


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
        self.has_letterhead = bool(self.reference_docx) and docx_page.has_letterhead(document)
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        if not self.reference_docx:
            docx_style.house_style(document)
        labels = [_clause_label(clause) for clause in root.body.iter("div") if "clause" in html_classes(clause)]
        # Word numbers the clauses itself when they run 1., 2., 3. ...; other labels ('6.1') stay text
        self.num_id = docx_style.clause_numbering(document) if docx_style.is_plain_sequence(labels) else None
        self.bookmarks = 0
        section = document.sections[-1]
        self.text_width = int((section.page_width - section.left_margin - section.right_margin) / 635)  # twips
        footer = root.find_class("running-footer")
        docx_page.add_footer(document, footer[0] if footer else None)
        for child in root.body:
            self._block(child, container=document, indent=0)
        meta = {m.get("name"): m.get("content") or "" for m in root.iter("meta") if m.get("name")}
        docx_page.set_core_properties(document, created, title, meta)
        out = BytesIO()
        document.save(out)
        return docx_style.finish_package(out.getvalue(), created)

    # --- what docx_tables calls back -----------------------------------------------------------------
    def style_id(self, name):
        """The style id for a style name, or None when the document lacks it (it takes Normal then)."""
        if name is None:
            return None
        if name not in self._style_ids:
            try:
                self._style_ids[name] = self.document.styles[name].style_id
            except KeyError:
                self._style_ids[name] = None  # a reference DOCX without this style
        return self._style_ids[name]

    def add_contents(self, element, *, container, indent: int) -> None:
        """A container's children: block children convert one by one, inline content between them becomes
        paragraphs."""
        pending: list = []  # inline content between block children

        def flush() -> None:
            if pending:
                found = runs_of(pending)
                if any(run.text.strip() or run.is_break for run in found):
                    self._paragraph_from_runs(container, found, classes=html_classes(element), indent=indent)
                pending.clear()

        if element.text and element.text.strip():
            pending.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in INLINE_TAGS and not (html_classes(child) & {"running-footer", "pdf-only", "sig-line"}):
                pending.append(child)
            else:
                flush()
                self._block(child, container=container, indent=indent)
            if child.tail and child.tail.strip():
                pending.append(child.tail)
        flush()

    # --- blocks --------------------------------------------------------------------------------------
    def _block(self, element, *, container, indent: int) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        element_classes = html_classes(element) if tag else set()
        if not tag or tag in SKIPPED_TAGS or element_classes & {"running-footer", "pdf-only"}:
            return
        if "letterhead" in element_classes and self.has_letterhead:
            return
        if tag in ("h1", "h2", "h3", "h4"):
            style = {"h1": "Title", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 3"}[tag]
            self._paragraph(container, element, style=style, classes=element_classes, indent=indent)
        elif tag == "p" and element_classes & {"draft-mark", "preview-mark"}:
            self._draft_mark(container, element)
        elif tag == "p":
            self._paragraph(container, element, classes=element_classes, indent=indent)
        elif "clause" in element_classes:
            self._clause(element, container=container, indent=indent)
        elif "sig-line" in element_classes:
            self._signature_line(container, " ".join(element.text_content().split()))
        elif "chop" in element_classes:
            add_seal_box(self, container, " ".join(element.text_content().split()))
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in element:
                if getattr(item, "tag", None) == "li":
                    self._paragraph(container, item, style=style, classes=html_classes(item), indent=indent)
        elif tag == "table":
            add_table(self, element, container=container, classes=element_classes, indent=indent)
        elif tag == "img":
            self._image(container, element)
        elif tag == "br":
            return
        else:  # div, section, header, footer, blockquote...: text directly inside becomes a paragraph
            self.add_contents(element, container=container, indent=indent + ("indent" in element_classes))

    def _clause(self, element, *, container, indent: int) -> None:
        """A numbered clause: the number hangs; everything after its first paragraph is indented."""
        body = next((c for c in element if "clause-body" in html_classes(c)), None)
        label = _clause_label(element)
        blocks = [c for c in body] if body is not None else []
        first = True
        inline_text = body is not None and (body.text or "").strip()
        if inline_text or not blocks or blocks[0].tag != "p":
            # the body is inline content: one paragraph carrying the number
            found = runs(body) if body is not None else []
            paragraph = self._paragraph_from_runs(container, found, indent=indent, label=label)
            self._anchor(paragraph, element)
            return
        for child in blocks:
            if first and child.tag == "p":
                paragraph = self._paragraph_from_runs(container, runs(child), classes=html_classes(child),
                                                      indent=indent, label=label)
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
        return self._paragraph_from_runs(container, runs(element), style=style, classes=classes, indent=indent)

    def _paragraph_from_runs(self, container, found: list[Run], *, style=None, classes=(), indent: int = 0,
                             label: str = ""):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        paragraph = container.add_paragraph()
        style_id = self.style_id(style)
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
            add_run(paragraph, Run(label + "\t"))
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
        for run in found:
            added = add_run(paragraph, run)
            if added is not None and point:
                added.font.size = Pt(point)
            if added is not None and "sender" in classes:
                added.bold = True
        if "sender-detail" in classes:
            fmt.space_after = Pt(4)
        return paragraph

    def _signature_line(self, container, text: str = "") -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        paragraph = container.add_paragraph()
        if text:  # a preview's line: it says so where a signature would go
            run = paragraph.add_run(text)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(8), RGBColor(0xAA, 0, 0)
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
        """DRAFT (or PREVIEW) above the letterhead: boxed, red and bold, as the PDF shows it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        paragraph = self._paragraph(container, element)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        docx_style.box_paragraph(paragraph, "AA0000")
        for run in paragraph.runs:
            run.bold, run.font.size, run.font.color.rgb = True, Pt(9), RGBColor(0xAA, 0, 0)

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


def _clause_label(element) -> str:
    number = next((c for c in element if "clause-num" in html_classes(c)), None)
    return " ".join(number.text_content().split()) if number is not None else ""
