"""Issue 13: letters a lawyer signs without rewriting. Each test reads the rendered PDF and DOCX text as the
signing lawyer would: nothing asserted that was not checked, open items visible (DRAFT), the rounding
convention disclosed, dates that read right on the day of signing, the enclosure and delivery named.

The built-in contract leaves some values unfilled or unconfirmed (Party B's signatory, Party D's address, the
delivery method, the legend, the Target Company's Chinese name, Party A's signatory): those letters are
drafts. `filled` is the same contract with every one of them given, as the legal team will fill it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.contracts import AGENT_EMAIL, PARTY_B_CHINESE_NAME, POSITION, TEST_CALENDAR, TRANSFER_AGENT_ADDRESS
from helpers.document_text import squash
from helpers.examples import EXAMPLE_1 as WORKED_EXAMPLE_1

from compliance.documents import Renderer, render_year
from compliance.rules.earnout import assess_year

EXAMPLE_1 = WORKED_EXAMPLE_1.amounts()
BEFORE_DEADLINE = dt.date(2028, 1, 20)  # year 2's release falls due on 29 January 2028 (SPA 5.1)
AFTER_DEADLINE = dt.date(2028, 3, 1)
FIRM = "Harbourview & Lin Certified Public Accountants LLP"


def report_for(year: int, revenue: Decimal) -> dict:
    start, end = {1: ("2025-12-01", "2026-11-30"), 2: ("2026-12-01", "2027-11-30")}[year]
    return {"file": f"y{year}.pdf", "sha256": "cd" * 32, "status": "accepted", "entity": "Zhejiang Ordinary Smile "
            "Auto Sales Co., Ltd.", "period_start": start, "period_end": end, "assessment_year": year,
            "operating_revenue": str(revenue), "currency": "CNY", "unit": "元", "auditor": FIRM,
            "opinion": "unqualified", "report_date": f"{2026 + year}-01-18", "report_number": f"HL-{2026 + year}-018",
            "problems": []}


def filled_contract(contract, **delivery):
    """The built-in contract with every open item filled, as the legal team will fill it."""
    parties = contract.parties
    party_a = parties.party_a.model_copy(update={"unconfirmed": {}})
    party_b = parties.party_b.model_copy(update={"signatories": [
        parties.party_a.signatories[0].model_copy(update={"name": "Wang Fang", "title": "Legal Representative"})]})
    party_c = parties.party_c.model_copy(update={
        "address": "Room 1, 1 Example Road, Wenzhou",
        "delivery": parties.party_c.delivery.model_copy(update={"method": "book_entry", "identification": "E12345678",
                                                                 **delivery})})
    email = parties.party_d.email.model_copy(update={"value": AGENT_EMAIL})
    party_d = parties.party_d.model_copy(update={"address": "Road Town, Tortola, British Virgin Islands",
                                                 "email": email})
    party_b = party_b.model_copy(update={"chinese_name": PARTY_B_CHINESE_NAME})
    position = contract.escrow_position
    return contract.model_copy(update={
        "parties": parties.model_copy(update={"party_a": party_a, "party_b": party_b, "party_c": party_c,
                                              "party_d": party_d}),
        "target_company": contract.target_company.model_copy(update={"unconfirmed": {}}),
        "shares": contract.shares.model_copy(update={
            "restrictive_legend": "retained",
            "transfer_agent_address": contract.shares.transfer_agent_address.model_copy(
                update={"value": TRANSFER_AGENT_ADDRESS})}),
        "escrow_position": position.model_copy(update={
            "form": position.form.model_copy(update={"value": POSITION["form"]}),
            "identifier": position.identifier.model_copy(update={"value": POSITION["identifier"]})}),
        "calendar": contract.calendar.model_copy(update={"schedule_files": [str(TEST_CALENDAR)]}),
        "approved_auditors": [FIRM],
    })


class Letters:
    """A determination's letters as rendered: PDF and DOCX text, page count and open items per kind."""

    def __init__(self, rendered):
        import pypdfium2
        from helpers.document_text import docx_text, pdf_text

        self.rendered = {doc.kind: doc for doc in rendered}
        self.pdf = {doc.kind: squash(pdf_text(doc.pdf_path)) for doc in rendered}
        self.docx = {doc.kind: squash(docx_text(doc.docx_path)) for doc in rendered}
        self.pages = {doc.kind: len(pypdfium2.PdfDocument(str(doc.pdf_path))) for doc in rendered}

    def both(self, kind: str) -> list[str]:
        return [self.pdf[kind], self.docx[kind]]


def render(contract, year: int, as_of: dt.date, out: Path, revenues=None) -> Letters:
    revenues = revenues or {k: v for k, v in EXAMPLE_1.items() if k <= year}
    determined = assess_year(contract, revenues, year)
    return Letters(render_year(contract, determined, as_of=as_of, out_dir=out, renderer=Renderer(),
                               report=report_for(year, revenues[year]) if year <= 2 else None))


