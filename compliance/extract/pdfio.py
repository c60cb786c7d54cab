"""Opening a PDF safely and the one fast text pass (pypdfium2) over all its pages.

Every way a file can be unreadable becomes a Rejected(problem): missing, empty, not a PDF, truncated or
otherwise damaged, encrypted, over the size or page limits, or without a text layer.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from compliance.extract.model import Limits
from compliance.extract.problems import Rejected, problem
from compliance.values.digest import sha256_file
from compliance.values.text import without_hidden

_HEADER_WINDOW = 1024  # PDF readers accept the %PDF- header anywhere in the first kilobyte
_TRAILER_WINDOW = 2048  # ... and the %%EOF marker near the end (trailing junk is common)
_MIN_TEXT_CHARS = 20  # below this, across all pages, there is no text layer worth the name

# PDFium's FPDF_GetLastError codes (fpdfview.h)
_ERR_FILE, _ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 2, 3, 4, 5


def sha256_of(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def check_path(path: Path) -> None:
    """The path names a regular file we may read."""
    try:
        path.stat()
    except FileNotFoundError:
        raise Rejected(problem("not_found")) from None
    except OSError as exc:
        raise Rejected(problem("unreadable", reason=exc.strerror or exc.__class__.__name__)) from None
    if path.is_dir():
        raise Rejected(problem("not_a_file"))


def read_file(path: Path, limits: Limits) -> bytes:
    """The file's bytes, read once: everything after this (its sha256, every parser) uses these bytes, so a
    file replaced while it is read can never lend its figures to another file's hash."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Rejected(problem("unreadable", reason=exc.strerror or exc.__class__.__name__)) from None
    if size > limits.max_bytes:
        raise Rejected(problem("too_large", size_mb=_mb(size), limit_mb=_mb(limits.max_bytes)))
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)  # never more than the limit, even if it grows meanwhile
    except OSError as exc:
        raise Rejected(problem("unreadable", reason=exc.strerror or exc.__class__.__name__)) from None
    if len(data) > limits.max_bytes:
        raise Rejected(problem("too_large", size_mb=_mb(len(data)), limit_mb=_mb(limits.max_bytes)))
    return data


def check_bytes(data: bytes) -> None:
    """Cheap checks before any parsing: empty, PDF header and end marker."""
    if not data:
        raise Rejected(problem("empty"))
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise Rejected(problem("not_pdf"))
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise Rejected(problem("corrupt", reason="it lacks the end-of-file marker, so it is probably truncated"))


def _mb(size: int) -> str:
    value = size / (1024 * 1024)  # display only
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}" if value >= 0.1 else f"{value:.3f}"


@contextmanager
def open_pdf(data: bytes, password: str | None) -> Iterator[object]:
    """A pypdfium2 PdfDocument over the bytes read, closed on exit; encryption and damage become Rejected."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == _ERR_PASSWORD:
            detail = ("The PDF is password-protected and the password given does not open it." if password
                      else "The PDF is password-protected; supply the password with --password.")
            raise Rejected(problem("encrypted", detail=detail)) from None
        if code == _ERR_SECURITY:
            detail = "The PDF uses an encryption scheme that cannot be opened."
            raise Rejected(problem("encrypted", detail=detail)) from None
        if code == _ERR_FILE:
            raise Rejected(problem("unreadable", reason="PDFium could not read it")) from None
        raise Rejected(problem("corrupt", reason="its structure could not be parsed")) from None
    try:
        yield document
    finally:
        document.close()


@dataclass
class TextPass:
    """PDFium's text of the pages read so far (index 0 = page 1), lines split by \\r\\n or \\n, without
    control and bidirectional characters; the raw text of a page that held any is kept in `hidden`."""

    pages: list[str]
    total_pages: int
    textless_pages: list[int]  # 1-based numbers of pages without any text
    hidden: list[tuple[int, str]] = field(default_factory=list)  # (1-based page, its raw text) when cleaned

    @property
    def complete(self) -> bool:
        return len(self.pages) == self.total_pages


def start_text(document, limits: Limits) -> TextPass:
    count = len(document)
    if count == 0:
        raise Rejected(problem("corrupt", reason="it has no pages"))
    if count > limits.max_pages:
        raise Rejected(problem("too_many_pages", pages=count, limit=limits.max_pages))
    return TextPass(pages=[], total_pages=count, textless_pages=[])


def read_text(document, text: TextPass, enough: Callable[[int, str], bool] | None = None) -> TextPass:
    """The one fast pass: each page's text once, in order, each page closed as soon as it is read;
    stops early when `enough(index, text)` says the rest is not needed (call again to resume)."""
    for index in range(len(text.pages), text.total_pages):
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                content = textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
        clean = without_hidden(content)  # nothing reads, stores or shows a control or bidi character
        if clean != content:
            text.hidden.append((index + 1, content))
        text.pages.append(clean)
        if not clean.strip():
            text.textless_pages.append(index + 1)
        if enough is not None and enough(index, content):
            break
    return text


def check_has_text(text: TextPass) -> None:
    """A file whose pages, read whole (with OCR where they needed it), give no text is rejected."""
    if text.complete and sum(len("".join(page.split())) for page in text.pages) < _MIN_TEXT_CHARS:
        raise Rejected(problem("no_text_layer"))


def single_page_pdf(document, index: int) -> bytes:
    """Page `index` alone as a small PDF (PDFium copies it verbatim), so that pdfplumber parses one page
    without walking the whole document's page tree; decrypted when the source was."""
    import pypdfium2 as pdfium

    single = pdfium.PdfDocument.new()
    try:
        single.import_pages(document, [index])
        buffer = io.BytesIO()
        single.save(buffer)
        return buffer.getvalue()
    finally:
        single.close()
