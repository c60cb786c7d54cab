"""Who signed the auditor's report, when, and under what number.

The firm and the date come from the signature block at the end of the report: the firm printed there (a
Chinese name may break over two lines: 公证天业会计师事务所 / （特殊普通合伙）), and the first line after it that
prints only a date, perhaps with the place (中国·杭州 二〇二〇年一月二十二日, "Hong Kong, 26th June 2020",
"January 21, 2020"). Dates further down the page (the balance sheet that follows, 2018年12月31日) are never the
report date. The number comes from under the report's title (天健审〔2020〕58号), never with its label.

SZSE annual reports also print a summary table before the report (审计报告签署日期 / 审计机构名称 / 审计报告文号):
it is used where the signature block gives nothing, said so in the sources, and where both print a value
they must agree (the caller checks).

An English firm name without a legal form (PricewaterhouseCoopers, not KPMG LLP) names a network, not a firm:
the place of signing says which member firm signed ("PricewaterhouseCoopers (Hong Kong)").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from compliance.extract.labels import other_statement_title, statement_title
from compliance.extract.numbers import find_dates
from compliance.extract.section import lines_of
from compliance.values.cjk import HAN, HAN_CHARS
from compliance.values.text import compact, single_spaced
from compliance.values.variants import simplified

_PARTNERSHIP = r"[(（](?:特殊普通合伙|普通合伙|有限合伙)[)）]"
# Matched on compact() text (Traditional read as Simplified); Hong Kong firms: 高嶺會計師有限公司,
# 德勤•關黃陳方會計師行.
_CN_FIRM = re.compile(r"([" + HAN_CHARS + r"·•・()（）]{2,40}?会计师(?:事务所(?:" + _PARTNERSHIP
                      + r"|有限责任公司|有限公司)?|行|有限公司))")
_CN_FIRM_TAIL = re.compile(r"^(" + _PARTNERSHIP + r"|有限责任公司|有限公司)")
_CN_LEGAL_FORM = re.compile(_PARTNERSHIP + r"$|有限责任公司$|有限公司$")
_EN_FIRM_SUFFIX = re.compile(r"\b(?:LLP|L\.L\.P\.|LLC|CPAs?|Certified Public Accountants|Chartered Accountants|"
                             r"& Co\.?|Limited|Ltd\.?|\(Special General Partnership\))$", re.I)
_EN_LEGAL_FORM = re.compile(r"\b(?:LLP|L\.L\.P\.|LLC|P\.?C\.|Limited|Ltd\.?|GmbH|AG|S\.A\.|Inc\.?|"
                            r"\(Special General Partnership\)|CPA Limited|CPAs?|Certified Public Accountants|"
                            r"Chartered Accountants)$", re.I)
_EN_CPA_LINE = re.compile(r"^(?:certified public accountants|chartered accountants|"
                          r"registered public interest entity auditor)$", re.I)
_SIGNED = re.compile(r"^(?:/s/|\(signed\)|signed:?)\s*", re.I)
_DATE_LINE_REST = re.compile(r"^[\w\s·.,，、()（）-]{0,24}$")
_PLACE_LINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,30}(?:, [A-Z][A-Za-z .'-]{1,30})?$")
_BLOCK_LINES = 8  # the date is printed within this many lines after the firm


@dataclass(frozen=True)
class Signature:
    auditor: str | None
    report_date: dt.date | None
    place: str | None = None
    line: int | None = None  # index of the firm's line on the page


def _chinese_firm(lines: list[str], number: int) -> str | None:
    """The Chinese firm name printed on line `number`, joined with its legal form printed after it on the
    same line (OCR may part them) or on the next line. Brackets as the name is registered: full-width."""
    segments = lines[number].split()
    for position, segment in enumerate(segments):
        squeezed = compact(segment)
        match = _CN_FIRM.fullmatch(squeezed)
        if not match or re.search("注册会计师|执业会计师", squeezed.replace("会计师事务所", "")):
            continue
        name = segment.strip()
        if not _CN_LEGAL_FORM.search(compact(name)):
            after = [*segments[position + 1:position + 2], *(lines[number + 1].split()[:1]
                                                              if number + 1 < len(lines) else [])]
            for printed in after:
                tail = _CN_FIRM_TAIL.match(compact(printed))
                if tail:
                    name += printed[:len(tail[1])]
                    break
        return name.replace("(", "（").replace(")", "）")
    return None


def _english_firm(lines: list[str], number: int) -> str | None:
    english = single_spaced(lines[number])
    if HAN.search(english):
        return None
    signed = _SIGNED.match(english)
    if signed:
        return english[signed.end():].strip() or None
    if _EN_CPA_LINE.match(english) and number > 0:
        previous = single_spaced(lines[number - 1])
        if previous and not HAN.search(previous) and len(previous) < 90 and not previous.endswith("."):
            return _SIGNED.sub("", previous).strip()
        return None
    if _EN_FIRM_SUFFIX.search(english) and len(english) < 90 \
            and not english.lower().startswith(("we ", "the ", "our ", "in ", "to ", "by ")):
        return english
    return None


def _is_date_line(line: str) -> tuple[dt.date, str] | None:
    """(date, place) when the line prints one date and at most a place name."""
    squeezed = compact(line)
    found = find_dates(squeezed)
    text = squeezed
    if not found:
        text = single_spaced(line)
        found = find_dates(text)
    if len(found) != 1:
        return None
    rest = (text[:found[0].start] + " " + text[found[0].end:]).strip(" ,，")
    if not _DATE_LINE_REST.match(rest) or re.search(r"\d", rest):
        return None
    return found[0].value, rest


def take_signature(found, page_text: str, index: int) -> None:
    """Set `found`'s firm and report date from the signature block on page `index` (0-based), each with where
    it was read (`sources`, `pages`): an audit report and a special audit report are signed alike."""
    signature = signature_block(page_text)
    where = f"signature block, page {index + 1}"
    if signature.auditor:
        found.auditor, found.sources["auditor"], found.pages["auditor"] = signature.auditor, where, index
    if signature.report_date:
        found.report_date, found.sources["report_date"] = signature.report_date, where
        found.pages["report_date"] = index


def signature_block(page_text: str) -> Signature:
    """The signing firm, the report date and the place of signing from the report's last page."""
    lines = lines_of(page_text)
    firms: list[tuple[int, str]] = []
    for number in range(len(lines)):
        name = _chinese_firm(lines, number) if HAN.search(lines[number]) else None
        name = name or _english_firm(lines, number)
        if name:
            firms.append((number, name))
    # The firm whose block carries a date-only line (the signature), the last such firm on the page.
    for number, name in reversed(firms):
        for later in range(number + 1, min(number + _BLOCK_LINES, len(lines))):
            if other_statement_title(lines[later]) or statement_title(lines[later]):
                break  # the statements begin: their dates are not the report's
            dated = _is_date_line(lines[later])
            if dated is None:
                continue
            day, place = dated
            if not place and later > number + 1:  # "Santa Clara, California" / "Hong Kong" above the date
                above = single_spaced(lines[later - 1])
                if _PLACE_LINE.match(above) and not _EN_CPA_LINE.match(above) and later - 1 != number:
                    place = above
            return Signature(_member_firm(name, place), day, _place_name(place), number)
    if firms:
        number, name = firms[-1]
        return Signature(name, None, None, number)
    return Signature(None, None)


