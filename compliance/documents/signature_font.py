"""The font a signature's appearance is set in: Noto Serif CJK SC, the letters' own font, embedded.

PDF/A-2b (ISO 19005-2, 6.2.11.4) requires every font to be embedded; pyHanko's default appearance uses
Courier without embedding it. pyHanko's OpenType engine embeds a subset, but reads one font per file, and
Debian ships Noto CJK as a collection (.ttc): the SC face is taken out of the collection once per process.
The font is found as WeasyPrint finds it for the letters, through fontconfig (`fc-match`).
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from io import BytesIO

FAMILY = "Noto Serif CJK SC"  # templates/letter.css sets the letters in this family


class FontMissing(RuntimeError):
    """The letters' font is not installed; str() says how to install it."""


def signature_font_engine(font_size: int = 8):
    """A pyHanko FontEngineFactory for the letters' font (embedded as a subset); FontMissing when it is not
    installed."""
    _font_bytes()  # find the font now: a missing one is refused before any key is opened
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    @dataclass(frozen=True)
    class _CollectionFaceFactory(FontEngineFactory):
        size: int

        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=BytesIO(_font_bytes()), font_size=self.size,
                                    obj_stream=obj_stream)

    return _CollectionFaceFactory(font_size)


@functools.cache
def _font_bytes() -> bytes:
    """The face as a standalone OpenType file (the subsetter changes its in-memory copy, never these bytes)."""
    from fontTools import ttLib

    path, index = _locate()
    font = ttLib.TTFont(path, fontNumber=index, lazy=True) if path.endswith((".ttc", ".otc")) \
        else ttLib.TTFont(path, lazy=True)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def _locate() -> tuple[str, int]:
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", FAMILY],
                               capture_output=True, text=True, timeout=30, check=True).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        found = []
    if len(found) != 3 or FAMILY not in found[0].split(","):
        raise FontMissing(f"the font {FAMILY} is not installed (Debian: apt-get install fonts-noto-cjk, or "
                          "`make fonts`); the signature appearance must embed the letters' font")
    return found[1], int(found[2] or 0)
