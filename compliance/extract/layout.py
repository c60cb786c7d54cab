"""Words and rows of one page, from pdfplumber: the positions the statement reader works on.

Coordinates are pdfplumber's floats (points, origin top-left); they locate text and never carry money.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.extract.textnorm import compact


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


def page_words(page) -> list[Word]:
    """pdfplumber words of a page; x_tolerance keeps glyph-by-glyph placed text in one word where close."""
    words = page.extract_words(x_tolerance=2, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    return [Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in words]


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
