"""Inline HTML -> Word runs: bold, italic, underline, small caps and placeholder marks, HTML's whitespace
rules, line breaks, cross-references to clauses (REF fields), and the East Asian font on Chinese text.

  b/strong/.bold -> bold; i/em/cite/.italic -> italic; u -> underline; .smallcaps -> small caps
  .placeholder   -> highlighted (text still to be completed)
  a.xref[href=#id] -> a Word REF field to the clause's bookmark
Runs with Chinese characters get the East Asian font (w:eastAsia) so that Word shows Chinese, not boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from compliance.documents import docx_style
from compliance.documents.docx_style import CJK_FONT
from compliance.values.cjk import CJK_RUN

_SPACE = re.compile(r"[ \t\r\n\f]+")
INLINE_TAGS = {"b", "strong", "i", "em", "u", "span", "a", "small", "sup", "sub", "br", "code", "abbr", "cite"}
SKIPPED_TAGS = {"script", "style", "head", "title", "meta", "link"}


@dataclass
class Run:
    text: str
    marks: frozenset = field(default_factory=frozenset)
    is_break: bool = False
    xref: str | None = None  # a cross-reference to a clause: a Word REF field to its bookmark


def html_classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def runs(element) -> list[Run]:
    """The runs of an element's own text, its inline children and their tails."""
    items: list = []
    if element.text:
        items.append(element.text)
    for child in element:
        items.append(child)
        if child.tail:
            items.append(child.tail)
    return runs_of(items)


def runs_of(items) -> list[Run]:
    """The runs of a sequence of text pieces and inline elements, whitespace collapsed as HTML does."""
    found: list[Run] = []

    def walk(node, marks: frozenset) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in SKIPPED_TAGS:
            return
        node_classes = html_classes(node)
        if node_classes & {"running-footer", "pdf-only"}:
            return
        if tag == "br":
            found.append(Run("", marks, is_break=True))
            return
        if "xref" in node_classes and (node.get("href") or "").startswith("#"):
            found.append(Run(node.text_content(), marks, xref=docx_style.bookmark_name(node.get("href")[1:])))
            return
        own = set(marks)
        if tag in ("b", "strong") or "bold" in node_classes:
            own.add("b")
        if tag in ("i", "em", "cite") or "italic" in node_classes:
            own.add("i")
        if tag == "u":
            own.add("u")
        if "placeholder" in node_classes:
            own.add("placeholder")
        if "smallcaps" in node_classes:
            own.add("smallcaps")
        own_marks = frozenset(own)
        if node.text:
            found.append(Run(node.text, own_marks))
        for child in node:
            walk(child, own_marks)
            if child.tail:
                found.append(Run(child.tail, own_marks))

    for item in items:
        if isinstance(item, str):
            found.append(Run(item))
        else:
            walk(item, frozenset())
    return _collapse(found)


def add_run(paragraph, run: Run):
    """Append one run to a paragraph; the python-docx run, or None for a break or a field (no text to size)."""
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


def _collapse(runs: list[Run]) -> list[Run]:
    """HTML whitespace rules: runs of spaces become one; none at the start or end of a paragraph."""
    out: list[Run] = []
    previous_space = True
    for run in runs:
        if run.is_break:
            if out and not out[-1].is_break:
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(run)
            previous_space = True
            continue
        text = _SPACE.sub(" ", run.text)
        if previous_space:
            text = text.lstrip(" ")
        if not text:
            continue
        previous_space = text.endswith(" ")
        out.append(Run(text, run.marks, xref=run.xref))
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
