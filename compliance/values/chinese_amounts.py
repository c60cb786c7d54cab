"""Amounts, share counts and dates as Chinese legal documents write them (issue 32).

An amount of money is written in capitals (大写) next to its figures, to the fen, as PRC payment practice
requires: 人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整. A count of shares: 3,000,000股（大写：叁佰万股）. A date:
2027年1月29日. Exact from the Decimal or the int: no float anywhere; an amount with a fraction of a fen is refused,
never rounded. tests/test_chinese_amounts.py checks every figure against cn2an, written independently.

The rules (the PBOC's 正确填写票据和结算凭证的基本规定):
- each group of four digits is read 仟佰拾; 万 and 亿 close the groups above the units;
- one 零 stands for any run of zeros inside the number, and for a group that starts below 仟 after a
  non-zero group ("柒亿零贰佰…"); zeros at the end of the number are not read;
- 元 ends the yuan; then 角 and 分; 整 follows an amount that ends at 元 or at 角; a 分 after a zero 角 is
  preceded by 零 (壹元零伍分).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿", "万亿")  # 万亿 = 10^12: far beyond any amount or count of this deal


class NotExact(ValueError):
    """An amount that cannot be written in capitals without rounding (a fraction of a fen)."""


def _group(value: int) -> str:
    """1..9999 in capitals, zeros inside read as one 零, leading and trailing zeros not read."""
    read, zero = "", False
    for digit, unit in zip(f"{value:04d}", _IN_GROUP, strict=True):
        if digit == "0":
            zero = zero or bool(read)
            continue
        if zero:
            read += "零"
            zero = False
        read += DIGITS[int(digit)] + unit
    return read


def capitals(number: int) -> str:
    """A whole number in capitals: 3000000 -> 叁佰万; 0 -> 零; 1010 -> 壹仟零壹拾."""
    if number < 0:
        raise ValueError("a negative number has no capitals here")
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    if len(groups) > len(_GROUPS):
        raise ValueError("the number is too large to write in capitals")
    read, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = pending_zero or bool(read)
            continue
        if read and (pending_zero or group < 1000):
            read += "零"
        read += _group(group) + _GROUPS[index]
        pending_zero = False
    return read


def rmb_capitals(amount: Decimal) -> str:
    """人民币 and the amount in capitals, to the fen: Decimal('702345678.90') ->
    人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise ValueError("an amount in capitals must be a non-negative Decimal")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise NotExact(f"{amount} has a fraction of a fen; it is written in capitals only as it stands, exact")
    yuan, cents = divmod(int(fen), 100)
    jiao, fen_digit = divmod(cents, 10)
    read = capitals(yuan) + "元" if yuan or not cents else ""
    if not cents:
        return f"人民币{read}整"
    if jiao:
        read += DIGITS[jiao] + "角"
    elif yuan:
        read += "零"
    if fen_digit:
        read += DIGITS[fen_digit] + "分"
    else:
        read += "整"
    return f"人民币{read}"


def shares_capitals(count: int) -> str:
    """3000000 -> 3,000,000股（大写：叁佰万股）."""
    return f"{count:,}股（大写：{capitals(count)}股）"


def chinese_date(day: dt.date) -> str:
    """date(2027, 1, 29) -> 2027年1月29日."""
    return f"{day.year}年{day.month}月{day.day}日"
