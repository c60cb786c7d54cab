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
from compliance.values.variants import simplified

# ----------------------------------------------------------------------------------------------- entity
# Chinese names are read from the text with only whitespace removed (kept between two Latin words: 'Alco Holdings
# Limited'), so they come out as printed (（）); the patterns match the text with Traditional characters read as
# Simplified (values/variants.py, one for one), and the name is cut from the printed text at the same place.
_CN_ADDRESSEE = re.compile(r"^致?(.{4,60}?)(?:全体股东|列位股东|股东会|股东大会|董事会|全体投资者|股东)[:：]?$")
_CN_AUDITED = re.compile(r"我们(?:审计了|已审计|已审核|获委聘审计|获委聘审核)"
                         r"(?:后附的|列载于第.{1,30}?页的?)?(.{4,60}?)"
                         r"(?:[(（]以下简称|[(（]以下称|[(（]简称|[(（]以下统称|\d{4}年|[二〇零○]{4}年|及其附属公司|"
                         r"的?(?:合并及母公司|合并及公司|合并|综合)?财务报表)")
_CN_PREPARER = re.compile(r"编制单位[:：](.{4,60}?)(?:金额单位|单位[:：]|币种|\d{4}年|会企|$)")
_EN_ADDRESSEE = re.compile(r"^to the (?:shareholders?|board of directors|members|directors|owners?|partners)"
                           r"(?: and (?:the )?(?:board of directors|shareholders?))? of (.{4,100}?)[:,]?$", re.I)
_EN_AUDITED = re.compile(r"(?:we have audited|what we have audited:?) the (?:accompanying )?(?:consolidated )?"
                         r"(?:and separate )?(?:financial statements|balance sheets?|statements? of financial position)"
                         r" of (.{4,100}?)"
                         r"(?: ?\((?:the\b|[\"'“‘]|hereinafter|collectively|together|referred)| and its |"
                         r" and subsidiaries| which|, which|,? set out)", re.I)  # 'EPI (Holdings) Limited' kept whole
_EN_PREPARER = re.compile(r"^(.{4,100}?(?:co\.,? ltd\.?|company limited|limited|ltd\.?|inc\.?|corporation|llc))$",
                          re.I)


def _squeeze(text: str) -> str:
    return re.sub(r"(?<![A-Za-z0-9.,&])\s+|\s+(?![A-Za-z0-9(&])", "", text)


def _printed(pattern: re.Pattern[str], printed: str, match_only: bool = False) -> str | None:
    """Group 1 of the pattern searched (or matched) on the text read as Simplified, cut from the printed text."""
    folded = simplified(printed)
    match = pattern.match(folded) if match_only else pattern.search(folded)
    return printed[match.start(1):match.end(1)] if match else None


@dataclass(frozen=True)
class NamedCompanies:
    audited: list[str]  # the company the opinion paragraph says was audited (Chinese and/or English)
    addressee: str | None  # whom the report is addressed to (the shareholders of ...)


def named_companies(section_lines: list[str], section: str) -> NamedCompanies:
    """The audited company in the opinion paragraph and the addressee, as printed."""
    addressee = None
    for line in section_lines[:40]:
        if HAN.search(line):
            name = _printed(_CN_ADDRESSEE, _squeeze(line), match_only=True)
        else:
            match = _EN_ADDRESSEE.match(single_spaced(line))
            name = match[1] if match else None
        if name:
            addressee = name.strip()
            break
    audited = []
    name = _printed(_CN_AUDITED, _squeeze(section))
    if name:
        audited.append(name)
    match = _EN_AUDITED.search(single_spaced(section))
    if match:
        audited.append(match[1].strip())
    return NamedCompanies(audited, addressee)


def statement_entity(page_text: str) -> str | None:
    """The company a statement names: 编制单位：X, or an English company line under the title."""
    for line in lines_of(page_text)[:10]:
        name = _printed(_CN_PREPARER, _squeeze(line))
        if name:
            return name
        english = single_spaced(line)
        if not HAN.search(english):
            match = _EN_PREPARER.match(english)
            if match:
                return match[1]
    return None


