"""What the Chinese text of a letter needs beyond words (issue 32): article references as Chinese drafting cites
them (SPA 5.2(1) -> 《股份购买协议》第5.2(1)条), amounts and share counts in figures and capitals, dates."""

from __future__ import annotations

import re
from decimal import Decimal

from compliance.values.chinese_amounts import chinese_date, rmb_capitals, shares_capitals

AGREEMENTS = {"SPA": "《股份购买协议》", "EA": "《托管协议》"}
_REFERENCE = re.compile(r"(SPA|EA)\s+(?:Article\s+)?([0-9][0-9.]*(?:\([0-9a-z]+\))*)")


def article_zh(reference: str) -> str:
    """'SPA 5.2(1)' -> '《股份购买协议》第5.2(1)条'; 'EA Article 2' -> '《托管协议》第2条'; several, joined by '、'."""
    found = [f"{AGREEMENTS[agreement]}第{number}条" for agreement, number in _REFERENCE.findall(str(reference))]
    return "、".join(found) if found else str(reference)


def rmb_zh(amount: Decimal) -> str:
    """人民币702,345,678.90元（大写：人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整）."""
    return f"人民币{amount:,.2f}元（大写：{rmb_capitals(amount)}）"


FILTERS = {"zh_date": chinese_date, "rmb_zh": rmb_zh, "shares_zh": shares_capitals, "article_zh": article_zh}
