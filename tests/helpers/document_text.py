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
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def squash(text: str) -> str:
    """Whitespace runs (line breaks of the layout) to single spaces."""
    return " ".join(text.split())
