"""The evidence picture: a PNG of the part of the statement page around the figure, the figure boxed.

Rendered with pypdfium2 at 2x (144 dpi). Named after the file's sha256 so the same report always gives the
same picture, written atomically (values.files) so a reader never sees half a file.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from compliance.values.files import atomic_write_bytes

_SCALE = 2  # pixels per point
_MARGIN_ABOVE = 36  # points of context above the column headers (or the line)
_MARGIN_BELOW = 48
_BOX = (200, 0, 0)


def write_png(document, page_number: int, figure_box: tuple[Decimal, ...], line_top: float,
              header_top: float | None, out_dir: Path, sha256: str, rotation: int = 0) -> str:
    """Render page `page_number` (1-based) of the open pypdfium2 document (turned `rotation` degrees
    clockwise, as it was read), crop from above the column headers to below the line, box the figure, and
    write <out_dir>/<sha256>.png; returns its path."""
    from PIL import ImageDraw

    page = document[page_number - 1]
    try:
        image = page.render(scale=_SCALE, rotation=rotation).to_pil().convert("RGB")
    finally:
        page.close()
    x0, top, x1, bottom = (float(value) for value in figure_box)  # positions only, never money
    upper = min(header_top if header_top is not None and line_top - header_top < 300 else line_top, top)
    band_top = max(0, int((upper - _MARGIN_ABOVE) * _SCALE))
    band_bottom = min(image.height, int((bottom + _MARGIN_BELOW) * _SCALE))
    draw = ImageDraw.Draw(image)
    pad = 3
    draw.rectangle([(x0 - pad) * _SCALE, (top - pad) * _SCALE, (x1 + pad) * _SCALE, (bottom + pad) * _SCALE],
                   outline=_BOX, width=3)
    crop = image.crop((0, band_top, image.width, max(band_bottom, band_top + 1)))
    target = out_dir / f"{sha256}.png"
    png = io.BytesIO()
    crop.save(png, format="PNG", optimize=False)
    atomic_write_bytes(target, png.getvalue())
    return str(target)
