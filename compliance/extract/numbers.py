"""Parsers for what a statement prints: amounts, units of account, currencies and dates. Decimal only.

Each parser takes one printed token or phrase and returns None when it is not one: the caller decides
what a missing value means.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.values.text import compact, normalize, single_spaced

# ---------------------------------------------------------------------------------------------- amounts
# After normalize(): ASCII digits, commas, a point; negatives as -x or (x). Thousands groups must be
# well formed so that a note reference such as "5,6" or a date is not read as money.
_AMOUNT = re.compile(r"^(?P<neg>-)?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
_NIL = {"-", "--", "—", "——", "–", "nil", "无"}


def parse_amount(token: str) -> Decimal | None:
    """'702,345,678.90' / '７０２，３４５，６７８．９０' / '(1,234.00)' / '－12.5' -> Decimal; else None."""
    text = normalize(token).strip().replace(" ", "")
    negative = False
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        negative, text = True, text[1:-1]
    match = _AMOUNT.match(text)
    if not match:
        return None
    if match["neg"]:
        if negative:  # "(-12)" is not a way anyone prints money
            return None
        negative = True
    digits = match["int"].replace(",", "") + ("." + match["frac"] if match["frac"] else "")
    value = Decimal(digits)
    return -value if negative else value


def is_nil(token: str) -> bool:
    """A dash or 'nil' printed in place of an amount (zero / not applicable)."""
    return normalize(token).strip().lower() in _NIL


# ------------------------------------------------------------------------------------------------ units
@dataclass(frozen=True)
class Unit:
    label: str  # the unit as reported in the JSON ("元", "千元", "万元", "百万元", "亿元")
    multiplier: Decimal  # yuan per printed unit


UNITS = {
    "元": Unit("元", Decimal(1)),
    "千元": Unit("千元", Decimal(1000)),
    "万元": Unit("万元", Decimal(10000)),
    "百万元": Unit("百万元", Decimal(1000000)),
    "亿元": Unit("亿元", Decimal(100000000)),
}
_BY_MULTIPLIER = {unit.multiplier: unit for unit in UNITS.values()}

# Chinese: 单位：元 / 金额单位：人民币万元 / 单位:千元 (after compact()).
_CN_UNIT = re.compile(r"单位:?(?:人民币|美元|港币|港元)?(百万|千|万|亿)?(?:人民币|美|港)?元|"
                      r"\((?:人民币)?(百万|千|万|亿)?(?:人民币|美|港)?元\)")
# English (after single_spaced().lower()): RMB'000, in thousands, (In millions), RMB million, ...
_EN_UNITS: tuple[tuple[re.Pattern[str], Decimal], ...] = (
    (re.compile(r"(?:rmb|cny|us\$|usd|hk\$|hkd|\$)\s?'000\b|'000"), Decimal(1000)),
    (re.compile(r"\bin (?:(?:rmb|cny|usd|us\$|hk\$|hkd) )?thousands?\b|\bthousands of\b|\b(?:rmb|cny) ?thousands?\b"),
     Decimal(1000)),
    (re.compile(r"\bin (?:(?:rmb|cny|usd|us\$|hk\$|hkd) )?millions?\b|\bmillions of\b|\b(?:rmb|cny) ?millions?\b"),
     Decimal(1000000)),
    (re.compile(r"\bin (?:(?:rmb|cny|usd|us\$|hk\$|hkd) )?billions?\b|\bbillions of\b"), Decimal(1000000000)),
    (re.compile(r"\b(?:expressed|amounts?|stated|presented) in (?:rmb|renminbi|cny|yuan|usd|us\$|hkd|hk\$|"
                r"(?:united states|us|u\.s\.|hong kong|canadian|australian) dollars?)\b|\((?:rmb|usd|us\$)\)|"
                r"\bin (?:rmb|usd|cad|aud|hkd|(?:united states|u\.s\.|hong kong|canadian|australian) dollars)\b"),
     Decimal(1)),
)


# A column-heading row that prints only units (Hong Kong): 千港元 千港元, 附註 人民幣千元 人民幣千元 (after compact()).
_CN_HEADER_UNIT = re.compile(r"^(?:附注|注释|注)?(?:(?:人民币|港币|美元)?(百万|千|万|亿)?(?:人民币|港|美)?元)+$")


def parse_unit(text: str) -> Unit | None:
    """The unit declared in a phrase: '单位：万元' -> 万元; "RMB'000" -> 千元; '(In millions)' -> 百万元."""
    squeezed = compact(text)
    match = _CN_UNIT.search(squeezed) or _CN_HEADER_UNIT.fullmatch(squeezed)
    if match:
        return UNITS[(match[1] or (match[2] if match.re is _CN_UNIT else None) or "") + "元"]
    lower = single_spaced(text).lower()
    for pattern, multiplier in _EN_UNITS:
        if pattern.search(lower):
            return _BY_MULTIPLIER.get(multiplier, Unit(f"x{multiplier}", multiplier))
    return None


# The unit as reported carries its currency: 元 / 千元 / 万元 ... are RMB units; another currency's unit is named
# with the currency ("US$ million", "HK$'000"), never with 元.
_SYMBOLS = {"USD": "US$", "HKD": "HK$", "CAD": "C$", "AUD": "A$"}
_SCALES = {Decimal(1): "", Decimal(1000): "'000", Decimal(10000): " ten thousand", Decimal(1000000): " million",
           Decimal(100000000): " hundred million", Decimal(1000000000): " billion"}
_LABEL = re.compile(r"^(US\$|HK\$|C\$|A\$|[A-Z]{3})("
                    + "|".join(re.escape(scale) for scale in _SCALES.values() if scale) + r")?$")


def unit_label(unit: Unit, currency: str | None) -> str:
    """The unit as reported: its Chinese label for RMB (or no currency named), else the currency's symbol and
    the scale (USD thousands -> "US$'000", HKD millions -> "HK$ million")."""
    if currency in (None, "CNY"):
        return unit.label
    scale = _SCALES.get(unit.multiplier)
    symbol = _SYMBOLS.get(currency, currency)
    return symbol + scale if scale is not None else f"{symbol} x{unit.multiplier}"


def unit_of_label(label: str | None) -> Unit | None:
    """The unit a reported label means (UNITS' labels and unit_label's), or None."""
    if not label:
        return None
    if label in UNITS:
        return UNITS[label]
    match = _LABEL.match(label)
    if match is None:
        return None
    multiplier = next(value for value, scale in _SCALES.items() if scale == (match[2] or ""))
    return Unit(label, multiplier)


def unit_after_amount(text: str) -> Unit | None:
    """The unit written right after an amount in running text: '70,234.57万元', 'RMB702.3 million'."""
    squeezed = compact(text)
    for label in ("百万元", "亿元", "千元", "万元", "元"):
        if squeezed.startswith(label):
            return UNITS[label]
    lower = single_spaced(text).lower()
    for word, multiplier in (("billion", 1000000000), ("million", 1000000), ("thousand", 1000)):
        if lower.startswith(word):
            return _BY_MULTIPLIER.get(Decimal(multiplier), Unit(f"x{multiplier}", Decimal(multiplier)))
    return None


# ------------------------------------------------------------------------------------------- currencies
_CURRENCIES = (  # order matters: 美元 and 港元 before the bare 元 of RMB
    (re.compile(r"美元|US\$|\bUSD\b|U\.S\. dollars?|United States dollars?"), "USD"),
    (re.compile(r"港元|港币|HK\$|\bHKD\b|Hong Kong dollars?"), "HKD"),
    (re.compile(r"欧元|\bEUR\b|€"), "EUR"),
    (re.compile(r"加元|加拿大元|\bC\$|\bCA\$|\bCAD\b|Canadian dollars?"), "CAD"),
    (re.compile(r"澳元|\bA\$|\bAU\$|\bAUD\b|Australian dollars?"), "AUD"),
    (re.compile(r"英镑|£|\bGBP\b|pounds? sterling"), "GBP"),
    (re.compile(r"人民币|\bRMB|\bCNY\b|Renminbi|¥|￥"), "CNY"),
)


def parse_currency(text: str) -> str | None:
    """The currency a phrase names (ISO code), or None: '人民币元' -> CNY, "RMB'000" -> CNY, '美元' -> USD; of
    several, the first printed ('RMB RMB US$': a convenience translation follows the statement's own columns)."""
    squeezed = single_spaced(text)
    found = [(match.start(), code) for pattern, code in _CURRENCIES if (match := pattern.search(squeezed))]
    return min(found)[1] if found else None


# ------------------------------------------------------------------------------------------------ dates
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "〇○零一二两三四五六七八九十"
_CN_DATE = re.compile(
    rf"(?P<y>[0-9{_CN_NUMERAL}Oo]{{4}})年(?P<m>[0-9{_CN_NUMERAL}]{{1,3}})月(?P<d>[0-9{_CN_NUMERAL}]{{1,3}})日"
)
_MONTHS = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?P<mn>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_DMY = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*" + _MONTH_RE + r",?\s+(?P<y>\d{4})\b", re.I)
_EN_MDY = re.compile(r"\b" + _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I)
_ISO = re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b")


def _cn_number(text: str) -> int | None:
    """'15', '十五', '二十一', '三十', '十', '一' -> int; digits-only Chinese ('二〇二七') read positionally."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        if "十" in units:
            return None
        high = 1 if tens == "" else _CN_DIGITS.get(tens) if len(tens) == 1 else None
        low = 0 if units == "" else _CN_DIGITS.get(units) if len(units) == 1 else None
        if high is None or low is None:
            return None
        return high * 10 + low
    value = 0
    for char in text:
        digit = int(char) if char.isdigit() else _CN_DIGITS.get(char)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


def _make_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class FoundDate:
    value: dt.date
    start: int  # span in the normalised text the finder was given
    end: int


def find_dates(text: str) -> list[FoundDate]:
    """Every date printed in `text` (already compact() for Chinese), in order of appearance:
    2027年1月15日, 二〇二七年一月十五日, 15 January 2027, January 15, 2027, 2027-01-15."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(value: dt.date | None, start: int, end: int) -> None:
        if value is not None and not any(s < end and start < e for s, e in taken):
            found.append(FoundDate(value, start, end))
            taken.append((start, end))

    for m in _CN_DATE.finditer(text):
        add(_make_date(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"])), m.start(), m.end())
    for m in _EN_DMY.finditer(text):
        add(_make_date(int(m["y"]), _MONTHS[m["mn"].lower()], int(m["d"])), m.start(), m.end())
    for m in _EN_MDY.finditer(text):
        add(_make_date(int(m["y"]), _MONTHS[m["mn"].lower()], int(m["d"])), m.start(), m.end())
    for m in _ISO.finditer(text):
        add(_make_date(int(m["y"]), int(m["m"]), int(m["d"])), m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> dt.date | None:
    """The single date a phrase prints ('二〇二七年一月十五日' -> 2027-01-15), or None."""
    prepared = normalize(text).strip()
    squeezed = compact(prepared) if _CN_DATE.search(compact(prepared)) else prepared
    dates = find_dates(squeezed)
    return dates[0].value if len(dates) == 1 else None
