"""Issue 32, the rest: every kind of document in English, Chinese and bilingual, read as a user would, in the PDF
(PDFium, page by page, footers included) and the DOCX (python-docx, footers included).

- Every kind renders in every language, with the same words and figures in both formats.
- Every amount and share count in capitals (大写) is checked against its figures, in every kind.
- A Chinese document carries no English label, in its body or its footer; the footer (document ID, page X of Y,
  DRAFT, the privileged legend) is in Chinese, or in both languages in a bilingual document.
- The transfer agent letter and the stock power say that the English text is the one the transfer agent acts on.
- The penalty statement keeps its neutrality in Chinese: no 违约, 应承担, 应支付, 应付, 责任.
- PDF/A-2b and byte-identical output hold in Chinese; the signed kinds keep their signature lines and fields.
- The PRC lawyer's style points: 第一个考核年度, 法定代表人或授权代表, Party B's Chinese address for notices.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
from helpers.document_text import docx_text, squash
from helpers.examples import WORKED_EXAMPLES
from helpers.pdfa import pdfa_problems
from helpers.penalty_case import PRICES as PENALTY_PRICES
from helpers.penalty_case import late_year_1

from compliance.contract import load_contract
from compliance.documents import Renderer, render_year
from compliance.documents.context import READ_IN_ENGLISH
from compliance.documents.penalty_statement import PRIVILEGE, PRIVILEGE_ZH
from compliance.operations.particulars import BY_KEY
from compliance.rules.earnout import assess_year
from compliance.values.chinese_amounts import rmb_capitals

REPO = Path(__file__).resolve().parents[1]
PRICES = PENALTY_PRICES
LANGUAGES = ("en", "zh", "bilingual")
ALL_KINDS = {"joint-instruction", "release-notice", "deduction-notice", "stock-power", "transfer-agent-letter",
             "assessment-report", "cancellation-instruction", "penalty-statement"}
NEW_KINDS = ("transfer-agent-letter", "stock-power", "assessment-report", "penalty-statement")
CAPITAL = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
SHARES = re.compile(rf"([0-9][0-9,]*)股（大写：([{CAPITAL}]+)股）")
MONEY = re.compile(rf"人民币([0-9][0-9,]*\.[0-9]{{2}})元（大写：(人民币[{CAPITAL}元角分整]+)）")
DOLLARS = re.compile(rf"美元([0-9][0-9,]*\.[0-9]{{2}})元（大写：美元([{CAPITAL}元角分整]+)）")
PAGE = re.compile(r"Page\s*\d*\s*of\s*\d*|第\s*\d*\s*页，共\s*\d*\s*页")
_BREAK = re.compile(r"(?<=[\u2e80-\uffef])\s+|\s+(?=[\u2e80-\uffef])")
ALL_SHORT = {year: Decimal("600000000.00") for year in range(1, 6)}
D = dt.date.fromisoformat


def joined(text: str) -> str:
    """Lines joined; a line break beside a Chinese character is no space (Chinese is set without spaces)."""
    return _BREAK.sub("", squash(text))


def pdf_pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def docx_footer(path: Path) -> str:
    import docx

    return "\n".join(p.text for s in docx.Document(str(path)).sections for p in s.footer.paragraphs)


def fields(path: Path) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    with open(path, "rb") as file:
        return sorted(name for name, *_ in enumerate_sig_fields(PdfFileReader(file)))


class Read:
    """One rendered document as its reader sees it."""

    def __init__(self, rendered):
        self.rendered = rendered
        self.pages = pdf_pages(rendered.pdf_path)
        self.pdf = joined("\n".join(self.pages))
        self.body = joined(docx_text(rendered.docx_path))  # the DOCX body
        self.footer = joined(docx_footer(rendered.docx_path))
        self.docx = self.body + " " + self.footer

    def both(self) -> tuple[str, str]:
        return self.pdf, self.docx


def _determinations(contract, language: str, out: Path) -> dict:
    terms = contract.model_copy(update={"language": language})
    found = {}
    amounts = WORKED_EXAMPLES["1"].amounts()
    for revenues, year, as_of in (({n: a for n, a in amounts.items() if n <= 2}, 2, D("2028-01-20")),
                                  (ALL_SHORT, 5, D("2031-03-31"))):
        for doc in render_year(terms, assess_year(terms, revenues, year), as_of=as_of, out_dir=out / f"y{year}",
                               renderer=Renderer()):
            found.setdefault(doc.kind, Read(doc))
    return found


def _penalty(contract, language: str, out: Path, renderer: Renderer | None = None):
    """Year 1 outstanding on 1 March 2027, a dispute 10-20 February left out, both EA 3.1 documents held from
    1 February (as tests/test_letters_privileged_penalty.py): rendered as issued, a DRAFT awaiting approval."""
    terms = contract.model_copy(update={"language": language})
    rendered, _, _, context = late_year_1(terms, out / "penalty-statement", renderer)
    return rendered, context


@pytest.fixture(scope="module")
def contract():
    return load_contract()


@pytest.fixture(scope="module")
def documents(contract, tmp_path_factory) -> dict[str, dict[str, Read]]:
    found = {}
    for language in LANGUAGES:
        out = tmp_path_factory.mktemp(language)
        found[language] = _determinations(contract, language, out)
        found[language]["penalty-statement"] = Read(_penalty(contract, language, out)[0])
    return found


def test_every_kind_renders_in_every_language_in_pdf_and_docx(documents):
    for language in LANGUAGES:
        assert set(documents[language]) == ALL_KINDS, language
        for kind, read in documents[language].items():
            assert read.pages and read.body, (language, kind)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_and_docx_carry_the_same_words_and_figures(documents, language):
    def tokens(text: str) -> set[str]:
        # case aside: the privileged legend is set in capitals by CSS (text-transform) in the PDF only
        return set(re.findall(r"[A-Za-z]+|\d[\d,]*(?:\.\d+)?|[\u3400-\u9fff]", PAGE.sub(" ", text).lower()))

    for kind, read in documents[language].items():
        pdf, docx = tokens(read.pdf), tokens(read.docx)
        assert pdf - docx == set(), (language, kind)
        assert docx - pdf == set(), (language, kind)


@pytest.mark.parametrize("language", ("zh", "bilingual"))
def test_every_amount_and_count_in_capitals_matches_its_figure_in_every_kind(documents, language):
    for kind, read in documents[language].items():
        found = {}
        for name, text in zip(("pdf", "docx"), read.both(), strict=True):
            counts, amounts, dollars = SHARES.findall(text), MONEY.findall(text), DOLLARS.findall(text)
            for figures, capitals in counts:
                assert cn2an.cn2an(capitals, "smart") == int(figures.replace(",", "")), (kind, figures)
            for figures, capitals in amounts:
                assert rmb_capitals(Decimal(figures.replace(",", ""))) == capitals, (kind, figures)
            for figures, capitals in dollars:
                assert "美元" + rmb_capitals(Decimal(figures.replace(",", ""))).removeprefix("人民币") \
                       == "美元" + capitals, (kind, figures)
            found[name] = (counts, amounts, dollars)
        assert found["pdf"] == found["docx"], f"{language} {kind}: the PDF and the DOCX differ"
        assert found["pdf"][0], f"{language} {kind}: no share count in capitals"
    statement = documents[language]["penalty-statement"].pdf
    assert DOLLARS.search(statement), "the exposure figure in figures and capitals"
    assert MONEY.search(documents[language]["assessment-report"].pdf), "the audited revenue in capitals"


# English labels and words a Chinese document never prints (the names of parties, the SPA 8.2 quotation and what
# the contract file and the report reader give in English are quoted as they stand)
ENGLISH_LABELS = ("Date", "Copy", "Transferee", "Address", "Registration", "Enclosures", "Instruction",
                  "Signed", "For and on behalf of", "Articles applied", "Executed by", "Signature guaranteed",
                  "Page", "Document ID", "DRAFT", "Step", "Working", "Result", "Reading of", "Days counted",
                  "Schedule", "Notes", "Purpose", "Privileged", "Total", "Limit", "Language", "Assessment Year",
                  "authorised signatory", "Name:", "Title:", "shares", "Set ID", "We refer", "Please")


@pytest.mark.parametrize("kind", sorted(ALL_KINDS - READ_IN_ENGLISH))
def test_a_chinese_document_carries_no_english_label_in_its_body_or_footer(documents, kind):
    read = documents["zh"][kind]
    for text in (read.docx, read.pdf):
        text = re.split("Open items in this draft|本草稿的待填写事项", text)[0]
        text = re.sub(r"各函件签署前的待填写事项.*?输入数据", "", text)  # the letters' open items, as listed
        # the readings and the discrepancies are in Chinese (documents.chinese.READINGS_ZH, DISCREPANCIES_ZH)
        text = re.sub(r'"If Party A.*?not released\."', "", text)  # SPA 8.2 quoted, the contract's own words
        for english in ENGLISH_LABELS:
            assert english not in text, (kind, english)


@pytest.mark.parametrize("kind", sorted(set(NEW_KINDS) - READ_IN_ENGLISH))
def test_the_footer_is_in_chinese_in_zh_and_in_both_in_bilingual(documents, kind):
    zh, bilingual = documents["zh"][kind], documents["bilingual"][kind]
    count = len(zh.pages)
    for number, page in enumerate(zh.pages, start=1):
        assert f"第{number}页，共{count}页" in joined(page) and "文件编号：" in joined(page)
        assert "Page" not in page and "Document ID" not in page
    assert "文件编号：" in zh.footer and "第" in zh.footer and "页，共" in zh.footer
    assert "Document ID" not in zh.footer and "Page" not in zh.footer and "DRAFT" not in zh.footer
    assert "草稿" in zh.footer  # every document here is a draft: open items, or awaiting approval
    count = len(bilingual.pages)
    for number, page in enumerate(bilingual.pages, start=1):
        page = joined(page)
        assert f"Page {number} of {count}" in page and f"第{number}页，共{count}页" in page
        assert "Document ID /文件编号：" in page and "DRAFT /草稿" in page  # (joined: no space beside Chinese)
    assert "Document ID /文件编号：" in bilingual.footer and "Page" in bilingual.footer and "页，共" in bilingual.footer


def test_the_privileged_legend_is_in_chinese_on_every_page(documents):
    zh, bilingual = documents["zh"]["penalty-statement"], documents["bilingual"]["penalty-statement"]
    for page in zh.pages:
        assert PRIVILEGE_ZH in joined(page) and PRIVILEGE.lower() not in page.lower()
    for page in bilingual.pages:
        assert PRIVILEGE_ZH in joined(page) and PRIVILEGE.lower() in page.lower()
    assert PRIVILEGE_ZH in zh.footer and PRIVILEGE not in zh.footer
    assert PRIVILEGE_ZH in bilingual.footer and PRIVILEGE in bilingual.footer


@pytest.mark.parametrize("kind", sorted(READ_IN_ENGLISH))
def test_what_the_transfer_agent_acts_on_is_never_in_chinese_alone(documents, kind):
    """Transhare acts on English: in a Chinese deal its letter and the stock power are bilingual, the English
    prevailing, word for word the bilingual documents."""
    title = {"transfer-agent-letter": ("Instruction to the Transfer Agent", "致过户代理人的指示函"),
             "stock-power": ("Irrevocable Stock Power", "不可撤销股票转让授权书")}[kind]
    for text in documents["zh"][kind].both():
        assert all(words in text for words in title) and "以英文文本为准" in text
        assert "Document ID /文件编号" in text or "Document ID / 文件编号" in text


def test_the_transfer_agent_letter_in_chinese_legal_drafting(documents):
    for text in documents["bilingual"]["transfer-agent-letter"].both():
        assert "致过户代理人的指示函" in text and "第二个考核年度释放股份的过户登记" in text
        assert "特此指示并授权贵方将A类普通股2,996,926股（大写：贰佰玖拾玖万陆仟玖佰贰拾陆股）（“释放股份”）" in text
        assert "自上述托管代理人名下的持股过户登记至下列受让人名下" in text
        assert "仍登记有A类普通股9,003,074股（大写：玖佰万叁仟零柒拾肆股）" in text
        assert "特此函告。" in text and "第3.2条" in text
        assert "The Chinese text under each paragraph is a translation for reference only" in text
        assert "以英文文本为准" in text and "Instruction to the Transfer Agent" in text


def test_the_stock_power_in_chinese_says_the_english_prevails(documents):
    for text in documents["bilingual"]["stock-power"].both():
        assert "不可撤销股票转让授权书" in text
        assert "特此不可撤销地向下列受让人转让" in text
        assert "A类普通股2,996,926股（大写：贰佰玖拾玖万陆仟玖佰贰拾陆股）" in text
        assert "并不可撤销地委任公司的过户代理人Transhare Corporation为其代理人" in text
        assert "This stock power is made in English, the text the transfer agent acts on." in text
        assert "各段下方的中文文本为译文，仅供参考；中英文文本如有不一致，以英文文本为准。" in text


def test_the_assessment_report_in_chinese(documents):
    for text in documents["zh"]["assessment-report"].both():
        assert "考核年度评估报告" in text and "第二个考核年度业绩承诺考核结果（《股份购买协议》第4条、第5条）" in text
        assert "目标公司第二个考核年度经审计的营业收入为人民币731,250,000.00元" in text
        assert "3.计算步骤" in text and "4.批次台账" in text and "5.各解释口径下的结果" in text
        assert "适用条款：《股份购买协议》第1.1条" in text


# PRC Civil Code art. 585(2), cited as statute (the PRC lawyer's review, finding 19): the only place the memorandum
# may say 违约金 or "liquidated damages" is this citation, word for word, with "not assessed in this memorandum"
STATUTE_ZH = ("《中华人民共和国民法典》第五百八十五条第二款规定：“约定的违约金低于造成的损失的，"
              "人民法院或者仲裁机构可以根据当事人的请求予以增加；约定的违约金过分高于造成的损失的，"
              "人民法院或者仲裁机构可以根据当事人的请求予以适当减少。”"
              "《股份购买协议》第8.2条所述金额是否适用该款，本备忘录不作判断。")
STATUTE_EN = ("Article 585(2) of the PRC Civil Code provides that where agreed liquidated damages are lower than, or "
              "excessively higher than, the loss caused, a people’s court or arbitral institution may increase or "
              "appropriately reduce them at a party’s request. Whether it applies to the amount described in SPA 8.2 "
              "is not assessed in this memorandum.")


def test_the_penalty_statement_in_chinese_keeps_its_neutrality(documents):
    forbidden = ("违约", "应承担", "应支付", "应付", "责任", "赔偿", "本案")
    for language in ("zh", "bilingual"):
        for text in documents[language]["penalty-statement"].both():
            assert "《股份购买协议》第8.2条风险敞口计算" in text and "保密：为获取法律意见而准备" in text
            assert "本备忘录仅为计算，并非结论" in text and "由法律顾问判断" in text
            assert "基于所列假设的风险敞口数额为美元" in text
            assert text.count(STATUTE_ZH) == 1, "the statute, cited once and exactly"
            rest = text.replace(STATUTE_ZH, "")
            assert [word for word in forbidden if word in rest] == []
            assert "《中华人民共和国民法典》第五百八十五条第二款" in rest and "第585条" not in text  # the articles line
            assert "《股份购买协议》第10.2条约定的仲裁机构为中国国际经济贸易仲裁委员会，仲裁地为上海" in text
            assert "发件人" in text and "业绩承诺股份托管管理团队" in text and "业绩对赌" not in text
            assert "本计算假设：在该期限内开始的、记录在案的争议或中止，使该期限自其最后一日起重新计算" in text
            assert "业绩承诺股份托管管理团队为法律顾问准备" in text
    for language in ("en", "bilingual"):
        for text in documents[language]["penalty-statement"].both():
            assert text.count(STATUTE_EN) == 1, "the statute, cited once and exactly"
            rest = text.replace(STATUTE_EN, "")
            assert "liquidated damages" not in rest.lower() and "here CIETAC" not in text
            assert "This computation assumes that a recorded dispute or suspension" in text
    for language in ("zh",):
        assert "发件人业绩承诺股份托管管理团队" in documents[language]["penalty-statement"].pdf


def test_the_signed_kinds_keep_their_signature_lines_and_fields(documents):
    for language in ("zh", "bilingual"):
        letter, power = documents[language]["transfer-agent-letter"], documents[language]["stock-power"]
        assert fields(letter.rendered.pdf_path) == fields(documents["en"]["transfer-agent-letter"].rendered.pdf_path)
        assert fields(letter.rendered.pdf_path), "Party A signs the letter to its transfer agent"
        assert fields(power.rendered.pdf_path) == [], "the Escrow Agent signs the stock power by hand"
        for text in power.both():
            for words in ("转让人签署", "授权签字人", "姓名", "职务", "日期", "签字担保"):
                assert words in text, (language, words)


def test_assessment_year_one_is_the_first_assessment_year_everywhere(documents):
    for language in ("zh", "bilingual"):
        for kind, read in documents[language].items():
            for text in read.both():
                assert not re.search(r"第\d+考核年度|第\d+个考核年度", text), (language, kind)
    assert "第二个考核年度" in documents["zh"]["release-notice"].pdf
    assert "第五个考核年度" in documents["zh"]["cancellation-instruction"].pdf


def test_party_b_signs_as_legal_representative_or_authorised_representative(documents):
    for text in documents["zh"]["joint-instruction"].both():
        assert "法定代表人或授权代表" in text  # Party B, a PRC company, whose signatory's title is not given
    for text in documents["en"]["joint-instruction"].both():
        assert "法定代表人" not in text


def test_party_b_chinese_address_is_an_open_item_until_given(documents, contract, tmp_path):
    assert "parties.party_b.chinese_address" in BY_KEY
    read = documents["zh"]["joint-instruction"]
    assert "乙方·中华人民共和国·通知地址：[●中文通知地址——待填写]" in read.pdf.replace(" ", "")
    assert any("parties.party_b.chinese_address" in item for item in read.rendered.open_items)
    assert not any("chinese_address" in item for item in documents["en"]["joint-instruction"].rendered.open_items)
    parties = contract.parties
    given = contract.model_copy(update={"parties": parties.model_copy(update={
        "party_b": parties.party_b.model_copy(update={"chinese_address": "浙江省温州市泰顺县罗阳镇"})})})
    found = _determinations(given, "zh", tmp_path)["joint-instruction"]
    assert "乙方·中华人民共和国·通知地址：浙江省温州市泰顺县罗阳镇" in found.pdf.replace(" ", "")
    assert not any("party_b.chinese_address" in item for item in found.rendered.open_items)
    # Party A's English address is not translated: its Chinese address for notices stays an open item
    assert "甲方·开曼群岛·通知地址：[●中文通知地址——待填写]" in found.pdf.replace(" ", "")
    assert any("parties.party_a.chinese_address" in item for item in found.rendered.open_items)


def test_pdf_a_and_identical_bytes_in_chinese(documents, contract, tmp_path):
    for kind in NEW_KINDS:
        assert pdfa_problems(documents["zh"][kind].rendered.pdf_path) == [], kind
    first = documents["zh"]["penalty-statement"].rendered
    again, _ = _penalty(contract, "zh", tmp_path, Renderer())
    assert (again.pdf_sha256, again.docx_sha256) == (first.pdf_sha256, first.docx_sha256)
    terms = contract.model_copy(update={"language": "zh"})
    revenues = {n: a for n, a in WORKED_EXAMPLES["1"].amounts().items() if n <= 2}
    rerun = {doc.kind: doc for doc in render_year(terms, assess_year(terms, revenues, 2), as_of=D("2028-01-20"),
                                                  out_dir=tmp_path / "again", renderer=Renderer())}
    for kind in ("transfer-agent-letter", "stock-power", "assessment-report"):
        done = documents["zh"][kind].rendered
        assert (rerun[kind].pdf_sha256, rerun[kind].docx_sha256) == (done.pdf_sha256, done.docx_sha256), kind


# ---- The PRC lawyer's review (/tmp/prc-review/findings.md): the cancellation instruction, the penalty statement,
# the assessment report, the stock power and the transfer agent letter ----

def test_party_d_agrees_to_the_timing_of_the_return_for_cancellation_in_every_language(documents):
    """SPA 5.3 needs all the parties, and Party D is a party to the SPA (it holds one of its counterparts): it
    acknowledges the instruction and agrees to the timing of the return, in one block with one signature line and
    its own signature field (finding 5)."""
    agrees_en = ("Acknowledged and agreed by Party D. Party D, the Escrow Agent, acknowledges receipt of this "
                 "instruction on the date written below and, under SPA 5.3, agrees to the timing of the return set "
                 "out in paragraph 4.")
    agrees_zh = ("丁方确认并同意。丁方（托管代理人）确认已于下列日期收到本指示，"
                 "并根据《股份购买协议》第5.3条同意第4段约定的退还时间。")
    for language in LANGUAGES:
        read = documents[language]["cancellation-instruction"]
        assert fields(read.rendered.pdf_path) == ["PartyA_Signature", "PartyB_Signature", "PartyC_Signature",
                                                  "PartyD_Signature"], language
        for text in read.both():
            assert text.count(agrees_en) == (language != "zh"), language
            assert text.count(agrees_zh) == (language != "en"), language
            if language == "en":
                assert "with Party D’s acknowledgement and agreement at its end, the written agreement of all the " \
                       "parties under SPA 5.3" in text
                assert "business days are working days in the People’s Republic of China (EA 6.1; SPA 10.1)" in text
            if language != "en":
                assert "授权签字人（签字）：" in text and "（丁方，托管代理人）" in text
                assert "本文件连同文末丁方的确认并同意，构成全体各方根据《股份购买协议》第5.3条达成的书面约定" in text
    for text in documents["bilingual"]["cancellation-instruction"].both():
        # (joined: no space beside Chinese)
        assert "By: authorised signatory /授权签字人（签字）：" in text
        assert "Date of receipt /收到日期：" in text  # the day its ten working days run from (paragraph 4)
        assert "Name /姓名：" in text and "Title /职务：" in text


def test_the_cancellation_instruction_in_chinese_legal_drafting(documents):
    for language in ("zh", "bilingual"):
        for text in documents[language]["cancellation-instruction"].both():
            assert "（根据《股份购买协议》第5.1条应不晚于2031年1月29日（含当日）完成）" in text  # finding 17
            assert "在收到经全体各方签署的本指示后十（10）个工作日内完成退还" in text  # finding 24
            assert "（《托管协议》第6.1条及《股份购买协议》第10.1条约定适用中华人民共和国法律）" in text  # finding 8
            assert "规定于“本协议期满时”退还（译文）" in text and "我方译文" not in text  # finding 16
            assert "未能依据《股份购买协议》第5.2(2)条获得弥补的应扣减股份合计" in text and "弥补而恢复的" not in text
            assert "即未能获得弥补的应扣减股份的整数部分" in text
            assert "特此指示。" in text  # finding 24, before the signatures
            assert text.index("特此指示。") < text.index("甲方、乙方和丙方签署")
            assert "已弥补恢复" in text and "经审计的营业收入（人民币元）" in text and "第一个考核年度" in text
            assert "丙方（签字）：" in text  # finding 23
            assert "Fangle Lai（中文姓名：[●待填写]）" in text
        assert any("parties.party_c.chinese_name" in item
                   for item in documents[language]["cancellation-instruction"].rendered.open_items)
    zh = documents["zh"]["cancellation-instruction"]
    assert "[●丁方通知地址——待填写]" in zh.pdf and "签署人" not in zh.pdf


def test_the_stock_power_and_the_transfer_agent_letter_use_one_term_each(documents):
    """Findings 9, 10, 17 and 24: Medallion签字担保, 限制性标注（restrictive legend）, 过户代理人, 不晚于…（含当日）."""
    for language in ("zh", "bilingual"):
        for text in documents[language]["stock-power"].both():
            assert "合格担保机构的Medallion签字担保（Medallion Guarantee）印章" in text
            assert "参加经认可的Medallion签字担保计划（STAMP、SEMP或MSP）" in text
            assert "在公司股东名册上登记于转让人名下的A类普通股" in text
            assert "印鉴" not in text
        for text in documents[language]["transfer-agent-letter"].both():
            assert "其签字经Medallion签字担保计划（medallion signature guarantee program）担保" in text
            assert "经签署并经Medallion签字担保的原件由托管代理人交付" in text
            assert "限制性标注（restrictive legend）" in text and "限制性标识" not in text and "印鉴" not in text
            assert "（甲方，发行人）" in text and "（甲方），发行人" not in text
            assert "美国国税局W-8BEN表格（受益所有人外国身份证明（个人））" in text
            assert "过户代理机构" not in text
            if "要求完成过户的日期" in text:
                assert re.search(r"并请尽可能不晚于\d{4}年\d{1,2}月\d{1,2}日"
                                 r"（含当日，即甲方和乙方要求完成过户的日期）完成", text)


def test_the_assessment_report_in_chinese_names_its_reading_in_words(documents):
    """Finding 21: the sections in Chinese, the reading by its Chinese name and description (解释口径)."""
    from compliance.documents.chinese import READINGS_ZH

    for language in ("zh", "bilingual"):
        for text in documents[language]["assessment-report"].both():
            assert "所采用的解释口径" in text and "所适用的理解" not in text
            assert "《股份购买协议》及《托管协议》（均签订于2025年12月2日）" in text
            assert "本报告采用默认解释口径；其他解释口径一并列示" in text and "spa理解" not in text
            assert "默认解释口径：某一考核年度超出部分的一半用于弥补以前考核年度的差额" in text
            assert "本报告的计算方法（《股份购买协议》未约定；各方可依第5.3条另行书面约定）" in text
            assert "联合书面指示载明向丙方释放" in text and "我方" not in text
            assert "各批次迄今已释放或已指示释放其精确应得股份中的整数股" in text
            assert re.search(r"已释放或已指示释放[\d,]+股\+继续托管", text.replace(" ", ""))
            for reading in READINGS_ZH.values():
                assert reading["name"] in text
            assert "《托管协议》第3.1(a)条所述会计师事务所报告，系确认目标公司已完成相应考核年度的业绩目标" in text
    assert "(applied)" in documents["bilingual"]["assessment-report"].pdf


def test_every_reading_and_discrepancy_of_the_contract_has_its_chinese_with_the_same_reference(contract):
    from compliance.documents.chinese import DISCREPANCIES_ZH, READINGS_ZH, discrepancy_zh, reading_zh

    assert set(READINGS_ZH) == set(contract.readings)
    for name, reading in contract.readings.items():
        assert READINGS_ZH[name]["reference"] == reading.reference, name
        assert reading_zh({"name": name, "reference": reading.reference}) is READINGS_ZH[name]
        assert bool(READINGS_ZH[name]["formula"]) == bool(reading.formula), name
    assert set(DISCREPANCIES_ZH) == {item.id for item in contract.discrepancies}
    for item in contract.discrepancies:
        assert discrepancy_zh({"id": item.id, "reference": item.reference}) is DISCREPANCIES_ZH[item.id]
    # an entry whose reference changed in the contract file is quoted in English until its Chinese is given
    assert reading_zh({"name": "spa", "reference": "SPA 5.2(1)"}) is None
    assert discrepancy_zh({"id": "consideration-denomination", "reference": "SPA 1.1"}) is None
