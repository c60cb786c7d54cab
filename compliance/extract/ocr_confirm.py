"""Trust rules for what OCR read (issue 12).

Every field read from an OCR'd page says so: `"ocr": {field: {"source": "ocr", "confidence": c,
"confirmed": ...}}` in the JSON. An OCR revenue figure is never accepted on one reading. It needs an
independent confirmation: the same line read again from a rendering at another resolution (300 dpi against
200), agreeing digit for digit. Without one it is `ocr_unconfirmed`, with the picture of the line, so that
a person confirms it. The report's own fields (firm, date, number, entity) are read twice the same way: one
that reads differently the second time is `ocr_field_unconfirmed`. Two readings of one print can share a
slip, so an OCR'd firm name is confirmed only by the contract's approved-auditor list (checks.check_auditor
compares it); with no list configured it is `ocr_auditor_unverified`. The entity and the period have their
own independent check (the contract's target company and Assessment Years); any other read with a
confidence below LOW_CONFIDENCE is `ocr_low_confidence`.
"""

from __future__ import annotations

import datetime as dt

from compliance.extract.model import Problem
from compliance.extract.numbers import find_dates, parse_amount
from compliance.extract.problems import problem
from compliance.values.text import compact

LOW_CONFIDENCE = 0.8
# Read against the contract exactly (the target company's names, the Assessment Years): a misread fails there.
_CHECKED_BY_CONTRACT = ("entity", "period_end")


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
    """The OCR words that print a field's value: those where it starts (a firm's name, a date, the opinion
    sentence)."""
    def starts(word) -> bool:
        squeezed = compact(word.text)
        if field == "opinion":
            return "我们认为" in squeezed or "inouropinion" in squeezed.lower().replace(" ", "")
        if isinstance(value, dt.date):
            return any(found.value == value for found in find_dates(squeezed) or find_dates(word.text))
        return compact(str(value))[:6] in squeezed

    return [word for word in words if starts(word)]


def report_fields_read(scans, pages: dict[str, int], values: dict[str, object], approved: list[str]
                       ) -> tuple[dict[str, dict], list[Problem]]:
    """For each report field read from a page OCR read whole, its OCR record (the lowest confidence of the
    words that print it), and a problem for a low one."""
    records: dict[str, dict] = {}
    problems: list[Problem] = []
    for field, index in pages.items():
        value = values.get(field)
        if value is None or index not in getattr(scans, "whole", {}):
            continue
        printing = _printing(field, value, scans.whole[index])
        if not printing:
            continue
        confidence = min(word.confidence for word in printing)
        name = field.replace("_", " ")
        disagreeing = _disagreeing(scans, index, printing, value) if field != "opinion" else None
        records[field] = {"source": "ocr", "confidence": _confidence(confidence), "confirmed": not disagreeing}
        if disagreeing:
            first, second = disagreeing
            problems.append(problem("ocr_field_unconfirmed", field=name, first=first, second=second))
        elif field == "auditor" and not approved:  # two readings can share a slip: only the list confirms a name
            records[field]["confirmed"] = False
            problems.append(problem("ocr_auditor_unverified", firm=str(value)))
        if confidence < LOW_CONFIDENCE and field not in _CHECKED_BY_CONTRACT:
            problems.append(problem("ocr_low_confidence", field=name, confidence=f"{confidence:.3f}"))
    return records, problems


def _letters(text: str) -> str:
    return "".join(char for char in compact(text) if char.isalnum())


def _portion(word, value: object) -> tuple[tuple[float, float, float, float], str]:
    """The part of a word that prints the value (a date or name inside a sentence), as a box cut in
    proportion to the characters (two characters of margin), and the text it should read."""
    text = word.text
    wanted = value.isoformat() if isinstance(value, dt.date) else str(value)
    found = [found for found in find_dates(text) if found.value == value] if isinstance(value, dt.date) else []
    if found:
        start, end = found[0].start, found[0].end
    else:
        start = text.find(wanted[:6]) if wanted[:6] in text else 0
        end = min(len(text), start + len(wanted))
    start, end = max(0, start - 2), min(len(text), end + 2)
    share = (word.x1 - word.x0) / max(len(text), 1)
    return (word.x0 + start * share, word.top, word.x0 + end * share, word.bottom), text[start:end]


def _disagreeing(scans, index: int, words: list, value: object) -> tuple[str, str] | None:
    """The first word whose second reading does not print the value as the first did, as (first, second);
    None when all agree."""
    for word in words:
        box, first = _portion(word, value)
        second = scans.confirm(index, box)
        text = second[0] if second else ""
        if isinstance(value, dt.date):
            agrees = any(found.value == value for found in find_dates(compact(text)) or find_dates(text))
        else:
            wanted, again = _letters(first), _letters(text)
            # the cut may take in a neighbour's character or lose an edge one: the core must read the same
            core = wanted[2:-2] if len(wanted) > 6 else wanted
            agrees = bool(again) and core in again
        if not agrees:
            return first, text or "nothing"
    return None