@pytest.fixture(scope="module")
def draft(contract, tmp_path_factory) -> Letters:
    return render(contract, 2, BEFORE_DEADLINE, tmp_path_factory.mktemp("draft"))


@pytest.fixture(scope="module")
def final(contract, tmp_path_factory) -> Letters:
    return render(filled_contract(contract), 2, BEFORE_DEADLINE, tmp_path_factory.mktemp("final"))


LETTERS = ["joint-instruction", "release-notice", "deduction-notice"]


# --- 1. nothing asserted that was not checked -------------------------------------------------------------
@pytest.mark.parametrize("kind", LETTERS)
def test_spa_4_2_firm_not_called_approved_while_the_approved_list_is_empty(draft, kind):
    for text in draft.both(kind):
        assert "an accounting firm approved by Party A" not in text
        assert f"{FIRM} [● confirm that Party A has approved this firm (SPA 4.2)]" in text
    assert f"confirm that Party A has approved {FIRM} as the accounting firm under SPA 4.2" in \
        draft.rendered[kind].open_items


@pytest.mark.parametrize("kind", LETTERS)
def test_spa_4_2_firm_on_the_approved_list_is_stated_as_approved(final, kind):
    for text in final.both(kind):
        assert f"{FIRM}, an accounting firm approved by Party A," in text
        assert "confirm that Party A has approved" not in text


def test_unconfirmed_contract_values_print_as_open_items_not_facts(draft):
    items = draft.rendered["joint-instruction"].open_items
    for text in draft.both("joint-instruction"):
        # the contract file's working translation of the Target Company's name is never printed, not even to confirm
        assert "Zhejiang Ordinary Smile Auto Sales Co., Ltd. ([● registered Chinese name — to be completed])" in text
        assert "浙江平凡微笑" not in text
        assert "Name: Yi Yang [● to confirm]" in text  # taken from the 6-K
    assert "the Target Company’s registered Chinese name, as on its business licence (a particular: " \
           "target_company.chinese_name)" in items
    assert not any("浙江平凡微笑" in item for item in items)
    assert any(item.startswith("confirm Party A’s signatory (Yi Yang, Chief Financial Officer)") for item in items)


def test_the_target_company_chinese_name_prints_once_given_and_confirmed(final):
    for text in final.both("joint-instruction"):
        assert ("Zhejiang Ordinary Smile Auto Sales Co., Ltd. (浙江平凡微笑汽车销售有限公司) "
                "(the “Target Company”)") in text
    assert not any("Target Company’s registered Chinese name" in item
                   for item in final.rendered["joint-instruction"].open_items)


def test_unconfirmed_marks_a_contract_file_field_that_exists(contract):
    from compliance.contract import ContractError, contract_from_mapping

    data = __import__("yaml").safe_load(contract.to_yaml())
    data["parties"]["party_a"]["unconfirmed"] = {"nickname": "no such field"}
    with pytest.raises(ContractError, match="unconfirmed names fields this entry does not have: nickname"):
        contract_from_mapping(data)


# --- 2. open items are visible ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", LETTERS)
def test_a_letter_with_open_items_is_marked_draft_and_lists_them(draft, kind):
    items = draft.rendered[kind].open_items
    assert items
    for text in draft.both(kind):
        text = re.sub(r"^(\d+\. )+", "", text)  # PDFium reads the floated clause numbers of a page first
        assert text.startswith(f"DRAFT: not for signature until the {len(items)} open items listed at the end")
        assert "Open items in this draft" in text
        for item in items:
            assert squash(item[:1].upper() + item[1:]) in text
    assert draft.pdf[kind].count("DRAFT") == 1 + draft.pages[kind]  # the mark, and every page's footer
    import docx

    footer = docx.Document(str(draft.rendered[kind].docx_path)).sections[0].footer
    assert footer.paragraphs[0].text.startswith("DRAFT · ")


@pytest.mark.parametrize("kind", LETTERS + ["assessment-report"])
def test_a_letter_with_every_item_filled_is_not_a_draft(final, kind):
    assert final.rendered[kind].open_items == ()
    for text in final.both(kind):
        assert "DRAFT" not in text and "[●" not in text and "Open items" not in text


def test_the_assessment_report_lists_every_letters_open_items(draft):
    report = draft.pdf["assessment-report"]
    assert "Open items before the letters can be signed" in report
    for kind in LETTERS:
        assert draft.rendered[kind].document_id in report
        for item in draft.rendered[kind].open_items:
            assert squash(item[:1].upper() + item[1:]) in report


