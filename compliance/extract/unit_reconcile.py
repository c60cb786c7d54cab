"""The unit of account reconciled across the places a report declares it: the statement's caption and title
block, its column headings, and the notes' general declaration ('Amounts are in thousands of Renminbi',
（除特别注明外，金额单位均为人民币元）). Two places that name different scales are a `unit_contradiction`: the
printed figure means a different sum under each, and a person must say which the report meant.

Only scales count. A phrase that names the currency alone ('presented in Renminbi', 'Expressed in RMB' in the
notes, or a caption over columns headed RMB'000) says nothing of thousands or millions, so an English
declaration counts only when it names a scale; a Chinese 单位 phrase names its scale, 元 included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.model import Problem
from compliance.extract.numbers import UNITS, Unit, parse_unit
from compliance.extract.problems import problem
from compliance.values.money import cents, group
from compliance.values.text import compact, single_spaced

_SCALE_WORDS = re.compile(r"thousand|million|billion|'000|千|万|亿")
_EN_GENERAL = re.compile(r"\b(?:expressed|amounts?\b.{0,30}?\bin|presented|stated|rounded)\b", re.I)
_CN_GENERAL = re.compile(r"(?:除特别|除另有|如无特别|未特别|除非另有).{0,16}?单位(?:均|统一|一律)?(?:为|是)?:?"
                         r"(?:人民币)?(?P<scale>百万|千|万|亿)?(?:人民币)?元")
_NEAREST = re.compile(r"nearest (thousand|million)", re.I)


@dataclass(frozen=True)
class Declaration:
    unit: Unit
    text: str  # the printed line
    page: int  # 1-based
    where: str  # "statement" | "notes"


def unit_declarations(lines: list[str], page: int = 0, where: str = "statement") -> list[Declaration]:
    """Each line of `lines` that declares a scale (thousands, millions, 万元 ...; 元 in a Chinese 单位 phrase)."""
    found = []
    for line in lines:
        unit = parse_unit(line)
        if unit is None:
            nearest = _NEAREST.search(line)
            if nearest is None:
                continue
            unit = UNITS["千元" if nearest[1].lower() == "thousand" else "百万元"]
        if unit.multiplier == 1 and "元" not in compact(line):
            continue  # '(Expressed in Renminbi)' over columns headed RMB'000: a currency, not a scale
        if unit.multiplier != 1 and not _SCALE_WORDS.search(single_spaced(line).lower() + compact(line)) \
                and not _NEAREST.search(line):
            continue
        found.append(Declaration(unit, single_spaced(line)[:120], page, where))
    return found


def notes_declarations(pages: list[str], after: int) -> list[Declaration]:
    """The notes' general declaration of the unit, on the pages after page index `after`."""
    found = []
    for index in range(after + 1, len(pages)):
        for line in pages[index].splitlines():
            squeezed = compact(line)
            match = _CN_GENERAL.search(squeezed)
            if match:
                found.append(Declaration(UNITS[(match["scale"] or "") + "元"], squeezed[:120], index + 1, "notes"))
            elif _EN_GENERAL.search(line) and (_SCALE_WORDS.search(line.lower()) or _NEAREST.search(line)):
                found += [d for d in unit_declarations([line], index + 1, "notes") if d.unit.multiplier != 1]
        if found:
            return found[:1]  # the first general declaration after the statements
    return []


def contradiction(amount: Decimal, printed: str, declarations: list[Declaration]) -> Problem | None:
    """A `unit_contradiction` when the declarations name different scales; readings: the printed figure
    (`amount`, as printed: `printed`) under each."""
    scales: dict[Decimal, list[Declaration]] = {}
    for declaration in declarations:
        scales.setdefault(declaration.unit.multiplier, []).append(declaration)
    if len(scales) < 2:
        return None
    said = "; ".join(" and ".join(f"'{d.text}' ({'notes' if d.where == 'notes' else 'statement'}, page {d.page})"
                                  for d in group_) + f" mean {group_[0].unit.label}" for group_ in scales.values())
    readings = sorted(amount * multiplier for multiplier in scales)
    return problem("unit_contradiction", detail=(
        f"The report declares different units for the revenue printed as {printed}: {said}. It is "
        f"{' or '.join(group(reading) + ' yuan' for reading in readings)} depending on which is meant."),
        field="operating_revenue", readings=[cents(reading) for reading in readings])
