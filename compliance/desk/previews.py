"""A checked PDF's pages for the desk: how many it has (the Document page) and each one as a PNG (files.py).
pypdfium2 is imported on first use, so importing the desk stays cheap."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from compliance.desk.requests import Desk, DeskError

PREVIEW_SCALE = 1.4  # about 100 dpi: a page a person can read on screen
_render_lock = threading.Lock()  # pdfium is not thread-safe


def page_count(path: Path) -> int:
    import pypdfium2

    if not path.is_file():
        return 0
    with _render_lock:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def page_png(desk: Desk, path: Path, sha256: str, page: int) -> bytes:
    """Page `page` (1-based) of a checked PDF as a PNG, kept in memory by content (the bytes never change)."""
    import pypdfium2

    key = (sha256, page)
    if key in desk.previews:
        return desk.previews[key]
    with _render_lock:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(pdf):
                raise DeskError(404, f"The document has {len(pdf)} pages; there is no page {page}.")
            image = pdf[page - 1].render(scale=PREVIEW_SCALE).to_pil()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    desk.previews[key] = buffer.getvalue()
    return desk.previews[key]
