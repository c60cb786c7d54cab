"""OCR of only the pages that matter (issue 12).

A scanned annual report can have 150 pages, and reading every page whole costs minutes. So there is first a
cheap pass: the top band of each scanned page (where titles sit) at low resolution. It finds the report's
title page and the statement titles. Then only these pages are read whole at reading resolution: the
report, from its title or opening words to its signature block; each page whose band names an income
statement; and the page after a balance sheet (the income statement starts there or further down). Every
page is OCR'd at most once at each resolution. The page texts built from OCR feed the same finders as the
text layer, and its words feed the same statement reader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextvars import ContextVar

from compliance.extract import ocr, scan, special_report
from compliance.extract.layout import PageWords, group_rows, joined_words
from compliance.extract.pdfio import TextPass
from compliance.extract.section import LONGEST_REPORT, has_opening, has_signature
from compliance.extract.statement_pages import titles_on
from compliance.values.text import compact

_REPORT_MARK = re.compile(r"审计报告|auditor'?s'?report|reportofindependent|我们审计了|wehaveaudited", re.I)
_SPECIAL_MARK = re.compile(r"专项审核报告|专项审计报告|我们审核了")  # a special audit report (special_report.py)
_SPECIAL_STATEMENT_PAGES = 2  # pages of management's statement read after a special report's signature
_BALANCE_MARK = re.compile(r"资产负债表|balancesheet|statementoffinancialposition", re.I)
MAX_WHOLE_PAGES = 12  # pages read whole per file at most: the report and its statements fit

# Where OCR stands, for a person waiting on a scan (the desk): ("finding", bands read, scanned pages) during
# the cheap pass, then ("reading", 1-based page, pages read whole so far) for each page read whole.
READING_PROGRESS: ContextVar[Callable[[str, int, int], None] | None] = ContextVar("reading_progress",
                                                                                   default=None)


def text_of(words) -> str:
    """Words as the text layer gives them: one line per printed row, left to right."""
    return "\n".join(row.text for row in group_rows(list(words)))


class ScannedPages:
    """The pages of one open document that need OCR, and what OCR read on them."""

    def __init__(self, document, text: TextPass) -> None:
        self.document = document
        self.indexes = [index for index, page in enumerate(text.pages) if scan.needs_ocr(page)]
        self.whole: dict[int, list[ocr.OcrWord]] = {}
        self.images: dict[int, scan.PageImage] = {}
        self.confirming: dict[int, scan.PageImage] = {}  # the same pages at the confirming resolution

    def __contains__(self, index: int) -> bool:
        return index in self.indexes

    def band(self, index: int) -> str:
        return self.bands([index])[index]

    def bands(self, indexes: list[int]) -> dict[int, str]:
        """The top band's text of each page (rendered here, one at a time: PDFium is not thread-safe; read
        by OCR on every core)."""
        images = [scan.render(self.document, index, scan.BAND_DPI, band=scan.BAND_SHARE) for index in indexes]
        tell = READING_PROGRESS.get()
        each_done = (lambda done: tell("finding", done, len(indexes))) if tell else None
        read = ocr.recognise_each([(image.pixels, image.points_per_pixel) for image in images], kind="band",
                                  each_done=each_done)
        return {index: text_of(words) for index, words in zip(indexes, read, strict=True)}

    def read_whole(self, index: int) -> list[ocr.OcrWord]:
        if index not in self.whole:
            tell = READING_PROGRESS.get()
            if tell:
                tell("reading", index + 1, len(self.whole) + 1)
            image = scan.render(self.document, index, scan.READING_DPI)
            self.images[index] = image
            self.whole[index] = ocr.recognise(image.pixels, image.points_per_pixel)
        return self.whole[index]

    def words(self, index: int) -> PageWords:
        return PageWords(joined_words(list(self.read_whole(index))), 0)

    def confirm(self, index: int, box: tuple[float, float, float, float]) -> tuple[str, float] | None:
        """The figure at `box` (points, on the deskewed page) read again from a rendering at another
        resolution: an independent second reading of the same print."""
        first = self.images.get(index)
        if first is None:
            return None
        if index not in self.confirming:
            self.confirming[index] = scan.render(self.document, index, scan.CONFIRM_DPI, angle=first.rotation)
        image = self.confirming[index]
        x0, top, x1, bottom = (value / image.points_per_pixel for value in box)
        pad = (bottom - top) * 0.4
        rows, cols = image.pixels.shape
        crop = image.pixels[max(0, int(top - pad)):min(rows, int(bottom + pad) + 1),
                            max(0, int(x0 - pad)):min(cols, int(x1 + pad) + 1)]
        return ocr.recognise_line(crop) if crop.size else None

    def to_page(self, index: int, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box on the deskewed page back on the page as scanned (for the evidence picture)."""
        image = self.images.get(index)
        if image is None or not image.rotation:
            return box
        rows, cols = image.pixels.shape
        centre_x, centre_y = cols / 2 * image.points_per_pixel, rows / 2 * image.points_per_pixel
        angle = math.radians(image.rotation)
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        turned = []
        for x, y in corners:  # the inverse of cv2's rotation matrix [[cos, sin], [-sin, cos]] about the centre
            dx, dy = x - centre_x, y - centre_y
            turned.append((centre_x + dx * math.cos(angle) - dy * math.sin(angle),
                           centre_y + dx * math.sin(angle) + dy * math.cos(angle)))
        xs, ys = [point[0] for point in turned], [point[1] for point in turned]
        return min(xs), min(ys), max(xs), max(ys)


def ocr_pass(scans: ScannedPages, text: TextPass) -> None:
    """Replace the text of the scanned pages that matter by their OCR (see the module docstring)."""
    if not scans.indexes:
        return
    bands = scans.bands(scans.indexes)
    for index, band in bands.items():
        text.pages[index] = band
    budget = [MAX_WHOLE_PAGES]

    def read(index: int) -> None:
        if index in scans and index not in scans.whole and budget[0] > 0:
            budget[0] -= 1
            text.pages[index] = text_of(scans.read_whole(index))

    pages = len(text.pages)
    for index in range(pages):
        if index in bands and _REPORT_MARK.search(compact(bands[index]).lower()):
            read(index)
        if has_opening(text.pages[index]):
            for later in range(index, min(index + LONGEST_REPORT, pages)):
                read(later)
                if has_signature(text.pages[later]):
                    break
            break
    for index, band in bands.items():  # a special audit report: its title page to its signature, whole
        if _SPECIAL_MARK.search(compact(band)):
            signed_at = None
            for later in range(index, min(index + LONGEST_REPORT, pages)):
                if signed_at is not None and later > signed_at + _SPECIAL_STATEMENT_PAGES:
                    break
                read(later)  # to the signature, then management's statement with the table after it
                if signed_at is None and special_report.signed(text.pages[later]):
                    signed_at = later
            break
    titled = [index for index, band in bands.items() if titles_on(index, band)]
    for index in titled:
        read(index)
    if not titled:  # no income-statement title at the top of a page: it starts lower, after the balance sheet
        for index, band in bands.items():
            if _BALANCE_MARK.search(compact(band).lower()):
                read(index)
                if index + 1 < pages:
                    read(index + 1)
