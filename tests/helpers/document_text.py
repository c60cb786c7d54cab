"""The text a reader sees in a rendered PDF (PDFium) or DOCX (paragraphs, then table cells), for assertions."""

from __future__ import annotations

from pathlib import Path


def pdf_text(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def docx_text(path: Path) -> str:
    """Every paragraph in reading order, tables (and a table inside a cell) included, fields' shown text too;
    a clause Word numbers itself gets its number as Word shows it ("3.")."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    parts, numbers = [], {}
    for paragraph in document.element.body.iter(qn("w:p")):
        shown = {qn("w:t"): None, qn("w:br"): "\n", qn("w:tab"): "\t"}
        text = "".join((node.text or "") if shown[node.tag] is None else shown[node.tag]
                       for node in paragraph.iter(*shown))
        num_id = paragraph.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if num_id:
            numbers[num_id[0]] = numbers.get(num_id[0], 0) + 1
            text = f"{numbers[num_id[0]]}. {text}"
        parts.append(text)
    return "\n".join(parts)


def squash(text: str) -> str:
    """Whitespace runs (line breaks of the layout) to single spaces."""
    return " ".join(text.split())
