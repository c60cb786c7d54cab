"""Chinese text, recognised the same way everywhere.

HAN: a Chinese (CJK unified) character, the test for "this text is Chinese" when reading reports.
CJK_RUN: a run of characters a CJK font must set (Han, kana, CJK punctuation and full-width forms), for
typesetting the letters in PDF and DOCX.
"""

from __future__ import annotations

import re

HAN_CHARS = r"\u3400-\u9fff"  # for a character class inside a larger pattern: f"[{HAN_CHARS}·]"
HAN = re.compile(f"[{HAN_CHARS}]")
CJK_RUN = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
