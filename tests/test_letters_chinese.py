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
    "year 1 met": (WORKED_EXAMPLES["1"].amounts(), 1, dt.date(2027, 1, 20), ("release-notice", "joint-instruction")),
    "year 2 short": (WORKED_EXAMPLES["1"].amounts(), 2, dt.date(2028, 1, 20),
                     ("release-notice", "deduction-notice", "joint-instruction")),
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
        assert "视为于2027年1月23日（发送后第三日）送达" in text
        assert "托管代理人应在收到会计师事务所报告及联合书面指示后十（10）个工作日内" in text
        assert "超出目标金额（已完成业绩目标）" in text
        assert "《托管协议》第3.1(b)条" in text and "联合书面指示" in text


@pytest.mark.parametrize("kind_case", [("year 1 met", "release-notice"), ("year 2 short", "deduction-notice"),
                                       ("year 5 cancel", "cancellation-instruction")])
def test_a_chinese_letter_carries_no_english_label(letters, kind_case):
    case, kind = kind_case
    pdf, docx, _ = letters[(case, "zh", kind)]
    body = docx  # the DOCX body: the letter's words without the open-items list the legal team reads
    for english in ("We refer to", "Notice of Determination", "Deduction Notice", "Written Instruction",
                    "For and on behalf of", "Articles applied", "Date", "Copy", "Courier", "Signed by"):
        assert english not in re.split(BODY_END, body)[0], (kind, english)


def test_a_bilingual_letter_says_which_text_prevails_and_marks_our_translation(letters, contract, tmp_path):
    pdf, docx, _ = letters[("year 2 short", "bilingual", "deduction-notice")]
    for text in (pdf, docx):
        assert "If the two texts differ, the English text prevails." in text
        assert "中英文文本如有不一致，以英文文本为准。" in text
        assert "均为甲方和乙方根据该等协议公开披露的英文文本所作的译文" in text  # only what is known: filed in English
        assert "以中英文两种文字写成" in text and "作成" not in text
        assert "our translation of the English text of those agreements as publicly filed" in text
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


# --- the PRC lawyer's second review (/tmp/prc-review/findings.md, points 1-4, 6-16, 22, 24) ---------------------
TARGET = "Zhejiang Ordinary Smile Auto Sales Co., Ltd."
FORMULA = re.compile(r"应扣减股份\s*=\s*（目标营业收入.*?精确值为[^）]*股）")
BODY_END = "Open items in this draft|本草稿的待填写事项"  # the open items the legal team reads, in English


def test_no_invented_target_name_in_any_mode(letters, contract, tmp_path):
    """The contract file's working translation of the Target Company's name is never printed: its English name, and
    a blank for the registered Chinese name until the particular is given (an open item meanwhile)."""
    for (case, language, kind), (pdf, docx, items) in letters.items():
        for text in (pdf, docx):
            assert "浙江平凡微笑" not in text, (case, language, kind)
            assert f"就收购{TARGET}（中文名称：[●以营业执照为准——待填写]）（以下简称“目标公司”）" in text, (case, kind)
            if language == "bilingual":
                assert f"{TARGET} ([● registered Chinese name — to be completed]) (the “Target Company”)" in text
        assert any(item.startswith("the Target Company’s registered Chinese name, as on its business licence")
                   for item in items), (case, language, kind)
        assert not any("浙江平凡微笑" in item for item in items)
    english = _render(contract.model_copy(update={"language": "en"}), "year 1 met", "en", tmp_path)["release-notice"]
    assert "浙江平凡微笑" not in english[0] and "Target Company’s registered Chinese name" in " ".join(english[2])


def test_the_share_consolidation_in_chinese(letters):
    for language in ("zh", "bilingual"):
        for text in letters[("year 1 met", language, "joint-instruction")][:2]:
            assert "其数量按2025年12月1日生效的股份合并（每30股合并为1股）后的股数计算" in text
            assert "股份合并（1-for-30" not in text


def test_one_acknowledgement_and_one_signature_line_for_the_escrow_agent_in_bilingual(letters):
    for case in ("year 1 met", "year 2 short"):
        for text in letters[(case, "bilingual", "joint-instruction")][:2]:
            body = re.split(BODY_END, text)[0]
            assert body.count("Acknowledged and agreed") == 1 and body.count("托管代理人确认并同意。") == 1
            assert body.count("Date of receipt /收到日期：") == 1 and body.count("For and on behalf of /代表") == 3
            assert "By: authorised signatory /授权签字人（签字）：" in body
            assert "并同意按上述指示办理释放股份的过户手续，且不晚于" in body
        zh = re.split(BODY_END, letters[(case, "zh", "joint-instruction")][1])[0]
        assert zh.count("托管代理人确认并同意。") == 1 and zh.count("收到日期：") == 1


def test_the_signature_blocks_in_both_languages_say_the_same(letters):
    for text in letters[("year 1 met", "bilingual", "joint-instruction")][:2]:
        assert "By: legal representative or authorised representative /法定代表人或授权代表（签字）：" in text
        assert "公司盖章" in text and "公章" not in text
    for text in letters[("year 1 met", "zh", "release-notice")][:2]:
        assert "法定代表人或授权代表（签字）：" in text and "公司盖章" in text and "公章" not in text


