"""Text normalisation: one place that decides what counts as "the same text" (the extractor, and the contract
when it compares a firm's name).

PDF text arrives with full-width forms (（）０-９，), odd minus signs, curly quotes, ideographic spaces and
labels spaced out glyph by glyph. Everything else compares normalised text only.

A PDF's text may also carry control characters and the bidirectional overrides and isolates that reorder what a
reader sees (U+202E prints the rest of a line backwards): the extractor removes them (`without_hidden`) before it
reads anything, and keeps the raw text only as escaped evidence (`escaped`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from compliance.values.variants import TRADITIONAL

# Minus and dash look-alikes that a statement may print before a negative figure.
_MINUSES = dict.fromkeys(map(ord, "\u2212\u2012\u2013\u2014\u2010\u2011\ufe63\uff0d\u2796"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201b\u2032\u00b4\u0060"), "'")
_DQUOTES = dict.fromkeys(map(ord, "\u201c\u201d\u201e\u2033"), '"')
_SPACE = re.compile(r"\s+")
# Full-width brackets that NFKC leaves alone (lenticular, tortoise-shell) and their half-width readings.
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]", "〈": "<", "〉": ">"})


# Traditional Chinese characters read as their Simplified forms (values/variants.py: 綜合損益表 == 综合损益表).
_TABLE = str.maketrans({**_MINUSES, **_QUOTES, **_DQUOTES, **TRADITIONAL})

# C0 and C1 controls except tab, line feed and carriage return (PDFium ends its lines with \r\n), DEL, and the
# bidirectional marks, embeddings, overrides and isolates. The same set the contract file refuses.
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPED = re.compile("\\\\|" + HIDDEN.pattern)


def without_hidden(text: str) -> str:
    """The text without control and bidirectional characters (what is stored and shown of a PDF's text)."""
    return HIDDEN.sub("", text)


def escaped(text: str) -> str:
    """The text with each control or bidirectional character as a visible escape (\\x07, \\u202e) and each
    backslash doubled: the raw text as evidence, unambiguous and harmless to print."""
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\\":
            return "\\\\"
        return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"

    return _ESCAPED.sub(escape, text)


# Cached: the same page and line texts are normalised by several readers in one pass.
@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """NFKC (full-width digits, letters, brackets, punctuation -> ASCII), one kind of minus and quote, and
    Traditional Chinese as Simplified (values/variants.py)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_TABLE)


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """Normalised text without any whitespace: '营 业 收 入' -> '营业收入' (for Chinese labels)."""
    return _SPACE.sub("", normalize(text))


@lru_cache(maxsize=4096)
def single_spaced(text: str) -> str:
    """Normalised text with runs of whitespace collapsed to one space (for English phrases)."""
    return _SPACE.sub(" ", normalize(text)).strip()


def name_key(name: str) -> str:
    """A company or firm name as compared with the contract: full-width/half-width brackets and spaces
    normalised away, case ignored ('（特殊普通合伙）' == '(特殊普通合伙)')."""
    return compact(name).translate(_BRACKETS).casefold()
