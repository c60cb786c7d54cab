"""Issue 32: amounts in capitals (大写), share counts and dates as Chinese legal documents write them, checked
against cn2an (an independent implementation) for every amount, and against the worked figures of the deal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.values.chinese_amounts import NotExact, capitals, chinese_date, rmb_capitals, shares_capitals


@pytest.mark.parametrize(("amount", "written"), [
    ("702345678.90", "人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),  # the issue's own example
    ("665000000.00", "人民币陆亿陆仟伍佰万元整"),  # the Year 1 target
    ("732000000.00", "人民币柒亿叁仟贰佰万元整"),
    ("664999999.99", "人民币陆亿陆仟肆佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),  # one fen short of the target
    ("100000001.00", "人民币壹亿零壹元整"),
    ("10.00", "人民币壹拾元整"),
    ("1010.00", "人民币壹仟零壹拾元整"),
    ("110000.00", "人民币壹拾壹万元整"),
    ("1.05", "人民币壹元零伍分"),
    ("0.50", "人民币伍角整"),
    ("0.05", "人民币伍分"),
    ("0.00", "人民币零元整"),
    ("1000000.10", "人民币壹佰万元壹角整"),  # 零 after a 元 ending in zero: optional (PBOC); not written
])
def test_known_amounts_in_capitals(amount, written):
    assert rmb_capitals(Decimal(amount)) == written


@pytest.mark.parametrize(("count", "written"), [
    (3_000_000, "3,000,000股（大写：叁佰万股）"),
    (2_996_926, "2,996,926股（大写：贰佰玖拾玖万陆仟玖佰贰拾陆股）"),
    (3_074, "3,074股（大写：叁仟零柒拾肆股）"),
    (15_000_000, "15,000,000股（大写：壹仟伍佰万股）"),
    (1, "1股（大写：壹股）"),
    (0, "0股（大写：零股）"),
])
def test_share_counts_in_figures_and_capitals(count, written):
    assert shares_capitals(count) == written


def test_a_fraction_of_a_fen_is_refused_never_rounded():
    with pytest.raises(NotExact):
        rmb_capitals(Decimal("1.005"))
    with pytest.raises(ValueError):
        rmb_capitals(Decimal("-1"))


def test_dates_as_chinese_documents_write_them():
    assert chinese_date(dt.date(2027, 1, 29)) == "2027年1月29日"
    assert chinese_date(dt.date(2026, 11, 30)) == "2026年11月30日"


def _cn2an_rmb(amount: Decimal) -> str:
    """cn2an's reading, with 整 after 角 as PRC practice allows (cn2an leaves it off)."""
    read = cn2an.an2cn(format(amount, "f"), "rmb")
    return "人民币" + (read + "整" if read.endswith("角") else read)


@settings(max_examples=1000, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_every_amount_agrees_with_cn2an(fen):
    amount = Decimal(fen).scaleb(-2)
    assert rmb_capitals(amount) == _cn2an_rmb(amount)


@settings(max_examples=1000, deadline=None)
@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_every_count_agrees_with_cn2an_and_reads_back(count):
    assert capitals(count) == cn2an.an2cn(str(count), "up")
    assert cn2an.cn2an(capitals(count), "smart") == count
