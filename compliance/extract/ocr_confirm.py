"""Trust rules for what OCR read (issue 12).

Every field read from an OCR'd page says so: `"ocr": {field: {"source": "ocr", "confidence": c}}` in the
JSON. An OCR revenue figure is never accepted on one reading. It needs an independent confirmation: the
same line read again from a rendering at another resolution (300 dpi against 200), agreeing digit for
digit. Without one it is `ocr_unconfirmed`, with the picture of the line, so that a person confirms it.
A report field that OCR read with a confidence below LOW_CONFIDENCE is `ocr_low_confidence`.
"""

from __future__ import annotations

import datetime as dt

from compliance.extract.model import Problem
from compliance.extract.numbers import find_dates, parse_amount
from compliance.extract.problems import problem
from compliance.extract.textnorm import compact

LOW_CONFIDENCE = 0.8


def _confidence(value: float) -> float:
    return round(value, 3)


def confirm_revenue(scans, line) -> tuple[dict[str, dict], list[Problem]]:
    """The OCR'd revenue line read a second time; the field's OCR record and any problem."""
    index = line.page - 1
    figure = line.figure
    first = getattr(figure, "confidence", 0.0)
    record = {"source": "ocr", "confidence": _confidence(first), "confirmed": False}
    second = scans.confirm(index, (figure.x0, figure.top, figure.x1, figure.bottom))
    why = "the second reading found nothing"
    if second is not None:
        text, confidence = second
        record["second_reading"] = {"text": text, "confidence": _confidence(confidence)}
        if parse_amount(text) is not None and parse_amount(text) == parse_amount(figure.text):
            record["confirmed"] = True
            return {"operating_revenue": record}, []
        why = f"the second reading gave '{text}'"
    return {"operating_revenue": record}, [problem("ocr_unconfirmed", figure=figure.text, page=line.page,
                                                   confidence=f"{first:.3f}", why=why)]


def _printing(field: str, value: object, words: list) -> list:
    """The OCR words that print a field's value: the word where it starts and the rest of its line (a
    date's word, the opinion sentence's first words)."""
    def starts(word) -> bool:
        squeezed = compact(word.text)
        if field == "opinion":
            return "我们认为" in squeezed or "inouropinion" in squeezed.lower().replace(" ", "")
        if isinstance(value, dt.date):
            return any(found.value == value for found in find_dates(squeezed) or find_dates(word.text))
        return compact(str(value))[:6] in squeezed

    anchors = [word for word in words if starts(word)]
    if field == "opinion" or isinstance(value, dt.date):
        return anchors
    return [word for word in words if any(abs(word.middle - anchor.middle) < anchor.height / 2 and
                                          word.x0 >= anchor.x0 for anchor in anchors)]


def report_fields_read(scans, pages: dict[str, int], values: dict[str, object]) -> tuple[dict[str, dict],
                                                                                        list[Problem]]:
    """For each report field read from a page OCR read whole, its OCR record (the lowest confidence of the
    words that print it), and a problem for a low one."""
    records: dict[str, dict] = {}
    problems: list[Problem] = []
    for field, index in pages.items():
        value = values.get(field)
        if value is None or index not in getattr(scans, "whole", {}):
            continue
        scores = [word.confidence for word in _printing(field, value, scans.whole[index])]
        if not scores:
            continue
        confidence = min(scores)
        records[field] = {"source": "ocr", "confidence": _confidence(confidence)}
        if confidence < LOW_CONFIDENCE:
            problems.append(problem("ocr_low_confidence", field=field.replace("_", " "),
                                    confidence=f"{confidence:.3f}"))
    return records, problems
