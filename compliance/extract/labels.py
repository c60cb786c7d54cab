"""What a printed label means: revenue lines, income-statement titles and column headers.

Chinese labels are compared without whitespace (营 业 收 入 == 营业收入); English ones single-spaced and
lower-case. Enumerators (一、 (三) 1.) and connectives (其中： 加： 减：) are not part of a label.
"""

from __future__ import annotations

import re

from compliance.values.cjk import HAN, HAN_CHARS
from compliance.values.text import compact, single_spaced

# ------------------------------------------------------------------------------------------ revenue lines
# Which printed line is the revenue, in order of preference (the first kind the statement prints with a
# figure is used; see pipeline.choose_line):
REVENUE = "revenue"  # 营业收入 / Revenue / Turnover / Net sales: the line the contract measures (SPA 4.1)
TOTAL = "total"  # 营业总收入 / Total revenue / Total net sales: only when no plain revenue line is printed
MAIN = "main"  # 主营业务收入 (pre-2006 PRC format): only when neither is printed, and then for review, since
#                营业收入 also counts 其他业务收入
PREFERENCE = (REVENUE, TOTAL, MAIN)

_CN_NUMERAL = "一二三四五六七八九十"
_CN_LEAD = re.compile(rf"^(?:[{_CN_NUMERAL}]+[、.]|\(?[{_CN_NUMERAL}\d]{{1,3}}\)|\d{{1,2}}[、.)]|"
                      r"其中:|加:|减:|包括:|:)+")
_CN_TRAIL = re.compile(rf"(?:[(]?(?:附注|注释?)?[{_CN_NUMERAL}\d]+(?:[、.-]\d+)*"
                       rf"(?:\([\da-z{_CN_NUMERAL}]+\))*[)]?|:)+$")
_CN_LABELS = {"营业收入": REVENUE, "营业收入合计": REVENUE, "营业总收入": TOTAL, "主营业务收入": MAIN,
              # Hong Kong (Traditional read as Simplified): 營業額 (turnover), 收入 / 收益 (revenue, HKFRS 15)
              "营业额": REVENUE, "收入": REVENUE, "收益": REVENUE, "客户合约收入": REVENUE, "总收入": TOTAL,
              "收入总额": TOTAL, "总营业额": TOTAL}

_EN_LEAD = re.compile(r"^(?:\(?[ivx]{1,4}\)|\(?[a-h]\)|\d{1,2}[.)]|less:|add:|including:|of which:)\s*")
_EN_TRAIL = re.compile(r"(?:\s*(?:note\s*)?\(?\d{1,2}(?:\.\d{1,2})?(?:\([a-z]\))?\)?|[\s:,])+$")
_EN_LABELS = {
    "revenue": REVENUE,
    "revenues": REVENUE,
    "operating revenue": REVENUE,
    "operating revenues": REVENUE,
    "revenue from contracts with customers": REVENUE,
    "turnover": REVENUE,
    "net sales": REVENUE,
    "sales": REVENUE,
    "net revenue": REVENUE,
    "net revenues": REVENUE,
    "total revenue": TOTAL,
    "total revenues": TOTAL,
    "total operating revenue": TOTAL,
    "total operating revenues": TOTAL,
    "total net sales": TOTAL,
    "total net revenue": TOTAL,
    "total net revenues": TOTAL,
    "total turnover": TOTAL,
}


def strip_note_ref(label: str) -> str:
    """A label without the note reference printed after it ('营业收入 五、30' -> '营业收入')."""
    return _CN_TRAIL.sub("", compact(label)) if HAN.search(label) else label


def chinese_part(text: str) -> str:
    """The Chinese label of a bilingual cell: '一、营业收入 Operating revenue' -> '一、营业收入'."""
    squeezed = compact(text)
    return re.sub(r"[A-Za-z][A-Za-z'&,.\-/ ]*", "", squeezed)


_BARE = ("收入", "收益")


def bare_word(label: str) -> bool:
    """收入 / 收益 alone: Hong Kong's revenue line, but in a PRC statement also the last line of a wrapped label
    (加：其他 / 收益), which is read with the lines above it."""
    return HAN.search(label) is not None and _CN_TRAIL.sub("", _CN_LEAD.sub("", chinese_part(label))) in _BARE


