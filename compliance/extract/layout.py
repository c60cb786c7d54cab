"""Words and rows of one page, from pdfplumber: the positions the statement reader works on.

Coordinates are pdfplumber's floats (points, origin top-left); they locate text and never carry money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from compliance.values.text import HIDDEN, compact, without_hidden


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Row:
    words: tuple[Word, ...]  # left to right

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def compact(self) -> str:
        return compact("".join(word.text for word in self.words))


@dataclass(frozen=True)
class PageWords:
    words: list[Word]
    rotation: int  # degrees clockwise the page is turned to read it (0, 90 or 270): the evidence picture's


def page_words(page) -> PageWords:
    """pdfplumber words of a page as a reader sees them; x_tolerance keeps glyph-by-glyph placed text in one
    word where close. A sideways page (its text drawn turned by a quarter, a landscape table on a portrait
    page without /Rotate) is read turned upright: its words' positions are those of the page turned."""
    chars = page.chars
    turned = [char for char in chars if not char.get("upright", True)]
    if chars and len(turned) * 2 > len(chars):
        return _sideways_words(page, turned)
    words = page.extract_words(x_tolerance=2, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    return PageWords(_joined_groups([Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]),
                                          float(w["bottom"])) for w in words]), 0)


def _sideways_words(page, turned: list[dict]) -> PageWords:
    width, height = float(page.width), float(page.height)
    upward = sum(1 for char in turned if char["matrix"][1] > 0) * 2 >= len(turned)  # text runs bottom to top
    if upward:  # turned a quarter anticlockwise: read it turned clockwise
        found = page.extract_words(x_tolerance=2, y_tolerance=2, line_dir_rotated="ltr", char_dir_rotated="btt")
        words = [Word(w["text"], height - float(w["bottom"]), height - float(w["top"]), float(w["x0"]),
                      float(w["x1"])) for w in found]
        return PageWords(_joined_groups(words), 90)
    found = page.extract_words(x_tolerance=2, y_tolerance=2, line_dir_rotated="rtl", char_dir_rotated="ttb")
    words = [Word(w["text"], float(w["top"]), float(w["bottom"]), width - float(w["x1"]), width - float(w["x0"]))
             for w in found]
    return PageWords(_joined_groups(words), 270)


_GROUP_HEAD = re.compile(r"^[(（-]?\d{1,3}$")
_GROUP_TAIL = re.compile(r"^\d{3}(?:[.．]\d{1,2})?[)）]?$|^\d{3}$")


_NOTE_HEAD = re.compile(r"^[一二三四五六七八九十]{1,3}[、.]$")
_NOTE_TAIL = re.compile(r"^\d{1,3}$")


def _without_hidden(words: list[Word]) -> list[Word]:
    if not any(HIDDEN.search(word.text) for word in words):
        return words
    cleaned = [replace(word, text=without_hidden(word.text)) for word in words]
    return [word for word in cleaned if word.text]


def _joined_groups(words: list[Word]) -> list[Word]:
    """Words a printed table keeps together, as one word: figures whose thousands are grouped with spaces
    ('1 175 301 034.32', a run of digit groups closer than half the type size; table columns are much
    further apart), and a note reference spaced or OCR'd in two ('五、 30'). Control and bidirectional
    characters are dropped first (a word of nothing else with them)."""
    joined: list[Word] = []
    for word in _without_hidden(words):
        last = joined[-1] if joined else None
        same_line = last is not None and abs(word.middle - last.middle) < 0.3 * word.height
        gap = word.x0 - last.x1 if last is not None else 0.0
        if same_line and _GROUP_TAIL.match(word.text) and _GROUP_HEAD.match(last.text.split(" ")[-1]) \
                and not re.search(r"[.．)）]", last.text) and 0 <= gap < 0.5 * word.height:
            joined[-1] = Word(last.text + " " + word.text, last.x0, word.x1, min(last.top, word.top),
                              max(last.bottom, word.bottom))
        elif same_line and _NOTE_HEAD.match(last.text) and _NOTE_TAIL.match(word.text) and 0 <= gap < word.height:
            joined[-1] = Word(last.text + word.text, last.x0, word.x1, min(last.top, word.top),
                              max(last.bottom, word.bottom))
        else:
            joined.append(word)
    return joined


def joined_words(words: list[Word]) -> list[Word]:
    """Words left to right within each line, with what belongs together joined (see _joined_groups)."""
    return _joined_groups(sorted(words, key=lambda word: (round(word.middle / max(word.height, 1.0)), word.x0)))


def group_rows(words: list[Word]) -> list[Row]:
    """Words whose vertical middles lie within half a line of each other form one printed row."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.x0)):
        if rows:
            current = rows[-1]
            middle = sum(w.middle for w in current) / len(current)
            tolerance = 0.45 * min(word.height, min(w.height for w in current))
            if abs(word.middle - middle) <= max(tolerance, 1.5):
                current.append(word)
                continue
        rows.append([word])
    return [Row(tuple(sorted(row, key=lambda w: w.x0))) for row in rows]


def phrases(row: Row) -> list[Word]:
    """A row's words merged into phrases: neighbours closer than ~0.6 of the type size belong together
    ('Year ended 30 November 2026', '本 期 金 额'); table columns are further apart than that."""
    merged: list[Word] = []
    for word in row.words:
        if merged and word.x0 - merged[-1].x1 < 0.6 * min(word.height, merged[-1].height):
            last = merged[-1]
            merged[-1] = Word(last.text + " " + word.text, last.x0, max(last.x1, word.x1),
                              min(last.top, word.top), max(last.bottom, word.bottom))
        else:
            merged.append(word)
    return merged