# A file with no auditor's report (an annual-report summary, 年度报告摘要) still names its company and year on
# the cover: '三全食品股份有限公司 2019 年年度报告摘要'. Read only to say what the file is; it proves nothing.
_CN_COVER = re.compile(r"^(.{4,40}?(?:股份有限公司|有限责任公司|有限公司|集团))(\d{4})年"
                       r"(?:年度报告|年报)(?:摘要|全文)?$")


def cover_company_year(page_text: str) -> tuple[str, int] | None:
    """(company as printed, year) from a cover line 'X股份有限公司 2019 年年度报告(摘要)', else None."""
    for line in lines_of(page_text)[:12]:
        squeezed = _squeeze(line)
        match = _CN_COVER.match(simplified(squeezed))
        if match:
            return squeezed[match.start(1):match.end(1)], int(match[2])
    return None


# ---------------------------------------------------------------------------------------------- opinion
# The modified opinions as Chinese headings print them (after compact(): Traditional read as Simplified): PRC 无法表示
# 意见, Hong Kong 不發表意見 (disclaimer), 否定意见 (adverse), 保留意见 (qualified); and their basis sections.
_CN_MODIFIED = (("无法表示意见", "disclaimer"), ("不发表意见", "disclaimer"), ("否定意见", "adverse"),
                ("保留意见", "qualified"))
_CN_HEADINGS = tuple((form.format(words), opinion) for words, opinion in _CN_MODIFIED
                     for form in ("形成{}的基础", "{}", "{}的基础", "{}基础", "{}的基准", "{}基准"))
_EN_HEADINGS = (("basis for disclaimer of opinion", "disclaimer"), ("disclaimer of opinion", "disclaimer"),
                ("basis for adverse opinion", "adverse"), ("adverse opinion", "adverse"),
                ("basis for qualified opinion", "qualified"), ("qualified opinion", "qualified"))
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]{1,2}\)|"
                         r"\d{1,2}[.、)]|[ivx]+[.)])\s*")

# Opinion sentences, for a report whose headings name no modified opinion; a modified one is looked for first
# (a disclaimer may also say 我们认为 of a narrower matter). The key audit matters' "we do not express a separate
# opinion" (我们不对这些事项单独发表意见) names no financial statements and is not a disclaimer.
_SENTENCES = (
    ("disclaimer", re.compile(r"我们不(?:对|就|会就|会对)[^。;]{0,40}财务报表(?:发表|提供)(?:审计|审核)?意见|"
                              r"我们不对[^。;]{0,20}发表审计意见|无法.{0,6}发表审计意见|不发表(?:审计|审核)意见"),
     re.compile(r"we do not express an opinion on the (?:accompanying )?(?:consolidated )?(?:and separate )?"
                r"financial statements|we (?:were|have been) unable to obtain sufficient appropriate audit evidence to "
                r"provide a basis for an audit opinion", re.I)),
    ("adverse", re.compile(r"(?:没有|未能|并未|并无|未)在所有重大方面(?:按照|公允)|(?:并无|未能|没有)真实而中肯"),
     re.compile(r"\b(?:do|does) not (?:present fairly|give a true and fair view)", re.I)),
    ("qualified", re.compile(r"除[^。]{0,60}影响外"),
     re.compile(r"except for the (?:possible )?effects? of", re.I)),
    ("unqualified", re.compile(r"我们认为|真实而中肯"),
     re.compile(r"in our opinion|present fairly|give a true and fair view", re.I)),
)


def opinion_of(section_lines: list[str]) -> str | None:
    """The opinion named by the report's headings (无法表示意见 / 不發表意見 / 'Disclaimer of Opinion', 否定意见,
    保留意见 and their basis sections); without one, the opinion its sentences state: a disclaimer ('we do not
    express an opinion on the financial statements', 我們不會就…綜合財務報表提供意見), adverse, qualified ('except
    for the effects of', 除…的影响外), else unqualified (我们认为 / 'In our opinion' / 'true and fair view');
    None when none is found."""
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
    chinese, english = compact(body), single_spaced(body)
    for opinion, cn_sentence, en_sentence in _SENTENCES:
        if cn_sentence.search(chinese) or en_sentence.search(english):
            return opinion
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
