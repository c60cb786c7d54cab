"""Issue 32: letters in Chinese and bilingual. Read as a user would, in the PDF and the DOCX: every amount and
share count written in capitals (大写) next to its figures, each checked against its figure; the same words in
both formats; no English label in a Chinese letter; the prevailing-text clause and the translation mark in a
bilingual one; Chinese names as open items until given; and a run in another language approved as prepared."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import cn2an
import pytest
from helpers.document_text import docx_text, pdf_text, squash
from helpers.examples import WORKED_EXAMPLES

from compliance.contract import load_contract
from compliance.documents import Renderer, render_year
from compliance.rules.earnout import assess_year
from compliance.values.chinese_amounts import rmb_capitals

SHARES = re.compile(r"([0-9][0-9,]*)股（大写：([零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)股）")
MONEY = re.compile(r"人民币([0-9][0-9,]*\.[0-9]{2})元（大写：(人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)）")
ALL_SHORT = {year: Decimal("600000000.00") for year in range(1, 6)}
CASES = {  # (revenues, year, as_of, the kinds read)
    "year 1 met": (WORKED_EXAMPLES["1"].amounts(), 1, dt.date(2027, 1, 20), ("release-notice",)),
    "year 2 short": (WORKED_EXAMPLES["1"].amounts(), 2, dt.date(2028, 1, 20), ("release-notice", "deduction-notice")),
    "year 5 cancel": (ALL_SHORT, 5, dt.date(2031, 3, 31), ("cancellation-instruction",)),
}


def _render(contract, case: str, language: str, folder):
    amounts, year, as_of, kinds = CASES[case]
    terms = contract.model_copy(update={"language": language})
    revenues = {number: amount for number, amount in amounts.items() if number <= year}
    rendered = render_year(terms, assess_year(terms, revenues, year), as_of=as_of, out_dir=folder, renderer=Renderer())
    return {doc.kind: (joined(pdf_text(doc.pdf_path)), joined(docx_text(doc.docx_path)), doc.open_items)
            for doc in rendered if doc.kind in kinds}


_BREAK = re.compile(r"(?<=[\u2e80-\uffef])\s+|\s+(?=[\u2e80-\uffef])")


def joined(text: str) -> str:
    """The text as read, lines joined: a line break beside a Chinese character is no space (Chinese is set
    without spaces; the PDF breaks its lines anywhere)."""
    return _BREAK.sub("", squash(text))


@pytest.fixture(scope="module")
def contract():
    return load_contract()


@pytest.fixture(scope="module")
def letters(contract, tmp_path_factory):
    found = {}
    for case in CASES:
        for language in ("zh", "bilingual"):
            for kind, read in _render(contract, case, language, tmp_path_factory.mktemp(f"{language}")).items():
                found[(case, language, kind)] = read
    return found


def test_every_amount_and_count_in_capitals_matches_its_figure_in_both_formats(letters):
    checked = 0
    for (case, language, kind), (pdf, docx, _) in letters.items():
        found = {}
        for name, text in (("pdf", pdf), ("docx", docx)):
            counts, amounts = SHARES.findall(text), MONEY.findall(text)
            for figures, capitals in counts:
                assert cn2an.cn2an(capitals, "smart") == int(figures.replace(",", "")), (case, kind, figures)
            for figures, capitals in amounts:
                assert rmb_capitals(Decimal(figures.replace(",", ""))) == capitals, (case, kind, figures)
            found[name] = (counts, amounts)
            checked += len(counts) + len(amounts)
        assert found["pdf"] == found["docx"], f"{case} {language} {kind}: the PDF and the DOCX differ"
        assert found["pdf"][0], f"{case} {language} {kind}: no share count in capitals"
    assert checked > 40


def test_the_release_notice_says_it_in_chinese_legal_drafting(letters):
    pdf, docx, _ = letters[("year 1 met", "zh", "release-notice")]
    for text in (pdf, docx):
        assert "考核结果及股份释放通知" in text and "签订了《股份购买协议》（Securities Purchase Agreement）" in text
        assert "特此通知。" in text and "兹提述" not in text
        assert "经审计的营业收入为人民币702,345,678.90元" \
               "（大写：人民币柒亿零贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整）" in text
        assert "A类普通股3,000,000股（大写：叁佰万股）" in text
        assert "根据《股份购买协议》第5.1条，本次释放应不晚于2027年1月29日（含当日）完成。" in text
        assert "视为于2027年1月23日（发送后第3日）送达" in text
        assert "《托管协议》第3.1(b)条" in text and "联合书面指示" in text


@pytest.mark.parametrize("kind_case", [("year 1 met", "release-notice"), ("year 2 short", "deduction-notice"),
                                       ("year 5 cancel", "cancellation-instruction")])
def test_a_chinese_letter_carries_no_english_label(letters, kind_case):
    case, kind = kind_case
    pdf, docx, _ = letters[(case, "zh", kind)]
    body = docx  # the DOCX body: the letter's words without the open-items list the legal team reads
    for english in ("We refer to", "Notice of Determination", "Deduction Notice", "Written Instruction",
                    "For and on behalf of", "Articles applied", "Date", "Copy", "Courier", "Signed by"):
        assert english not in body.split("Open items in this draft")[0], (kind, english)


def test_a_bilingual_letter_says_which_text_prevails_and_marks_our_translation(letters, contract, tmp_path):
    pdf, docx, _ = letters[("year 2 short", "bilingual", "deduction-notice")]
    for text in (pdf, docx):
        assert "If the two texts differ, the English text prevails." in text
        assert "中英文文本如有不一致，以英文文本为准。" in text
        assert "均为甲方和乙方的译文" in text
        assert "“应由丁方在本协议期满时无偿退还甲方予以注销”（译文）" in text
        assert "We refer to" in text and "签订了《股份购买协议》" in text
    chinese_first = contract.model_copy(update={"prevailing_language": "zh"})
    pdf = _render(chinese_first, "year 1 met", "bilingual", tmp_path)["release-notice"][0]
    assert "the Chinese text prevails" in pdf and "以中文文本为准" in pdf


def test_chinese_names_are_open_items_until_given(letters, contract, tmp_path):
    _, _, items = letters[("year 1 met", "zh", "release-notice")]
    assert any("Party A’s Chinese name" in item for item in items)
    assert any("Party C’s Chinese name" in item for item in items)
    assert any("Party B’s registered Chinese name" in item for item in items)
    parties = contract.parties
    named = contract.model_copy(update={"parties": parties.model_copy(update={
        "party_a": parties.party_a.model_copy(update={"chinese_name": "开心控股"}),
        "party_b": parties.party_b.model_copy(update={"chinese_name": "浙江开心汽车有限公司"}),
        "party_c": parties.party_c.model_copy(update={"chinese_name": "赖方乐"})})})
    pdf, _, items = _render(named, "year 1 met", "zh", tmp_path)["release-notice"]
    assert not any("Chinese name" in item and "Target" not in item for item in items)
    assert "开心控股（甲方）及浙江开心汽车有限公司（乙方）" in pdf and "赖方乐（丙方）" in pdf


def test_a_run_in_another_language_is_approved_as_it_was_prepared(tmp_path):
    from helpers.fakes import FakeToolkit, example_inbox, run_fake

    from compliance.ledger import open_ledger, writer_lock
    from compliance.operations.accounts import add_user
    from compliance.operations.approval import approve_year

    inbox = example_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    run_fake(inbox, out, "2027-01-20", language="bilingual")
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        add_user(ledger, name="bob", role="approver", password="correct horse battery", on=dt.date(2027, 1, 21))
        event = next(e for e in ledger.events(kinds=("instructed",)) if e.year == 1)
        assert event.data["language"] == "bilingual"
        approval = approve_year(ledger, load_contract(), year=1, by="bob", toolkit=FakeToolkit(),
                                at=dt.datetime(2027, 1, 21, 10, 0, tzinfo=dt.UTC))
    assert approval.approved_by == "bob"