def test_the_docx_says_draft_in_its_keywords(draft, final):
    import docx

    assert "DRAFT" in docx.Document(str(draft.rendered["joint-instruction"].docx_path)).core_properties.keywords
    assert "DRAFT" not in docx.Document(str(final.rendered["joint-instruction"].docx_path)).core_properties.keywords


# --- 3. the rounding convention is disclosed, not cited to the wrong article -----------------------------------
def test_spa_5_2_1_deduction_notice_states_exact_deductible_and_whole_shares_withheld(draft):
    for text in draft.both("deduction-notice"):
        assert "3,073.770492 Deductible Shares" in text
        assert "three thousand seventy-four (3,074) shares are withheld in escrow" in text
        assert "the fraction of 0.229508 of a share stays in escrow" in text
        assert "the 3,073.770492 Deductible Shares and that fraction" in text
        assert "how it is treated is left to the written agreement of all the parties (SPA 5.3)" in text


def test_whole_shares_are_our_convention_never_cited_to_spa_5_1(draft):
    for text in draft.both("assessment-report"):
        assert "Whole shares our convention (SPA 5.3)" in text
        assert "Whole shares SPA 5.1" not in text
    for kind in LETTERS:
        for text in draft.both(kind):
            assert "the SPA does not say how a fraction of a share is treated" in text


def test_a_year_missed_by_one_fen_explains_the_one_share_withheld(contract, tmp_path):
    revenues = {**{k: v for k, v in EXAMPLE_1.items() if k < 2}, 2: contract.year(2).target_revenue - Decimal("0.01")}
    letters = render(contract, 2, BEFORE_DEADLINE, tmp_path, revenues)
    for text in letters.both("deduction-notice"):
        assert "0.000041 Deductible Shares" in text
        assert "one (1) share is withheld in escrow" in text
        assert "one (1) shares" not in text
        assert "the fraction of 0.999959 of a share stays in escrow" in text
        assert "the 0.000041 Deductible Shares and that fraction" in text


def test_assess_prints_the_letters_figures_at_the_letters_precision(contract):
    from helpers.cli import invoke

    done = invoke("assess", "--revenue", "1=702345678.90", "--revenue", "2=731250000.00", "--as-of", "2028-01-20")
    assert "3,073.770492 Deductible Shares" in squash(done.stdout)
    assert "3,074 whole shares withheld" in squash(done.stdout)


# --- 4. the cancellation instruction never contradicts itself ------------------------------------------------
def test_nothing_left_to_cancel_is_a_confirmation_not_an_instruction(contract, tmp_path):
    letters = render(contract, 5, dt.date(2031, 1, 20), tmp_path)
    for text in letters.both("cancellation-instruction"):
        assert "Written Confirmation of All the Parties" in text
        assert "No Deductible Shares remain to be returned to Party A for cancellation" in text
        assert "effect the return" not in text and "business days" not in text
        assert "instruct the Escrow Agent to return" not in text


# --- 5. what is enclosed and how it is delivered -------------------------------------------------------------
def test_ea_3_1_joint_instruction_names_its_enclosure_delivery_and_party_d(draft, final):
    for text in draft.both("joint-instruction"):
        assert "Enclosures As listed in paragraph 11" in text  # issue 30: the list of the transfer package
        assert (f"(a) a copy of the written report of {FIRM}, report no. HL-2028-018, dated 18 January 2028 "
                "(EA 3.1(a));") in text
        assert ("By E-mail to [● the Escrow Agent’s e-mail address for notices — to be completed] and courier to the "
                "address above (SPA 11.3)") in text
        assert "[● Party D’s address for notices — to be completed]" in text
    for text in final.both("joint-instruction"):
        assert "the Escrow Agent Road Town, Tortola, British Virgin Islands" in text


def test_spa_5_2_1_deduction_notice_identifies_the_report_it_rests_on(final):
    for text in final.both("deduction-notice"):
        assert f"{FIRM}, an accounting firm approved by Party A, reported in writing on 18 January 2028 " \
               "(report no. HL-2028-018)" in text
        assert "This notice rests on that report" in text


# --- 6. dates that read right on the day they are signed -------------------------------------------------------
def test_spa_5_1_before_the_deadline_the_release_falls_due(draft):
    for kind in ("joint-instruction", "release-notice"):
        for text in draft.both(kind):
            assert "Under SPA 5.1 the release is to be made by 29 January 2028" in text
            assert "fell due" not in text


def test_after_the_spa_5_1_date_the_letters_state_it_neutrally_and_reserve_rights(contract, tmp_path):
    late = render(contract, 2, AFTER_DEADLINE, tmp_path)
    for kind in ("joint-instruction", "release-notice", "assessment-report"):
        for text in late.both(kind):
            assert "The date stated in SPA 5.1 for this release is 29 January 2028." in text
            assert "Nothing in this letter waives or limits any right or remedy of Party A or Party B" in text
            assert "has not been made" not in text and "is to be made by" not in text


