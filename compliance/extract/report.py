"""What the auditor's report says, from the fast text pass: the company it covers, the opinion, and any
revenue figure its text states. Where the report is lies in section.py, its period in periods.py, who signed
it, when and under what number in signature.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.numbers import UNITS, Unit, parse_amount, unit_after_amount
from compliance.extract.section import lines_of
from compliance.values.cjk import HAN
from compliance.values.text import compact, single_spaced

# ----------------------------------------------------------------------------------------------- entity
# Chinese names are read from the text with only whitespace removed, so they come out as printed (（）).
_CN_ADDRESSEE = re.compile(r"^(.{4,60}?)(?:全体股东|股东会|股东大会|董事会|全体投资者)[:：]?$")
_CN_AUDITED = re.compile(r"我们审计了(?:后附的)?(.{4,60}?)"
                         r"(?:[(（]以下简称|[(（]以下称|[(（]简称|\d{4}年|[二〇零○]{4}年|的?(?:合并及母公司|合并及公司|合并)?"
                         r"财务报表)")
_CN_PREPARER = re.compile(r"编制单位[:：](.{4,60}?)(?:金额单位|单位[:：]|币种|\d{4}年|会企|$)")
_EN_ADDRESSEE = re.compile(r"^to the (?:shareholders?|board of directors|members|directors|owners?|partners)"
                           r"(?: and (?:the )?(?:board of directors|shareholders?))? of (.{4,100}?)[:,]?$", re.I)
_EN_AUDITED = re.compile(r"(?:we have audited|what we have audited:?) the (?:accompanying )?(?:consolidated )?"
                         r"(?:and separate )?(?:financial statements|balance sheets?|statements? of financial position)"
                         r" of (.{4,100}?)(?: ?\(| and its | and subsidiaries| which|, which|,? set out)", re.I)
_EN_PREPARER = re.compile(r"^(.{4,100}?(?:co\.,? ltd\.?|company limited|limited|ltd\.?|inc\.?|corporation|llc))$",
                          re.I)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class NamedCompanies:
    audited: list[str]  # the company the opinion paragraph says was audited (Chinese and/or English)
    addressee: str | None  # whom the report is addressed to (the shareholders of ...)


def named_companies(section_lines: list[str], section: str) -> NamedCompanies:
    """The audited company in the opinion paragraph and the addressee, as printed."""
    addressee = None
    for line in section_lines[:40]:
        if HAN.search(line):
            match = _CN_ADDRESSEE.match(_squeeze(line))
        else:
            match = _EN_ADDRESSEE.match(single_spaced(line))
        if match:
            addressee = match[1].strip()
            break
    audited = []
    match = _CN_AUDITED.search(_squeeze(section))
    if match:
        audited.append(match[1])
    match = _EN_AUDITED.search(single_spaced(section))
    if match:
        audited.append(match[1].strip())
    return NamedCompanies(audited, addressee)


def statement_entity(page_text: str) -> str | None:
    """The company a statement names: 编制单位：X, or an English company line under the title."""
    for line in lines_of(page_text)[:10]:
        match = _CN_PREPARER.search(_squeeze(line))
        if match:
            return match[1]
        english = single_spaced(line)
        if not HAN.search(english):
            match = _EN_PREPARER.match(english)
            if match:
                return match[1]
    return None


# ---------------------------------------------------------------------------------------------- opinion
_CN_HEADINGS = (("形成无法表示意见的基础", "disclaimer"), ("无法表示意见", "disclaimer"),
                ("形成否定意见的基础", "adverse"), ("否定意见", "adverse"),
                ("形成保留意见的基础", "qualified"), ("保留意见", "qualified"))
_EN_HEADINGS = (("basis for disclaimer of opinion", "disclaimer"), ("disclaimer of opinion", "disclaimer"),
                ("basis for adverse opinion", "adverse"), ("adverse opinion", "adverse"),
                ("basis for qualified opinion", "qualified"), ("qualified opinion", "qualified"))
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]{1,2}\)|"
                         r"\d{1,2}[.、)]|[ivx]+[.)])\s*")


_CN_OPINION_SENTENCE = re.compile(r"我们认为|我们不对.{0,20}发表审计意见|无法.{0,6}发表审计意见")
_EN_OPINION_SENTENCE = re.compile(r"in our opinion|present fairly|give a true and fair view|"
                                  r"we do not express an opinion", re.I)


def opinion_of(section_lines: list[str]) -> str | None:
    """The opinion named by the report's headings; a report with an opinion sentence (我们认为 / 'In our
    opinion' / 'true and fair view') but no modified heading is unqualified; without one, None (not found)."""
    for line in section_lines:
        squeezed = _ENUMERATOR.sub("", compact(line))
        for heading, opinion in _CN_HEADINGS:
            if squeezed == heading or (heading.startswith("形成") and heading in squeezed):
                return opinion
        english = _ENUMERATOR.sub("", single_spaced(line).lower()).rstrip(":")
        for heading, opinion in _EN_HEADINGS:
            if english == heading:
                return opinion
    body = "\n".join(section_lines)
    if _CN_OPINION_SENTENCE.search(compact(body)) or _EN_OPINION_SENTENCE.search(single_spaced(body)):
        return "unqualified"
    return None


# ---------------------------------------------------------------------------------- figure in the text
@dataclass(frozen=True)
class StatedFigure:
    amount: Decimal  # as printed
    unit: Unit
    text: str


# A connecting word or the currency is required: '2018年度营业收入123,053.72万元' (a comparison) is not the year's
# figure; '实现营业收入人民币95,011.82万元' is.
_CN_STATED = re.compile(r"营业(?:总)?收入(?:项目)?(?:总额|合计|金额)?"
                        r"(?:(?:为|是|达到?|共计|合计|:)(?:人民币|RMB)?|人民币|RMB)"
                        r"(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<rest>.{0,4})")
_EN_STATED = re.compile(r"(?:operating )?revenues?(?: for the (?:year|period))?(?: of| was| were| amounted to|"
                        r" totall?ed| totall?ing|:)? (?:rmb|cny|renminbi) ?(?P<amount>\d[\d,]*(?:\.\d+)?)"
                        r"(?P<rest> ?(?:billion|million|thousand)?)", re.I)


def stated_revenue(section: str) -> StatedFigure | None:
    """A revenue figure the audit text itself states (e.g. 营业收入为人民币70,234.57万元), for the cross-check."""
    squeezed = compact(section)
    match = _CN_STATED.search(squeezed)
    if match:
        amount = parse_amount(match["amount"])
        unit = unit_after_amount(match["rest"])
        if amount is not None and unit is not None:
            return StatedFigure(amount, unit, f"{match['amount']}{unit.label}")
    english = single_spaced(section)
    match = _EN_STATED.search(english)
    if match:
        amount = parse_amount(match["amount"])
        unit = unit_after_amount(match["rest"].strip()) if match["rest"].strip() else None
        if amount is not None:
            return StatedFigure(amount, unit or UNITS["元"], f"RMB{match['amount']} {match['rest'].strip()}".strip())
    return None
