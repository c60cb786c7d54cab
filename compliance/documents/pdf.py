"""HTML -> PDF/A-2b with WeasyPrint, reusing one FontConfiguration, with fixed metadata.

The layout step also reports where each signature line landed (page and box in PDF points), so that the
signature fields sit exactly over the lines a signatory signs on.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PX_TO_PT = 0.75  # CSS px are 1/96 in; PDF points are 1/72 in
SIGNATURE_ATTRIBUTE = "data-signature-field"


@dataclass(frozen=True)
class SignatureSpot:
    """Where a signature line sits: page index (0-based) and box (llx, lly, urx, ury) in PDF points."""

    field_name: str
    page: int
    box: tuple[float, float, float, float]


class PdfMaker:
    """Lays out HTML and writes PDF/A-2b bytes; hold one per batch (the font configuration is reused)."""

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()

    def layout(self, html: str, base_url: Path):
        from weasyprint import HTML

        return HTML(string=html, base_url=str(base_url)).render(
            font_config=self.font_config, pdf_variant="pdf/a-2b"
        )

    def write(self, document, *, created: dt.date, title: str | None = None) -> bytes:
        # Fixed dates from the as-of date: the same inputs give the same bytes (no hidden clock).
        stamp = f"{created.isoformat()}T00:00:00Z"
        document.metadata.created = stamp
        document.metadata.modified = stamp
        document.metadata.generator = "compliance"
        if title:
            document.metadata.title = title
        with _font_timestamps_from(created):
            return document.write_pdf(pdf_variant="pdf/a-2b", pdf_identifier=None)


@contextmanager
def _font_timestamps_from(created: dt.date):
    """Where HarfBuzz's subsetter is missing, WeasyPrint subsets fonts with fontTools, which stamps each
    embedded font with the current time unless SOURCE_DATE_EPOCH is set: pin it to the as-of date."""
    epoch = str(int(dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC).timestamp()))
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def signature_spots(document) -> list[SignatureSpot]:
    """Every element carrying data-signature-field (the signing space whose bottom border is the line):
    the field covers that space, its lower edge on the line."""
    spots: list[SignatureSpot] = []
    for index, page in enumerate(document.pages):
        page_height = page.height
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) is None:
                continue
            name = element.get(SIGNATURE_ATTRIBUTE)
            if not name or any(spot.field_name == name for spot in spots):
                continue
            left = box.border_box_x() * PX_TO_PT
            right = (box.border_box_x() + box.border_width()) * PX_TO_PT
            top = (page_height - box.border_box_y()) * PX_TO_PT
            bottom = (page_height - (box.border_box_y() + box.border_height())) * PX_TO_PT
            spots.append(SignatureSpot(name, index, (left, bottom, right, top)))
    return spots