def _place_name(place: str | None) -> str | None:
    """'Hong Kong,' -> 'Hong Kong'; '中国·杭州' -> '中国·杭州'; 'Santa Clara, California' kept."""
    if not place:
        return None
    return place.strip(" ,，") or None


def _member_firm(name: str, place: str | None) -> str:
    """A network name signed without a legal form is named with the place of signing (see the docstring):
    the city, or Hong Kong for an address in it ('Central, Hong Kong')."""
    if HAN.search(name) or _EN_LEGAL_FORM.search(name) or not place:
        return name
    city = _place_name(place)
    if city is None or HAN.search(city):
        return name
    city = "Hong Kong" if "hong kong" in city.lower() else city.split(",")[0].strip()
    return f"{name} ({city})"


# An auditor's report printed only as an extract (a Hong Kong results announcement) has no signature block; the
# announcement names the firm: 本公司之核數師高嶺會計師有限公司. Matched on the text read as Simplified, cut from the
# printed text (values/variants.py: one character for one).
_CN_AUDITOR_NAMED = re.compile(r"(?:本公司|贵公司|本集团)(?:之|的)?(?:外聘)?核数师"
                               r"([^，,。:：;；（(「“\"的]{2,30}?会计师"
                               r"(?:事务所(?:有限公司)?|有限公司|行))")


def auditor_named(page_text: str) -> str | None:
    """The firm a page names as the company's auditor (本公司之核數師…會計師有限公司), as printed; else None."""
    printed = re.sub(r"\s+", "", page_text)
    match = _CN_AUDITOR_NAMED.search(simplified(printed))
    return printed[match.start(1):match.end(1)] if match else None