# --- 7. recipient details that fit the shares ----------------------------------------------------------------
def test_ea_3_2_book_entry_at_the_transfer_agent_with_party_cs_identification(contract, final, tmp_path):
    for text in final.both("joint-instruction"):
        assert ("Register the Release Shares in book-entry form in the name of Party C on the register kept by the "
                "transfer agent, Transhare Corporation") in text
        assert "E12345678" in text
        assert "carry the restrictive legend with which they were issued" in text
    unfilled = render(filled_contract(contract, identification=None), 2, BEFORE_DEADLINE, tmp_path / "id")
    assert any("Party C’s identification" in item for item in unfilled.rendered["joint-instruction"].open_items)


def test_ea_3_2_broker_delivery_through_dtc(contract, tmp_path):
    letters = render(filled_contract(contract, method="broker", broker="Example Securities LLC",
                                     brokerage_account="12345", dtc_participant="0123"), 2, BEFORE_DEADLINE, tmp_path)
    for text in letters.both("joint-instruction"):
        assert "Deliver the Release Shares to Party C’s brokerage account through DTC" in text
        assert "Example Securities LLC" in text and "0123" in text


def test_the_legend_not_chosen_is_an_open_item(draft):
    assert any("restrictive legend" in item for item in draft.rendered["joint-instruction"].open_items)


# --- 9. words ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", LETTERS)
def test_words_a_lawyer_would_not_rewrite(draft, kind):
    for text in draft.both(kind):
        assert "each entered into among" in text
        assert "the tranche is entitled to" not in text
        assert "of today’s date" not in text
        assert "SPA 1.4" not in text
        assert "lapses (SPA 5.2(2))" not in text
        assert "Common seal (if any)" in text  # Party A, a Cayman company
        assert "Company chop" in text  # Party B, a PRC company


def test_release_notice_words(draft):
    for text in draft.both("release-notice"):
        assert "in accordance with the recipient details stated in the instruction" in text
        assert "A separate deduction notice dated 20 January 2028" in text


def test_the_assessment_report_says_in_words_what_the_readings_do(draft):
    for text in draft.both("assessment-report"):
        assert "rules 4 and 7" not in text
        assert "Half of a year's excess offsets the shortfalls of previous years" in text
        body, _, footnotes = text.partition("spa: restored shares =")
        assert "R_k" not in body and "R_k" in footnotes  # the formula only in its footnote


# --- 11. layout -------------------------------------------------------------------------------------------
def _lines(pdf_path: Path) -> list[list[tuple[float, str]]]:
    """Each page's text lines, top to bottom, as (top, text), without the running footer."""
    import pdfplumber

    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = [(line["top"], line["text"]) for line in page.extract_text_lines()
                     if line["top"] < page.height - 75]
            pages.append(lines)
    return pages


@pytest.mark.parametrize("kind", LETTERS + ["assessment-report"])
@pytest.mark.parametrize("which", ["draft", "final"])
def test_layout_no_title_line_of_one_word_no_stranded_last_page(request, which, kind):
    letters = request.getfixturevalue(which)
    pages = _lines(letters.rendered[kind].pdf_path)
    title_lines = [text for _, text in pages[0][:12] if text.strip() and len(text) < 90]
    for text in title_lines:
        if text.endswith(")") or text[:1].isdigit():
            assert len(text.split()) > 1, f"a title line holding one word: {text!r}"
    if len(pages) > 1:
        last = pages[-1]
        assert len(last) >= 4, f"the last page holds only {[t for _, t in last]}"
        body_height = 842 - 62 - 75
        before = pages[-2]
        assert before and before[-1][0] > 62 + body_height * 0.6, "a mostly blank page before the last"


@pytest.mark.parametrize("which", ["draft", "final"])
def test_signature_blocks_never_wrap_a_placeholder(request, which):
    letters = request.getfixturevalue(which)
    for kind in LETTERS:
        for page in _lines(letters.rendered[kind].pdf_path):
            for _, text in page:
                if "[●" in text and ("Name:" in text or "Title:" in text):
                    assert text.count("[●") == text.count("]"), text


def test_a_filled_joint_instruction_and_release_notice_stay_short(final):
    # issue 30's transfer package (delivery, escrow balance, enclosures, the agent's acknowledgement) and the
    # quoted SPA 5.2(1) and reservations of a shortfall year add pages
    assert final.pages["joint-instruction"] <= 5
    assert final.pages["release-notice"] <= 3


def test_document_ids_are_printed_on_every_page(draft):
    for kind in LETTERS:
        doc = draft.rendered[kind]
        text = draft.pdf[kind]
        assert text.count(f"Document ID {doc.document_id}") == draft.pages[kind]
        assert re.search(r"Set ID \w{4}-\w{4}-\w{4} \(the documents of this determination\)", text)