_PRC_ITEMS = re.compile(r"营业成本|营业利润|利润总额|税金及附加|营业外收入|会企02表")


def prc_statement(text: str) -> bool:
    """The text of a statement in the PRC format (营业成本, 营业利润, 利润总额 ..., however wrapped)."""
    return bool(_PRC_ITEMS.search(compact(text)))


def revenue_kind(label: str) -> str | None:
    """REVENUE, TOTAL, MAIN or None for a row's label text."""
    if HAN.search(label):
        cn = chinese_part(label)
        for _ in range(3):
            cn = _CN_LEAD.sub("", cn)
        cn = _CN_TRAIL.sub("", cn)
        kind = _CN_LABELS.get(cn)
        if kind:
            return kind
    english = re.sub(r"[" + HAN_CHARS + r"\uff00-\uffef、：，（）]+", " ", single_spaced(label).lower())
    english = single_spaced(english)
    for _ in range(2):
        english = _EN_LEAD.sub("", english)
    english = _EN_TRAIL.sub("", english).strip()
    return _EN_LABELS.get(english)


# --------------------------------------------------------------------------------------- statement titles
# A title is a whole line: the statement's name, perhaps numbered (3、), with the company or the year before it,
# "(续)" / "(continued)" or the period after it. A sentence that mentions 利润表 is never a title, so summary
# tables (利润表及现金流量表相关科目变动分析表) and notes (合并利润表项目注释) start no statement.
# After the title: the Ministry of Finance form number (会企02表) and/or the period (2019年度, 2019年1-12月).
_CN_FORM_CODE = r"(?:会(?:企|合)0\d表)?(?:\d{4}年(?:度|1-12月|1—12月|1月-12月))?(?:会(?:企|合)0\d表)?"
_CN_ENUM = r"(?:[一二三四五六七八九十]{1,3}[、.]|\(?[一二三四五六七八九十\d]{1,2}\)|\d{1,2}[、.])?"
# 综合 is Hong Kong's 'consolidated' (綜合損益表, 綜合損益及其他全面收益表).
_CN_INCOME = re.compile(_CN_ENUM + r"(?:.{2,40}?(?:公司|集团))?(?:\d{4}年(?:度|1-12月)?)?"
                        r"(合并及母公司|合并及公司|合并|母公司|公司|综合)?(利润表|损益表|利润及利润分配表|综合收益表|"
                        r"损益及其他全面收益表|全面收益表|收益表)"
                        r"(?:\(续(?:表)?\)|续表)?" + _CN_FORM_CODE)
_CN_OTHER = re.compile(_CN_ENUM + r"(?:.{2,40}?(?:公司|集团))?(?:合并及母公司|合并及公司|合并|母公司|公司|综合)?"
                       r"(?:资产负债表|现金流量表|所有者权益变动表|股东权益变动表|财务状况表|权益变动表)"
                       r"(?:\(续(?:表)?\)|续表)?"
                       + _CN_FORM_CODE)
_EN_NAME = (r"(?:(consolidated|company|parent company|group) )?(?:statements? of (?:consolidated )?"
            r"(?:profit or loss(?: and other comprehensive income)?|comprehensive income|income|earnings|"
            r"operations(?: and comprehensive (?:income|loss))?|profit and loss)|income statements?|"
            r"profit and loss accounts?)")
_EN_COMPANY = r"(?:[\w&.,' -]{1,60}(?:inc\.?|ltd\.?|limited|corporation|corp\.?|plc|group|company|co\.|llc|holdings) )?"
_EN_INCOME = re.compile(_EN_COMPANY + _EN_NAME + r"(?: \(continued\))?(?: for the .{4,60})?"
                        r"(?: \((?:in|expressed in|amounts in) [^)]{2,60}\))?")
_EN_OTHER = re.compile(_EN_COMPANY + r"(?:consolidated |company )?(?:balance sheets?|statements? of "
                       r"(?:financial position|cash flows?|changes in (?:shareholders'|stockholders'|owners' )?equity|"
                       r"(?:shareholders'|stockholders') equity))(?: \(continued\))?"
                       r"(?: (?:as )?(?:at|of|for) .{4,60})?")


