"""Mark runs of Chinese text in rendered HTML so the PDF sets them with CJK typography.

The letters use Noto Serif CJK SC for everything, with proportional Latin punctuation ("pwid"): without
it the font sets ’ and “ ” full-width. Chinese text must keep full-width forms, or （ ） would become ASCII
brackets and the PDF text would no longer round-trip. Every run of CJK characters in the text (never in
attributes, <title> or <style>) is therefore wrapped in <span class="cjk">, which letter.css resets.
"""

from __future__ import annotations

from compliance.values.cjk import CJK_RUN

_SKIP = {"head", "title", "style", "script"}


def mark_cjk(html: str) -> str:
    if not CJK_RUN.search(html):
        return html
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag in _SKIP or _inside_skipped(element):
            continue
        if element.get("class") == "cjk":
            continue
        _wrap_text(element)
        _wrap_tail(element)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def _inside_skipped(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in _SKIP:
            return True
        parent = parent.getparent()
    return False


def _pieces(text: str):
    """Split text into (is_cjk, piece) pairs."""
    position = 0
    for match in CJK_RUN.finditer(text):
        if match.start() > position:
            yield False, text[position:match.start()]
        yield True, match.group()
        position = match.end()
    if position < len(text):
        yield False, text[position:]


def _span(text: str):
    import lxml.html

    span = lxml.html.Element("span")
    span.set("class", "cjk")
    span.text = text
    return span


def _wrap_text(element) -> None:
    text = element.text
    if not text or not CJK_RUN.search(text):
        return
    pieces = list(_pieces(text))
    element.text = None
    index = 0
    last = None
    for is_cjk, piece in pieces:
        if is_cjk:
            last = _span(piece)
            element.insert(index, last)
            index += 1
        elif last is None:
            element.text = piece
        else:
            last.tail = piece


def _wrap_tail(element) -> None:
    tail = element.tail
    parent = element.getparent()
    if not tail or parent is None or not CJK_RUN.search(tail):
        return
    element.tail = None
    anchor = element
    for is_cjk, piece in _pieces(tail):
        if is_cjk:
            span = _span(piece)
            anchor.addnext(span)
            anchor = span
        else:
            anchor.tail = (anchor.tail or "") + piece
