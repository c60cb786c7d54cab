"""Opening a finished PDF for an incremental update (pyHanko) without breaking its PDF/A-2b metadata.

PDF/A-2b (ISO 19005-2, 6.6.2.3.1) requires the document information dictionary and the XMP packet to
agree. pyHanko's incremental writer sets /Producer and /ModDate in the information dictionary to "now" and
rewrites the XMP packet its own way, so the two no longer match. The writer here leaves both as they were:
the update (a signature field, a signature) records its own time where PDF says it belongs.
"""

from __future__ import annotations

from io import BytesIO


class PdfUnusable(ValueError):
    """Bytes that are not a PDF we can update or read signatures from; str() is one plain sentence."""


def metadata_keeping_writer(pdf: bytes):
    """An IncrementalPdfFileWriter over `pdf` that never touches /Info or the XMP packet.
    Raises PdfUnusable for bytes that are not a PDF, or an encrypted PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class _MetadataKeepingWriter(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:  # keep /Info and XMP as they were, so they keep agreeing
            return None

    read_pdf(pdf)  # the same refusals as a reader, before pyHanko's writer raises its own
    return _MetadataKeepingWriter(BytesIO(pdf), strict=False)


def read_pdf(pdf: bytes):
    """A PdfFileReader over `pdf`; raises PdfUnusable for bytes that are not a PDF, or an encrypted PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not pdf.lstrip()[:5] == b"%PDF-":
        raise PdfUnusable("it is not a PDF (it does not start with %PDF-)")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        reader.root  # noqa: B018 (parse the catalog now: a broken file fails here, not midway)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PdfUnusable(f"it is not a readable PDF ({' '.join(str(exc).split()) or exc.__class__.__name__})") \
            from None
    if reader.encrypted:
        raise PdfUnusable("it is encrypted; the letters are never encrypted, so this is not one of them")
    return reader