def _spaces_optional(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same English pattern with every space optional: OCR often drops one ('Statementof profit')."""
    return re.compile(pattern.pattern.replace(" ", " ?"), pattern.flags)


_EN_INCOME_OCR = _spaces_optional(_EN_INCOME)
_EN_OTHER_OCR = _spaces_optional(_EN_OTHER)


def statement_title(line: str) -> tuple[bool, bool] | None:
    """(is consolidated, is parent-only) when the whole line is an income-statement title, else None:
    '3、合并利润表', '母公司利润表（续）', 'CONSOLIDATED STATEMENTS OF INCOME',
    'Consolidated Profit and Loss Account'."""
    squeezed = chinese_part(line)
    if squeezed and len(squeezed) <= 50:
        match = _CN_INCOME.fullmatch(squeezed)
        if match:
            prefix = match[1] or ""
            return ("合并" in prefix or prefix == "综合", prefix in ("母公司", "公司"))
    english = single_spaced(line).lower().rstrip(" :")
    if len(english) <= 140 and not HAN.search(english):
        match = _EN_INCOME.fullmatch(english) or _EN_INCOME_OCR.fullmatch(english)
        if match:
            qualifier = match[1] or ""
            consolidated = qualifier in ("consolidated", "group") or "consolidated" in english
            return (consolidated, "company" in qualifier and not consolidated)
    return None


def other_statement_title(line: str) -> bool:
    """The whole line titles another statement (balance sheet, cash flows, changes in equity): where the
    income statement before it ends."""
    squeezed = chinese_part(line)
    if squeezed and len(squeezed) <= 50 and _CN_OTHER.fullmatch(squeezed):
        return True
    english = single_spaced(line).lower().rstrip(" :")
    return len(english) <= 140 and not HAN.search(english) and bool(_EN_OTHER.fullmatch(english)
                                                                    or _EN_OTHER_OCR.fullmatch(english))


def title_at(lines: list[str], number: int) -> tuple[tuple[bool, bool], int] | None:
    """The income-statement title starting on line `number`, printed whole or wrapped onto the next line
    ('Statement of profit or loss and other comprehensive' / 'income'); with the number of lines it takes."""
    title = statement_title(lines[number])
    if title is not None:
        return title, 1
    if number + 1 < len(lines) and len(lines[number]) > 12:
        title = statement_title(lines[number] + " " + lines[number + 1])
        if title is not None:
            return title, 2
    return None


# ---------------------------------------------------------------------------------------- column headers
CURRENT, PRIOR, NOTE = "current", "prior", "note"
_CURRENT_WORDS = re.compile(r"本期|本年|本报告期|当期|本月|current|thisyear|thisperiod")
_PRIOR_WORDS = re.compile(r"上期|上年|前期|同期|比较|prior|previous|lastyear|comparative|precedingyear")
_NOTE_WORDS = re.compile(r"附注|注释|行次|栏次|notes?\b|^注$|^line$")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")
_CN_YEAR = re.compile(r"([〇○零一二])" + r"([〇○零一二三四五六七八九])" * 3 + "年")
_CN_DIGIT = {char: digit for digit, chars in enumerate(("〇○零", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
             for char in chars}


def column_kind(header: str) -> str | None:
    """CURRENT / PRIOR / NOTE from a column's header text, or None when the words do not say."""
    squeezed = compact(header).lower()
    current, prior = _CURRENT_WORDS.search(squeezed), _PRIOR_WORDS.search(squeezed)
    if current and not prior:
        return CURRENT
    if prior and not current:
        return PRIOR
    if _NOTE_WORDS.search(squeezed) and not _YEAR.search(squeezed):
        return NOTE
    return None


def header_years(header: str) -> list[int]:
    """Years a header names ('30 Nov 2030', '2026年度'), read with its spaces kept so that a note number
    printed next to a year does not fuse with it."""
    spelled = [int("".join(str(_CN_DIGIT[char]) for char in match)) for match in _CN_YEAR.findall(compact(header))]
    return [int(year) for year in _YEAR.findall(single_spaced(header))] + [year for year in spelled
                                                                              if 1980 <= year <= 2099]
