"""The special audit report on a performance commitment (业绩承诺实现情况的专项审核报告), read as a report kind of
its own.

In PRC practice the written report of an accounting firm that SPA 5.1 asks for is often this report, not a
statutory audit: the firm "审核" (examines) management's statement on the commitment
(《关于……业绩承诺实现情况的说明》) and says whether it fairly presents (在所有重大方面公允反映了) the actual
figure against the committed one, in a table 项目 / 承诺数 / 实际数 / 差额 / 完成率 (special_table.py).
Published titles vary (盈利预测实现情况的专项审核报告, 实际盈利数与利润预测数差异情况说明专项审核报告), and so do
their numbers (…专审字〔2027〕第…号, …报字[2019]第ZG11349号, …核字…) and the order of their sections
(对报告使用者和使用目的的限定, 管理层的责任, 注册会计师的责任, 工作概述, 审核意见): nothing here depends on
that order.

A file is this kind when a page among its first ones carries such a title and the engagement sentence
(我们审核了……说明) names a commitment, before any financial-statement audit report. What it yields: the firm,
the signing CPAs, the number, the date, the opinion, the period, the entity whose commitment it is, the
commitment's metric, and the actual figure of 营业收入 (the 实际数 column, times its unit). The decision is in
special_acceptance.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from compliance.extract.layout import PageWords
from compliance.extract.numbers import parse_amount, unit_after_amount
from compliance.extract.periods import Period, find_periods
from compliance.extract.report import StatedFigure
from compliance.extract.section import LONGEST_REPORT, has_opening, has_signature, lines_of
from compliance.extract.signature import signature_block, take_signature
from compliance.extract.special_table import CommitmentTable, read_table
from compliance.values.cjk import HAN_CHARS
from compliance.values.text import compact

REPORT_KIND = "special_audit_report"
KIND_NAME = "special audit report on the performance commitment (专项审核报告)"
_FIRST_PAGES = 8  # the title is on one of these (a cover and a contents page may come first)
_TITLE = re.compile(r"专项(?:审核|审计)报告|专项审核意见")
_SUBJECT = r"(?:业绩承诺|盈利预测|利润预测|实际盈利数|承诺业绩|业绩补偿|业绩实现|承诺期|承诺净利润|承诺营业收入)"
_ENGAGEMENT = re.compile(r"我们(?:审核|审计|鉴证)了(?:后附的)?(.{0,240}?)(?:说明|专项说明|差异情况)")


@dataclass
class SpecialReport:
    """What a special audit report yields, with where each field was read (0-based page indexes)."""

    start: int  # the page with the title
    last: int  # the signature page (or the last page looked at)
    signed: bool
    title: str | None = None
    addressee: str | None = None
    entity: str | None = None
    period: Period | None = None
    opinion: str | None = None
    auditor: str | None = None
    cpas: list[str] = field(default_factory=list)
    report_date: dt.date | None = None
    report_number: str | None = None
    table: CommitmentTable | None = None
    stated: StatedFigure | None = None  # the actual revenue the text states (a second place)
    pages: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def find(pages: list[str]) -> int | None:
    """The 0-based page with the special report's title, when the file is one (see the module docstring)."""
    for index, text in enumerate(pages[:_FIRST_PAGES]):
        if has_opening(text):
            return None  # a financial-statement audit report comes first: read as such
        squeezed = compact(text)
        if not _TITLE.search(squeezed) or not re.search(_SUBJECT, squeezed):
            continue
        window = compact("\n".join(pages[index:index + 3]))
        engagement = _ENGAGEMENT.search(window)
        if engagement and re.search(_SUBJECT, engagement[0]):
            return index
    return None


# ------------------------------------------------------------------------------------------------ fields
_ADDRESSEE = re.compile(r"^(.{4,60}?)(?:全体股东|股东会|股东大会|董事会|全体董事)[:：]?$")
_COMPANY = r"(.{2,58}?(?:公司|集团|企业|[)）]))"
_ENTITY = (
    re.compile(r"《关于" + _COMPANY + r"(?:\d{4}年|[二〇○零]{4}年|\d{4}[-—至]|" + _SUBJECT + r")"),
    re.compile(r"(?:标的公司|被审核单位|业绩承诺主体|承诺主体)(?:为|是|[:：])" + _COMPANY + r"(?:[(（，,。；]|$)"),
    re.compile(r"关于" + _COMPANY + r"(?:\d{4}年|[二〇○零]{4}年|" + _SUBJECT + r")"),
    # its own commitment: 我们审核了后附的X（以下简称…）管理层编制的2026年度业绩承诺实现情况说明
    re.compile(r"我们审核了(?:后附的)?" + _COMPANY + r"(?:[(（]以下简称[^)）]{0,20}[)）])?(?:管理层|董事会)编制的"
               r"[^。]{0,40}" + _SUBJECT),
)
_NUMBER = re.compile(r"([" + HAN_CHARS + r"A-Za-z()（）]{2,16}[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*第?\s*"
                     r"[A-Za-z0-9\-_]{0,8}\d[A-Za-z0-9\-_]{0,12}\s*号)")