# --------------------------------------------------------------------------------------- report number
# 天健审〔2020〕58号, 众环审字（2020）710008号, 苏公W[2020]A237号, 天职业字[2020]12328号, 亚会A审字（2020）0157号,
# 瓯镜审字[2027]第0115号: a prefix, the year in brackets, a serial, 号.
# Also 德师报(审)字(20)第P01234号 (two-digit year), 毕马威华振审字第2001234号 (no year), XYZH/2020BJA10123.
_CN_NUMBER = re.compile(r"([" + HAN_CHARS + r"A-Za-z()（）]{1,16}[〔\[【(（]\s*(?:19|20)?\d\d\s*[〕\]】)）]"
                        r"[" + HAN_CHARS + r"A-Za-z]{0,3}第?\s*[A-Za-z0-9\-_]{0,6}\d[A-Za-z0-9\-_]{0,20}号|"
                        r"[" + HAN_CHARS + r"]{2,16}(?:审|报)字第[A-Za-z0-9\-_]{3,24}号|"
                        r"\b[A-Z]{2,8}/(?:19|20)\d\d[A-Z0-9]{3,16}\b)")
_CN_NUMBER_LABEL = re.compile(r"^(?:审计报告文号|审计报告编号|报告文号|报告编号|文号|编号|审计报告)[:：]?")
_EN_NUMBER = re.compile(r"\breport (?:no|number|ref(?:erence)?)\.?\s*[:：#]?\s*([A-Za-z0-9][\w()\[\]/\-.〔〕]*[\w)\]])",
                        re.I)
_TITLE = re.compile(r"^审计报告$|auditor'?s'?report|reportofindependent", re.I)


def _number_in(line: str) -> str | None:
    squeezed = re.sub(r"\s+", "", line)
    match = _CN_NUMBER.search(squeezed)
    if match:
        return _CN_NUMBER_LABEL.sub("", match[1]) or None
    match = _EN_NUMBER.search(single_spaced(line))
    return match[1] if match else None


def report_number(text: str) -> str | None:
    """The number printed within a few lines under the report's title (or after 'Report No.')."""
    lines = lines_of(text)
    for index, line in enumerate(lines):
        if _TITLE.search(compact(line)):
            for following in lines[index + 1:index + 4]:
                number = _number_in(following)
                if number:
                    return number
        match = _EN_NUMBER.search(single_spaced(line))
        if match:
            return match[1]
    return None


# ---------------------------------------------------------------------------------------- summary table
@dataclass(frozen=True)
class SummaryTable:
    """审计报告 summary table of an SZSE annual report (absent fields None), with the page it is on."""

    page: int  # 0-based
    auditor: str | None = None
    report_date: dt.date | None = None
    report_number: str | None = None
    opinion: str | None = None
    values: dict[str, str] = field(default_factory=dict)


_SUMMARY_ROWS = {"审计机构名称": "auditor", "审计报告签署日期": "report_date", "审计报告文号": "report_number",
                 "审计意见类型": "opinion"}
_SUMMARY_OPINIONS = {"标准的无保留意见": "unqualified", "标准无保留意见": "unqualified", "无保留意见": "unqualified",
                     "带强调事项段的无保留意见": "unqualified", "保留意见": "qualified", "否定意见": "adverse",
                     "无法表示意见": "disclaimer"}


def summary_table(pages: list[str], indexes: range) -> SummaryTable | None:
    for index in indexes:
        if index < 0 or index >= len(pages) or "审计报告文号" not in compact(pages[index]):
            continue
        values: dict[str, str] = {}
        for line in lines_of(pages[index]):
            printed = re.sub(r"\s+", "", line)  # as printed (（特殊普通合伙）), only spaces removed
            for label, key in _SUMMARY_ROWS.items():
                if compact(line).startswith(label) and key not in values:
                    values[key] = printed[len(label):].lstrip(":：")
        firm = values.get("auditor")
        firm_match = _CN_FIRM.fullmatch(firm) if firm else None
        dates = find_dates(values.get("report_date", ""))
        number = _number_in(values.get("report_number", ""))
        return SummaryTable(page=index, auditor=firm_match[1] if firm_match else None,
                            report_date=dates[0].value if len(dates) == 1 else None, report_number=number,
                            opinion=_SUMMARY_OPINIONS.get(values.get("opinion", "")), values=values)
    return None
