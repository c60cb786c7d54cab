"""Scanned pages: which pages need OCR, and each page's image cleaned for it.

A page needs OCR when it has no text layer, or when its text layer is junk: an earlier OCR's text that
does not match what the page shows. That is decided from the text itself: a replacement character (�), or
years and amounts with letters in place of digits (ZOq5年, 20I5, 1IO,221.68), the marks of a bad OCR layer.

Cleaning, before recognition: the red seal is whitened (a pixel well redder than it is green and blue),
keeping the black text under it (dark pixels stay, whatever their hue); then the page is deskewed (scans
are turned by a degree or two), measured from the dark pixels' bounding rectangle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_JUNK_TOKEN = re.compile(r"(?<![A-Za-z])(?=[0-9OIlZSt]{4}年)(?=[^年]*[OIlZSt])[0-9OIlZSt]{4}年|"
                         r"(?<![A-Za-z])20[0-9]?[IlOt][0-9Il]?\b|\b\d{1,3}[IlO]{1,2}[,，]\d{3}")
_MIN_TEXT = 20  # characters: fewer, and the page is an image with perhaps a page number
READING_DPI = 200
CONFIRM_DPI = 300  # the second, independent reading of an OCR figure (another sampling of the print)
BAND_DPI = 72
BAND_SHARE = 0.14  # the cheap pass reads the top of the page, where titles are


def needs_ocr(text: str) -> bool:
    squeezed = "".join(text.split())
    if len(squeezed) < _MIN_TEXT:
        return True
    return "\ufffd" in text or len(_JUNK_TOKEN.findall(text)) >= 2


@dataclass(frozen=True)
class PageImage:
    pixels: object  # numpy array, grey, uint8
    points_per_pixel: float
    rotation: float  # degrees the scan was turned back by (deskew)


def render(document, index: int, dpi: int, *, band: float | None = None, angle: float | None = None) -> PageImage:
    """Page `index` at `dpi`, seal whitened and deskewed (by `angle` when given, as measured on another
    rendering); the top `band` share of it only, not deskewed, for the cheap pass."""
    import numpy as np

    page = document[index]
    try:
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        page.close()
    if band is not None:
        image = image.crop((0, 0, image.width, max(1, int(image.height * band))))
    grey = _without_seal(np.asarray(image).astype(np.int16))
    turned = 0.0
    if band is None:
        grey, turned = _deskewed(grey, angle)
    return PageImage(grey, 72 / dpi, turned)


def _without_seal(rgb):
    """Grey image with red ink whitened and dark ink kept (text under a seal is darker than the seal)."""
    import numpy as np

    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    grey = (0.299 * red + 0.587 * green + 0.114 * blue).astype(np.uint8)
    seal = (red - np.maximum(green, blue) > 50) & (red > 120)
    dark = grey < 90
    grey[seal & ~dark] = 255
    return grey


_ANGLES = [step / 4 for step in range(-16, 17)]  # -4 to 4 degrees by a quarter


def _deskewed(grey, angle: float | None = None):
    """The page turned upright: the angle at which its rows of ink are sharpest (the variance of the ink
    per row is largest), tried from -4 to 4 degrees on a small copy; noise specks do not move it."""
    import cv2
    import numpy as np

    if angle is not None:
        return _turned(grey, angle), angle
    scale = 800 / max(grey.shape)
    small = cv2.resize(255 - grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA).astype(np.float32)
    rows, cols = small.shape

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D((cols / 2, rows / 2), angle, 1.0)
        turned = cv2.warpAffine(small, matrix, (cols, rows), flags=cv2.INTER_LINEAR, borderValue=0)
        return float(np.var(turned.sum(axis=1)))

    best = max(_ANGLES, key=lambda candidate: (sharpness(candidate), -abs(candidate)))
    return _turned(grey, best), float(best)


def _turned(grey, angle: float):
    import cv2

    if not angle:
        return grey
    rows, cols = grey.shape
    matrix = cv2.getRotationMatrix2D((cols / 2, rows / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (cols, rows), flags=cv2.INTER_LINEAR, borderValue=255)