_CPA = re.compile(r"注册会计师(?:[(（](?:项目合伙人|签名(?:并盖章)?)[)）])?[:：]([" + HAN_CHARS + r"·]{2,5})")
_SIGNED = re.compile(r"注册会计师(?:[(（](?:项目合伙人|签名(?:并盖章)?)[)）])?[:：]|[(（]项目合伙人[)）]")
_OPINIONS = (  # (pattern on the compact text, opinion), the first that matches decides
    (re.compile(r"无法表示意见|不发表(?:审核)?意见|(?:无法|不)(?:对.{0,30})?发表(?:审核)?意见"), "disclaimer"),
    (re.compile(r"否定意见|未能在所有重大方面|没有在所有重大方面"), "adverse"),
    (re.compile(r"(?<!无)保留意见|除[^。]{0,80}(?:的影响|事项)外，?[^。]{0,40}在所有重大方面"), "qualified"),
    (re.compile(r"在所有重大方面(?:按照|公允|真实)|公允反映了"), "unqualified"),
)
# The actual revenue the text states: 实现营业收入人民币70,234.57万元, 经审计的营业收入为702,345,678.90元.
_STATED = re.compile(r"(?:实现|实际|经审计)[^。；;，,]{0,30}?营业收入(?:总额|金额|实际数)?(?:为|是|达到?|:)?(?:人民币)?"
                     r"(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<rest>.{0,4})")


def opinion_in(text: str) -> str | None:
    squeezed = compact(text)
    for pattern, opinion in _OPINIONS:
        if pattern.search(squeezed):
            return opinion
    return None


def entity_in(text: str) -> str | None:
    squeezed = _squeeze(text)
    for pattern in _ENTITY:
        match = pattern.search(squeezed)
        if match:
            return match[1].lstrip("《“\"")
    return None


_PAIRS = {"〔": "〕", "[": "]", "【": "】", "(": ")", "（": "）"}


def number_in(lines: list[str]) -> str | None:
    """The report number under the title. Its year's brackets are a pair as printed: OCR reads the closing 〕 of
    〔2027〕 as ], so the closing one is put back as the opening one's pair."""
    for line in lines:
        match = _NUMBER.search(_squeeze(line))
        if match:
            return re.sub(r"([〔\[【(（])(\s*(?:19|20)\d\d\s*)[〕\]】)）]",
                          lambda year: year[1] + year[2] + _PAIRS[year[1]], match[1], count=1)
    return None


def cpas_in(text: str) -> list[str]:
    names: list[str] = []
    for line in lines_of(text):
        for match in _CPA.finditer(_squeeze(line)):
            name = match[1]
            if name not in names and "会计师" not in name and "事务所" not in name:
                names.append(name)
    return names


def stated_actual(text: str) -> StatedFigure | None:
    """The actual revenue the report's text states (the audited statements' figure it cites), never a committed
    or forecast one (承诺实现营业收入为…, 预测…)."""
    squeezed = compact(text)
    for match in _STATED.finditer(squeezed):
        clause = re.split(r"[。；;，,]", squeezed[:match.start()])[-1] + match[0]
        if re.search(r"承诺|预测|不低于|不少于", clause):
            continue
        amount, unit = parse_amount(match["amount"]), unit_after_amount(match["rest"])
        if amount is not None and unit is not None:
            return StatedFigure(amount, unit, f"{match['amount']}{unit.label}")
    return None


def signed(text: str) -> bool:
    """The page carries the signature block: 中国注册会计师：(name) or （项目合伙人）, or a firm and a date line under
    it (a line that merely begins with 中国注册会计师, a standard's name wrapped, does not count)."""
    if any(_SIGNED.search(_squeeze(line)) for line in lines_of(text)):
        return True
    return has_signature(text) and signature_block(text).report_date is not None


def read(pages: list[str], start: int, words_of) -> SpecialReport:
    """Every field of the special report whose title is on page `start`; `words_of(index)` gives a page's
    positioned words (pdfplumber, or OCR on a scanned page) for the table."""
    last = next((index for index in range(start, min(start + LONGEST_REPORT, len(pages)))
                 if signed(pages[index])), None)
    found = SpecialReport(start=start, last=last if last is not None else min(start + 2, len(pages) - 1),
                          signed=last is not None)
    body = "\n".join(pages[start:found.last + 1])
    title_lines = lines_of(pages[start])[:12]
    found.title = next((_squeeze(line) for line in title_lines if _TITLE.search(compact(line))), None)
    found.addressee = next((match[1] for line in lines_of(body)[:30]
                            if (match := _ADDRESSEE.match(_squeeze(line)))), None)
    named = f"special report, pages {start + 1}-{found.last + 1}"
    found.entity = entity_in(body) or entity_in("\n".join(title_lines))
    periods = find_periods(body)
    found.period = periods[0] if periods else None
    found.opinion = opinion_in(body)
    for key in ("entity", "period_end", "opinion"):
        found.pages[key] = start
    if found.opinion:
        found.sources["opinion"] = f"{named} (审核意见)"
    if found.signed:
        take_signature(found, pages[found.last], found.last)
        found.cpas = cpas_in(pages[found.last])
    for index in [start, *range(start - 1, max(start - 3, -1), -1)]:  # under the title, else on the cover
        number = number_in(lines_of(pages[index])[:15])
        if number:
            found.report_number, found.sources["report_number"] = number, f"report title, page {index + 1}"
            found.pages["report_number"] = index
            break
    # the table: in the report or in management's statement attached after it
    for index in range(start, min(start + LONGEST_REPORT, len(pages))):
        if not re.search(r"实际数|实现数|实际完成数|实际盈利数|实际金额|(?:实现|实际)(?:营业收入|净利润)",
                         compact(pages[index])):
            continue
        words: PageWords = words_of(index)
        table = read_table(words, index + 1, pages[index])
        if table is not None and table.rows:
            found.table = table
            break
    found.stated = stated_actual("\n".join(pages[start:min(start + LONGEST_REPORT, len(pages))]))
    return found
