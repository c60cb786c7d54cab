"""What the Chinese text of a letter needs beyond words (issue 32): article references as Chinese drafting cites
them (SPA 5.2(1) -> 《股份购买协议》第5.2(1)条), amounts and share counts in figures and capitals, dates."""

from __future__ import annotations

import re
from decimal import Decimal

from compliance.values.chinese_amounts import chinese_date, rmb_capitals, shares_capitals

AGREEMENTS = {"SPA": "《股份购买协议》", "EA": "《托管协议》"}
_CIVIL_CODE = re.compile(r"PRC Civil Code art(?:icle|\.)?\s*([0-9]+)(?:\(([0-9]+)\))?")
_REFERENCE = re.compile(r"(SPA|EA)\s+(?:Article\s+)?([0-9][0-9.]*(?:\([0-9a-z]+\))*)")


def article_zh(reference: str) -> str:
    """'SPA 5.2(1)' -> '《股份购买协议》第5.2(1)条'; 'EA Article 2' -> '《托管协议》第2条'; several, joined by '、';
    'PRC Civil Code art. 585(2)' -> '《中华人民共和国民法典》第五百八十五条第二款' (a statute's articles and paragraphs
    in Chinese numerals, as the Civil Code numbers them)."""
    code = _CIVIL_CODE.fullmatch(str(reference).strip())
    if code:
        paragraph = f"第{chinese_number(int(code.group(2)))}款" if code.group(2) else ""
        return f"《中华人民共和国民法典》第{chinese_number(int(code.group(1)))}条{paragraph}"
    found = [f"{AGREEMENTS[agreement]}第{number}条" for agreement, number in _REFERENCE.findall(str(reference))]
    return "、".join(found) if found else str(reference)


def articles_zh(references: list[str]) -> str:
    """The articles line of a Chinese letter, each agreement named once: ['SPA 4.1', 'SPA 5.1', 'EA 3.1'] ->
    '《股份购买协议》第4.1条、第5.1条；《托管协议》第3.1条' (a reference of another form as article_zh gives it)."""
    groups: list[tuple[str | None, list[str]]] = []
    for reference in references:
        single = _REFERENCE.fullmatch(str(reference).strip())
        agreement, text = (single.group(1), f"第{single.group(2)}条") if single else (None, article_zh(reference))
        if agreement and groups and groups[-1][0] == agreement:
            groups[-1][1].append(text)
        else:
            groups.append((agreement, [text]))
    return "；".join((AGREEMENTS[agreement] if agreement else "") + "、".join(texts) for agreement, texts in groups)


