"""Property tests of the parsers the extractor reads figures with: amounts, units and dates, as statements
print them (full-width digits and commas, brackets and minus signs, 万元 and RMB'000, 二〇二七年一月十五日)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.extract.numbers import parse_amount, parse_currency, parse_date, parse_unit
from compliance.values.text import name_key

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
CN_DIGITS = "〇一二三四五六七八九"

amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999999999.99"), places=2)


def grouped(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(amounts, st.booleans())
def test_amount_grouped_or_plain_reads_exactly(value: Decimal, with_commas: bool) -> None:
    printed = grouped(value) if with_commas else f"{value:.2f}"
    assert parse_amount(printed) == value


@given(amounts, st.booleans())
def test_amount_full_width_digits_and_commas(value: Decimal, all_full_width: bool) -> None:
    printed = grouped(value)
    printed = printed.translate(FULL_WIDTH) if all_full_width else printed.replace(",", "，")
    assert parse_amount(printed) == value


@given(amounts.filter(lambda v: v > 0), st.sampled_from(["({})", "（{}）", "-{}", "－{}", "−{}"]))
def test_amount_negative_in_brackets_or_with_any_minus(value: Decimal, form: str) -> None:
    assert parse_amount(form.format(grouped(value))) == -value


@given(st.integers(min_value=0, max_value=10**12))
def test_amount_whole_numbers_in_thousands_columns(value: int) -> None:
    assert parse_amount(f"{value:,}") == Decimal(value)


@pytest.mark.parametrize("token", ["五、30", "1,23", "12,3456.00", "(-5)", "", "—", "RMB", "2026年", "1.2.3"])
def test_amount_refuses_what_is_not_an_amount(token: str) -> None:
    assert parse_amount(token) is None


UNIT_PHRASES = {
    "元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "百万元": Decimal(10**6), "亿元": Decimal(10**8),
}


@given(st.sampled_from(sorted(UNIT_PHRASES)), st.sampled_from(["单位", "金额单位"]), st.sampled_from(["：", ":"]),
       st.sampled_from(["", "人民币"]), st.booleans())
def test_unit_chinese_declarations(label: str, lead: str, colon: str, currency: str, spaced: bool) -> None:
    phrase = f"{lead}{colon}{currency}{label}"
    if spaced:
        phrase = " ".join(phrase)
    unit = parse_unit(phrase)
    assert unit is not None and unit.multiplier == UNIT_PHRASES[label] and unit.label == label


@pytest.mark.parametrize("phrase, multiplier, label", [
    ("RMB'000", 1000, "千元"),
    ("RMB’000", 1000, "千元"),
    ("(Expressed in RMB'000)", 1000, "千元"),
    ("Amounts in thousands of RMB", 1000, "千元"),
    ("in thousands", 1000, "千元"),
    ("(In millions)", 10**6, "百万元"),
    ("(In millions of Renminbi)", 10**6, "百万元"),
    ("RMB million", 10**6, "百万元"),
    ("Expressed in RMB", 1, "元"),
    ("(Expressed in United States dollars)", 1, "元"),
])
def test_unit_english_declarations(phrase: str, multiplier: int, label: str) -> None:
    unit = parse_unit(phrase)
    assert unit is not None and unit.multiplier == Decimal(multiplier) and unit.label == label


@pytest.mark.parametrize("phrase, code", [
    ("单位：元 币种：人民币", "CNY"), ("单位：美元", "USD"), ("RMB'000", "CNY"),
    ("(Expressed in United States dollars)", "USD"), ("港元", "HKD"), ("单位：元", None),
])
def test_currency_named_by_a_phrase(phrase: str, code: str | None) -> None:
    assert parse_currency(phrase) == code


def chinese_numeral(number: int) -> str:
    """1..31 as a date prints it: 一 .. 十 .. 十五 .. 二十一 .. 三十一."""
    tens, units = divmod(number, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十"))
    return text + (CN_DIGITS[units] if units else "") if number >= 10 else CN_DIGITS[units]


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates, st.sampled_from(["〇", "零", "○"]))
def test_date_in_chinese_numerals(day: dt.date, zero: str) -> None:
    year = "".join(CN_DIGITS[int(d)] for d in str(day.year)).replace("〇", zero)
    printed = f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"
    assert parse_date(printed) == day


@given(dates, st.booleans(), st.booleans())
def test_date_in_arabic_numerals(day: dt.date, spaced: bool, full_width: bool) -> None:
    printed = f"{day.year} 年 {day.month} 月 {day.day} 日" if spaced else f"{day.year}年{day.month}月{day.day}日"
    if full_width:
        printed = printed.translate(FULL_WIDTH)
    assert parse_date(printed) == day


@given(dates, st.sampled_from(["{d} {M} {y}", "{M} {d}, {y}", "{d} {m} {y}", "{y}-{mm:02d}-{dd:02d}"]))
def test_date_in_english(day: dt.date, form: str) -> None:
    printed = form.format(d=day.day, dd=day.day, M=day.strftime("%B"), m=day.strftime("%b"), y=day.year,
                          mm=day.month)
    assert parse_date(printed) == day


def test_date_report_date_of_the_year_1_example() -> None:
    assert parse_date("二〇二七年一月十五日") == dt.date(2027, 1, 15)
    assert parse_date("二零二七年十二月三十一日") == dt.date(2027, 12, 31)


@pytest.mark.parametrize("printed", ["二〇二七年十三月一日", "2027年2月30日", "32 January 2027", "第 4 页"])
def test_date_refuses_impossible_dates(printed: str) -> None:
    assert parse_date(printed) is None


def test_names_match_across_full_and_half_width_brackets_and_spaces() -> None:
    assert name_key("瓯江明镜会计师事务所（特殊普通合伙）") == name_key("瓯江明镜会计师事务所 (特殊普通合伙)")
    english = "Zhejiang Ordinary Smile Auto Sales Co., Ltd."
    assert name_key(english) == name_key("ZHEJIANG ORDINARY SMILE AUTO SALES CO.,LTD.")
    assert name_key("浙江平凡微笑汽车销售有限公司") != name_key("浙江平凡微笑汽车服务有限公司")