def test_the_joint_instruction_in_chinese_legal_drafting(letters):
    met = letters[("year 1 met", "zh", "joint-instruction")]
    short = letters[("year 2 short", "zh", "joint-instruction")]
    for text in met[:2]:
        assert "目标公司已完成第一个考核年度业绩目标，超出部分为人民币37,345,678.90元" in text
        assert "以便托管代理人同时收到《托管协议》第3.1条规定的两份文件" in text
    for text in short[:2]:
        assert "目标公司未完成第二个考核年度业绩目标，差额为人民币750,000.00元" in text
        assert "以便托管代理人同时收到会计师事务所书面报告及本联合书面指示。" \
               "本次释放系依据《股份购买协议》第5.2(1)条扣减应扣减股份后作出" in text
        assert "两份文件" not in text  # a shortfall year's report does not confirm the target was achieved
        assert "其处理方式留待全体各方依《股份购买协议》第5.3条另行书面约定" in text
        assert "经全体各方一致书面同意确定" not in text
    for text in met[:2] + short[:2]:
        assert "鉴于该日期晚于本指示视为送达之日（见第" in text and "段），甲方和乙方请托管代理人" in text
        assert "（《股份购买协议》第11.3条），据此，本指示视为于" in text
        assert "未涉及电子邮件或专人送达；发送电子邮件副本系为使托管代理人" in text
        assert "发送后第三日视为送达" in text and "十（10）个工作日内" in text
        assert "（《托管协议》第6.1条及《股份购买协议》第10.1条约定适用中华人民共和国法律）" in text
        assert "经Medallion签字担保（medallion signature guarantee）" in text and "奖章" not in text
        assert "[●保留限制性标注转让或移除该标注后转让——待填写]" in text and "限制性说明" not in text
        assert "在过户代理人处以丙方名义进行簿记登记，或通过DTC交付至丙方的证券经纪账户" in text
        assert "（b）丙方签署的美国国税局W-8BEN表格（受益所有人外国身份证明（个人））" in text
        assert "特此指示。" in text
        assert "适用条款：《股份购买协议》第4.1条、第4.2条、第5.1条" in text and "《托管协议》第1.1条、第3.1条" in text
    for text in letters[("year 2 short", "bilingual", "joint-instruction")][:2]:
        assert "so that the Escrow Agent receives the accounting firm’s written report and this joint written " \
               "instruction together" in text
        assert "holds both documents EA 3.1 requires" not in text
        assert "PRC (EA 6.1; SPA 10.1)" in text or "People’s Republic of China (EA 6.1; SPA 10.1)" in text


def test_the_notices_in_chinese_legal_drafting(letters):
    for kind in ("release-notice", "deduction-notice"):
        for text in letters[("year 2 short", "zh", kind)][:2]:
            assert "其处理方式留待全体各方依《股份购买协议》第5.3条另行书面约定" in text, kind
            assert "以其后考核年度超额部分获得弥补的应扣减股份" in text and "以以后" not in text
            assert "未达目标差额（未完成业绩目标）" in text
            assert text.index("适用条款：") < text.index("特此通知。"), kind  # the closing after the articles
    for text in letters[("year 2 short", "zh", "deduction-notice")][:2]:
        assert "所依据的报告[●会计师事务所报告：事务所名称、报告文号及出具日期——待填写]" in text
        assert "the accounting firm’s report: firm, number and date" not in re.split(BODY_END, text)[0]
        assert "并据此向丙方释放相应的额外股份（甲方和乙方理解为先弥补最早考核年度的差额）" in text
    for text in letters[("year 2 short", "zh", "release-notice")][:2]:  # SPA 5.2(2): half the excess, not all
        assert "以后考核年度营业收入超出目标部分的50%可用于弥补该差额，并据此向丙方释放相应的额外股份" in text


def test_a_chinese_letter_prints_its_blanks_in_chinese(letters):
    ji = letters[("year 1 met", "zh", "joint-instruction")]
    notice = letters[("year 1 met", "zh", "release-notice")]
    for text in ji[:2] + notice[:2]:
        body = re.split(BODY_END, text)[0]
        assert "to be completed" not in body and "to confirm" not in body and "registered Chinese name" not in body
        assert "Yi Yang [●待确认]" in body and "首席财务官[●待确认]" in body
        assert "姓名：[●待填写]" in body
        assert "Kaixin Holdings[●中文名称（如有）——待填写]（甲方）" in body
        assert "Fangle Lai[●中文姓名——待填写]（丙方）" in body
        assert "甲方·开曼群岛·通知地址：[●中文通知地址——待填写]" in body.replace(" ", "")
        assert "乙方·中华人民共和国·通知地址：[●中文通知地址——待填写]" in body.replace(" ", "")
        assert "Party A ·" not in body and "Party B ·" not in body
    for text in ji[:2]:
        assert "[●丁方通知地址——待填写]" in text
    for text in notice[:2]:
        assert "[●丙方通知地址——待填写]" in text


def test_no_capitals_inside_a_formula_and_every_other_amount_in_capitals(letters):
    """The SPA 5.2(1) formula gives its amounts in figures (their capitals are given where each is first stated);
    every other RMB amount in a Chinese text is in figures and capitals."""
    formulas = 0
    for (case, language, kind), (pdf, docx, _) in letters.items():
        for text in (pdf, docx):
            text = re.split(BODY_END, text)[0]
            for formula in FORMULA.findall(text):
                formulas += 1
                assert "大写" not in formula, (case, kind)
                assert "（人民币732,000,000.00元−人民币731,250,000.00元）÷人民币732,000,000.00元" \
                       in formula.replace(" ", "")
            rest = FORMULA.sub("", text)
            for amount in re.finditer(r"人民币[0-9][0-9,]*\.[0-9]{2}元", rest):
                assert rest[amount.end():amount.end() + 4] == "（大写：", (case, language, kind, amount.group())
    assert formulas >= 4  # the deduction notice and the shortfall year's joint instruction, zh and bilingual


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
