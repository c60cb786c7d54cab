"""What the Chinese text of a letter needs beyond words (issue 32): article references as Chinese drafting cites
them (SPA 5.2(1) -> 《股份购买协议》第5.2(1)条), amounts and share counts in figures and capitals, dates."""

from __future__ import annotations

import re
from decimal import Decimal

from compliance.values.chinese_amounts import chinese_date, rmb_capitals, shares_capitals

AGREEMENTS = {"SPA": "《股份购买协议》", "EA": "《托管协议》"}
_CIVIL_CODE = re.compile(r"PRC Civil Code art(?:icle|\.)?\s*([0-9]+)")
_REFERENCE = re.compile(r"(SPA|EA)\s+(?:Article\s+)?([0-9][0-9.]*(?:\([0-9a-z]+\))*)")


def article_zh(reference: str) -> str:
    """'SPA 5.2(1)' -> '《股份购买协议》第5.2(1)条'; 'EA Article 2' -> '《托管协议》第2条'; several, joined by '、';
    'PRC Civil Code art. 585' -> '《中华人民共和国民法典》第585条'."""
    code = _CIVIL_CODE.fullmatch(str(reference).strip())
    if code:
        return f"《中华人民共和国民法典》第{code.group(1)}条"
    found = [f"{AGREEMENTS[agreement]}第{number}条" for agreement, number in _REFERENCE.findall(str(reference))]
    return "、".join(found) if found else str(reference)


def rmb_zh(amount: Decimal) -> str:
    """人民币702,345,678.90元（大写：人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整）."""
    return f"人民币{amount:,.2f}元（大写：{rmb_capitals(amount)}）"


_DIGITS = "零一二三四五六七八九"


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


FILTERS = {"zh_date": chinese_date, "rmb_zh": rmb_zh, "shares_zh": shares_capitals, "article_zh": article_zh,
           "year_zh": year_zh, "usd_zh": usd_zh}