def rmb_zh(amount: Decimal) -> str:
    """人民币702,345,678.90元（大写：人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整）."""
    return f"人民币{amount:,.2f}元（大写：{rmb_capitals(amount)}）"


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """585 -> '五百八十五', 10 -> '十', 105 -> '一百零五' (1 to 9999), as a statute numbers its articles."""
    if not 0 < number < 10000:
        return str(number)
    out, zero = "", False
    for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = number // value % 10
        if digit:
            leading_ten = unit == "十" and digit == 1 and not out  # 十二, not 一十二
            out += ("零" if zero and out else "") + ("" if leading_ten else _DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def count_zh(number: int) -> str:
    """A count of days in a Chinese letter, in words and figures: 10 -> '十（10）'."""
    return f"{chinese_number(int(number))}（{int(number)}）"


def year_zh(number: int) -> str:
    """Assessment Year 1 as Chinese drafting names it: 第一个考核年度 (up to 第九十九个考核年度)."""
    tens, units = divmod(int(number), 10)
    if not 0 < number < 100:
        return f"第{number}个考核年度"
    spoken = (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[units] if units else "")
    return f"第{spoken}个考核年度"


def usd_zh(amount: Decimal) -> str:
    """美元1,234.56元（大写：美元壹仟贰佰叁拾肆元伍角陆分）: a US dollar amount as Chinese drafting states it."""
    return f"美元{amount:,.2f}元（大写：美元{rmb_capitals(amount).removeprefix('人民币')}）"


# The readings of SPA 5.2(2) and the contract's noted discrepancies in Chinese, keyed by their ids in the contract file
# (readings.<id>, discrepancies[].id), for the assessment report (the PRC lawyer's review, finding 21). Each entry
# carries the reference of the contract file's entry it translates; tests/test_letters_chinese_all_kinds.py checks
# that they match, so an entry changed in the contract file without its Chinese here falls back to the English text.
READINGS_ZH = {
    "spa": {
        "name": "默认解释口径",
        "reference": "SPA 5.2(2)",
        "reference_zh": "《股份购买协议》第5.2(2)条",
        "description": "某一考核年度超出部分的一半用于弥补以前考核年度的差额，先弥补最早考核年度的差额"
                       "（该顺序为本报告的理解，《股份购买协议》未作约定）。每一笔用于弥补的金额，按该金额除以被弥补"
                       "考核年度自身的目标营业收入，再乘以对价股份的五分之一，计算向该考核年度对应批次恢复的股份。",
        "formula": "恢复股份 = U ÷ R_k × T，其中U为用于弥补的金额，R_k为被弥补考核年度的目标营业收入，"
                   "T为对价股份的五分之一",
    },
    "spa-excess-year-target": {
        "name": "超额年度目标解释口径",
        "reference": "SPA 5.2(2)",
        "reference_zh": "《股份购买协议》第5.2(2)条",
        "description": "将“该特定期间的目标营业收入”理解为产生超出部分的考核年度的目标营业收入：每一笔用于弥补的"
                       "金额，按该金额除以该超额年度的目标营业收入，再乘以对价股份的五分之一，计算恢复的股份，且不超过"
                       "该批次的应扣减股份。",
        "formula": "恢复股份 = U ÷ R_y × T，以该批次的应扣减股份为上限，其中R_y为产生超出部分的考核年度的目标营业收入",
    },
    "6k-summary": {
        "name": "6-K摘要解释口径",
        "reference": "6-K cover text, \"Consideration Shares are subject to adjustment\"",
        "reference_zh": "6-K封面文字“Consideration Shares are subject to adjustment”",
        "description": "6-K封面文字的表述：仅当营业收入超出目标50%以上时，超出部分方可计入；届时全部超出部分均可"
                       "用于弥补。",
        "formula": None,
    },
}
DISCREPANCIES_ZH = {
    "consideration-denomination": {
        "reference": "6-K cover text; SPA 1.1, 2.2, 3.1",
        "reference_zh": "6-K封面文字；《股份购买协议》第1.1条、第2.2条、第3.1条",
        "summary": "6-K封面文字将对价描述为“合计最多1,500万美元的新发行A类普通股”；《股份购买协议》第1.1条、"
                   "第2.2条及第3.1条将其确定为1,500万股A类普通股。以《股份购买协议》为准：6-K载明其描述以所附文件"
                   "全文为准。",
    },
    "release-condition-shortfall-year": {
        "reference": "EA 3.1(a); SPA 5.2(1)",
        "reference_zh": "《托管协议》第3.1(a)条；《股份购买协议》第5.2(1)条",
        "summary": "《托管协议》第3.1(a)条所述会计师事务所报告，系确认目标公司已完成相应考核年度的业绩目标；"
                   "未完成业绩目标的考核年度减少后的释放，系依据《股份购买协议》第5.2(1)条作出。",
    },
}


def reading_zh(reading: dict) -> dict | None:
    """A reading (the assessment report's context: name, description) in Chinese, or None when none is given for
    it (its entry changed in the contract file, or a reading not listed): the report then quotes the English."""
    found = READINGS_ZH.get(reading.get("name"))
    return found if found and found["reference"] == reading.get("reference", found["reference"]) else None


def discrepancy_zh(item: dict) -> dict | None:
    """A noted discrepancy in Chinese, if given for its id and the same reference; else None (quoted in English)."""
    found = DISCREPANCIES_ZH.get(item.get("id"))
    return found if found and found["reference"] == item.get("reference") else None


FILTERS = {"zh_date": chinese_date, "rmb_zh": rmb_zh, "shares_zh": shares_capitals, "article_zh": article_zh,
           "year_zh": year_zh, "usd_zh": usd_zh, "zh_count": count_zh,
           "zh_number": chinese_number, "articles_zh": articles_zh,
           "reading_zh": reading_zh, "discrepancy_zh": discrepancy_zh}
