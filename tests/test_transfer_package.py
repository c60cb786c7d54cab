"""Issue 30, points 7, 12, 13 and 15: the transfer package of a release, read in the PDF and the DOCX as the
signing lawyer, the escrow agent and the transfer agent read it.

- The joint instruction asks the agent to complete the transfer by the SPA 5.1 date when that date is later than
  deemed delivery, goes by e-mail to the agent's notice address as well as by courier (deemed given per SPA 11.3,
  which speaks only of courier), lists its enclosures, shows the escrow balance before and after the release and
  ends with the agent's acknowledgement.
- The assessment report's context (and the macro the report calls) gives the latest sending date that leaves the
  agent its ten PRC business days (EA 3.2) before the SPA 5.1 date; an unpublished holiday schedule is an open
  item, never a guess.
- Every releasing year has the issuer's letter to the transfer agent and the escrow agent's stock power with a
  medallion guarantee box, the share count in words and figures.
- What the filing does not give (the escrow position, the agent's e-mail, Party B's registered Chinese name,
  Party C's address, the transfer agent's address) prints as an open item, never invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.contracts import AGENT_EMAIL, PARTY_B_CHINESE_NAME, POSITION, TEST_CALENDAR, filled_contract
from helpers.document_text import docx_text, pdf_text, squash

from compliance.contract import load_contract
from compliance.documents import Renderer, year_documents
from compliance.documents.registry import DETERMINATION_KINDS, due_documents
from compliance.rules.earnout import assess_year

YEAR_1 = {1: Decimal("702345678.90")}
YEAR_2 = {**YEAR_1, 2: Decimal("731250000")}  # worked example 1: 2,996,926 released, 3,073.77 deducted
BEFORE = dt.date(2027, 1, 10)  # Year 1's release date under SPA 5.1 is 29 January 2027
LATE = dt.date(2027, 1, 27)  # deemed given on 30 January 2027, after it
YEAR_2_BEFORE = dt.date(2028, 1, 10)
FIRM = "Harbourview & Lin Certified Public Accountants LLP"
KINDS = ("joint-instruction", "transfer-agent-letter", "stock-power", "release-notice", "assessment-report")


def report_for(year: int, revenue: Decimal) -> dict:
    start, end = {1: ("2025-12-01", "2026-11-30"), 2: ("2026-12-01", "2027-11-30")}[year]
    return {"file": f"y{year}.pdf", "sha256": "cd" * 32, "status": "accepted",
            "entity": "Zhejiang Ordinary Smile Auto Sales Co., Ltd.", "period_start": start, "period_end": end,
            "assessment_year": year, "operating_revenue": str(revenue), "currency": "CNY", "unit": "元",
            "auditor": FIRM, "opinion": "unqualified", "report_date": f"{2026 + year}-01-08",
            "report_number": f"HL-{2026 + year}-008", "problems": []}


class Package:
    """One determination's documents of the transfer package, rendered: text of the PDF and the DOCX, open items."""

    def __init__(self, contract, revenues: dict, year: int, as_of: dt.date, out: Path):
        determined = assess_year(contract, revenues, year)
        contexts = year_documents(contract, determined, as_of=as_of, report=report_for(year, revenues[year]))
        self.context = contexts
        renderer = Renderer()
        self.rendered = {kind: renderer.render(kind, contexts[kind], out / kind, as_of=as_of)
                         for kind in KINDS if kind in contexts}
        self.pdf = {kind: squash(pdf_text(doc.pdf_path)) for kind, doc in self.rendered.items()}
        self.docx = {kind: squash(docx_text(doc.docx_path)) for kind, doc in self.rendered.items()}

    def both(self, kind: str) -> list[str]:
        return [self.pdf[kind], self.docx[kind]]

    def items(self, kind: str) -> tuple[str, ...]:
        return self.rendered[kind].open_items


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    return load_contract(filled_contract(tmp_path_factory.mktemp("contract") / "filled.yaml"))


@pytest.fixture(scope="module")
def draft(contract, tmp_path_factory) -> Package:
    return Package(contract, YEAR_1, 1, BEFORE, tmp_path_factory.mktemp("draft"))


@pytest.fixture(scope="module")
def final(filled, tmp_path_factory) -> Package:
    return Package(filled, YEAR_1, 1, BEFORE, tmp_path_factory.mktemp("final"))


@pytest.fixture(scope="module")
def final_year_2(filled, tmp_path_factory) -> Package:
    return Package(filled, YEAR_2, 2, YEAR_2_BEFORE, tmp_path_factory.mktemp("final2"))


# --- point 7: transfer by the SPA 5.1 date, by e-mail and courier --------------------------------------------
def test_spa_5_1_the_instruction_asks_for_the_transfer_by_the_release_date(final):
    for text in final.both("joint-instruction"):
        assert "Under SPA 5.1 the release is to be made by 29 January 2027." in text
        assert ("That date is later than the date on which this instruction is deemed given (paragraph 8): Party A "
                "and Party B ask the Escrow Agent to complete the transfer by 29 January 2027.") in text
        assert "agrees to effect the transfer of the Release Shares as instructed above and to complete it by " \
               "29 January 2027." in text


def test_spa_5_1_no_transfer_by_date_asked_when_it_falls_before_deemed_delivery(filled, tmp_path):
    late = Package(filled, YEAR_1, 1, LATE, tmp_path)
    for text in late.both("joint-instruction"):
        assert "deemed given on 30 January 2027" in text
        assert "complete the transfer by" not in text and "complete it by" not in text


def test_spa_11_3_delivered_by_email_and_courier_deemed_given_by_courier(final):
    for text in final.both("joint-instruction"):
        assert f"By E-mail to {AGENT_EMAIL} and courier to the address above (SPA 11.3)" in text
        assert (f"This instruction is sent on 10 January 2027 by e-mail to the Escrow Agent at {AGENT_EMAIL} and by "
                "courier to its address above.") in text
        assert ("A notice sent by courier is deemed given on the third day after sending (SPA 11.3): this "
                "instruction is deemed given on 13 January 2027.") in text
        # SPA 11.3 as filed: a deemed date for courier only; nothing on e-mail or hand delivery
        assert "SPA 11.3 provides a deemed date only for a notice sent by courier and says nothing of e-mail or " \
               "delivery by hand" in text
        assert "does not change the date on which this instruction is deemed given" in text


def test_ea_3_2_latest_sending_date_counts_back_ten_prc_business_days(filled):
    from compliance.rules.business_days import agent_transfer_deadline, load_calendar, notice_deemed_given
    from compliance.rules.deadlines import latest_sending

    calendar = load_calendar(filled)
    release = filled.release_deadline(1)
    assert release == dt.date(2027, 1, 29)
    found = latest_sending(filled, calendar, release)
    # Thu 14 Jan by courier, deemed given Sun 17 Jan; 18-22 and 25-29 January are the ten business days
    assert (found.sent_on, found.deemed_given) == (dt.date(2027, 1, 14), dt.date(2027, 1, 17))
    assert agent_transfer_deadline(filled, calendar, notice_deemed_given(filled, found.sent_on)) <= release
    one_day_later = found.sent_on + dt.timedelta(days=1)
    assert agent_transfer_deadline(filled, calendar, notice_deemed_given(filled, one_day_later)) > release
    for year in range(2, 6):  # every later release date: the latest day that still leaves the ten days
        release = filled.release_deadline(year)
        sent = latest_sending(filled, calendar, release).sent_on
        assert agent_transfer_deadline(filled, calendar, notice_deemed_given(filled, sent)) <= release
        assert agent_transfer_deadline(filled, calendar, notice_deemed_given(filled, sent + dt.timedelta(1))) > release


def test_ea_3_2_latest_sending_date_in_the_assessment_reports_context_and_row(final, draft):
    latest = final.context["assessment-report"]["latest_sending"]
    assert latest["known"] and latest["sent_on"] == dt.date(2027, 1, 14) and latest["release_date"] == \
        dt.date(2027, 1, 29)
    row = _macro("latest_sending_row", latest)
    assert "Latest sending date" in row[0] and "14 January 2027" in row[0] and "17 January 2027" in row[0]
    assert "ten (10) PRC business days" in row[0] and row[1] == []
    # the built-in contract has no 2027 schedule (the pinned package publishes up to 2026): said, never guessed
    unknown = draft.context["assessment-report"]["latest_sending"]
    assert not unknown["known"] and unknown["missing_year"] == 2027 and unknown["sent_on"] is None
    row = _macro("latest_sending_row", unknown)
    assert "not yet known" in row[0] and "PRC holiday schedule for 2027 is not published" in row[0]
    assert any("2027 PRC holiday schedule" in item and "calendar.schedule_files" in item for item in row[1])


def test_ea_3_2_the_assessment_report_states_the_latest_sending_date(final):
    """Printed where the report's step table calls m.latest_sending_row(latest_sending)."""
    for text in final.both("assessment-report"):
        assert "Latest sending date" in text and "14 January 2027" in text


def _macro(name: str, *args) -> tuple[str, list[str]]:
    """A macro of macros.html.j2 rendered alone: its HTML text and the open items it recorded."""
    from compliance.documents.open_items import collecting

    renderer = Renderer()
    module = renderer.env.get_template("macros.html.j2").module
    with collecting() as items:
        html = str(getattr(module, name)(*args))
    return squash(html), list(items)


# --- point 12: the transfer agent letter and the stock power -------------------------------------------------
def test_the_package_is_due_for_every_releasing_year_and_goes_through_four_eyes(contract):
    from compliance.operations.approval import NOT_APPROVED_KINDS

    releasing = assess_year(contract, YEAR_1, 1)
    assert {"stock-power", "transfer-agent-letter"} <= {kind.name for kind in due_documents(releasing)}
    nothing = assess_year(contract, {1: Decimal(0)}, 1)  # no revenue: no share released, nothing to transfer
    assert nothing.result.release_shares == 0
    assert not {"stock-power", "transfer-agent-letter"} & {kind.name for kind in due_documents(nothing)}
    # approval renders and approves every determination kind not excluded: these two with the joint instruction
    assert {"stock-power", "transfer-agent-letter"} <= set(DETERMINATION_KINDS)
    assert not {"stock-power", "transfer-agent-letter"} & NOT_APPROVED_KINDS


@pytest.mark.parametrize(("package", "words"), [
    ("final", "three million (3,000,000) Class A ordinary shares"),
    ("final_year_2", "two million nine hundred ninety-six thousand nine hundred twenty-six (2,996,926) Class A "
                     "ordinary shares"),
])
def test_transfer_agent_letter_and_stock_power_carry_the_release_in_words_and_figures(request, package, words):
    letters = request.getfixturevalue(package)
    instruction = letters.rendered["joint-instruction"].document_id
    for text in letters.both("transfer-agent-letter"):
        assert "Instruction to the Transfer Agent" in text and "To Transhare Corporation, transfer agent of Kaixin " \
            "Holdings" in text
        assert f"instructs and authorises you to register the transfer of {words} (the “Release Shares”) from the " \
               "Escrow Agent’s position" in text
        assert f"(document ID {instruction})" in text
        assert "Book entry (DRS) in the name of Fangle Lai" in text
        assert "IRS Form W-8BEN" in text
    for text in letters.both("stock-power"):
        assert "Irrevocable Stock Power" in text
        assert f"hereby irrevocably assigns and transfers to the transferee named below {words} of Kaixin Holdings" \
            in text
        assert f"(document ID {instruction})" in text
        assert "irrevocably constitutes and appoints Transhare Corporation, the Company’s transfer agent, as its " \
               "attorney" in text
        assert "Signature guaranteed" in text and "Medallion guarantee stamp of an eligible guarantor institution" \
            in text
        assert "medallion signature guarantee program (STAMP, SEMP or MSP)" in text
        assert "A notary’s certification is not a signature guarantee." in text
    assert letters.items("transfer-agent-letter") == () and letters.items("stock-power") == ()


def test_ea_1_1_the_position_the_release_shares_leave_is_named(final):
    reference = f"registered in the name of AUTOA2A, LTD. as Escrow Agent (EA 1.1) and held under a Direct " \
                f"Registration System (DRS) statement, reference {POSITION['identifier']}"
    for kind in ("joint-instruction", "transfer-agent-letter", "stock-power"):
        for text in final.both(kind):
            assert reference in text, kind


def test_the_stock_power_is_for_the_agent_to_sign_by_hand_with_no_signature_field(final):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    with open(final.rendered["stock-power"].pdf_path, "rb") as file:
        assert list(enumerate_sig_fields(PdfFileReader(file))) == []  # a medallion guarantee needs a wet signature
    with open(final.rendered["transfer-agent-letter"].pdf_path, "rb") as file:
        assert [name for name, _v, _r in enumerate_sig_fields(PdfFileReader(file))] == ["PartyA_Signature"]
    for text in final.both("stock-power"):
        assert "Executed by the Transferor: For and on behalf of AUTOA2A, LTD." in text


# --- point 12: the joint instruction's enclosures, escrow balance and acknowledgement ----------------------
def test_the_joint_instruction_lists_its_enclosures(final):
    ids = {kind: final.rendered[kind].document_id for kind in ("stock-power", "transfer-agent-letter")}
    for text in final.both("joint-instruction"):
        assert "Enclosures As listed in paragraph 10" in text
        assert f"(a) a copy of the written report of {FIRM}, report no. HL-2027-008, dated 8 January 2027 " \
               "(EA 3.1(a));" in text
        assert "(b) Party C’s IRS Form W-8BEN (Certificate of Foreign Status of Beneficial Owner for United States " \
               "Tax Withholding and Reporting), signed by Party C" in text
        assert ("(c) the irrevocable stock power for the Escrow Agent, as registered holder, to execute with its "
                "signature guaranteed under a medallion signature guarantee program "
                f"(document ID {ids['stock-power']})") in text
        assert ("(d) a copy of Party A’s letter instructing Transhare Corporation, the transfer agent, to register "
                "the transfer") in text
        assert f"(document ID {ids['transfer-agent-letter']})" in text
        assert "legal opinion" not in text  # the legend is retained: no removal, no opinion


def test_the_legend_opinion_is_enclosed_only_where_removal_is_asked(filled, tmp_path):
    removing = filled.model_copy(update={"shares": filled.shares.model_copy(update={"restrictive_legend": "removed"})})
    letters = Package(removing, YEAR_1, 1, BEFORE, tmp_path)
    for text in letters.both("joint-instruction"):
        assert "(c) the legal opinion under Rule 144 or Regulation S of the U.S. Securities Act of 1933 on which " \
               "removal of the restrictive legend is requested;" in text
        assert "(d) the irrevocable stock power" in text and "(e) a copy of Party A’s letter" in text
    for text in letters.both("transfer-agent-letter"):
        assert "consents to the removal of the restrictive legend" in text
        assert "(c) the legal opinion under Rule 144 or Regulation S" in text


def test_escrow_balance_before_and_after_the_release(final, final_year_2):
    for text in final.both("joint-instruction"):
        assert "Held before this release 15,000,000" in text
        assert "Released to Party C by this instruction (Assessment Year 1) 3,000,000" in text
        assert "Held after this release 12,000,000" in text
        assert "of which the tranches of Assessment Years not yet assessed (SPA 5.1) 12,000,000" in text
    balance = final_year_2.context["joint-instruction"]["balance"]
    assert (balance["before"], balance["released_now"], balance["after"]) == (12_000_000, 2_996_926, 9_003_074)
    assert (balance["retained"], balance["unassessed"]) == (3_074, 9_000_000)
    for text in final_year_2.both("joint-instruction"):
        assert "after the releases instructed for Assessment Year 1 (3,000,000 shares)" in text
        assert "12,000,000" in text
        assert "Released to Party C by this instruction (Assessment Year 2) 2,996,926" in text
        assert "Held after this release 9,003,074" in text
        assert "with fractions of a share (SPA 5.2(1)) 3,074" in text
    for text in final_year_2.both("transfer-agent-letter"):
        assert "After the transfer, nine million three thousand seventy-four (9,003,074) Class A ordinary shares " \
               "remain registered in the name of the Escrow Agent" in text


def test_the_escrow_agent_acknowledges_and_agrees(final):
    for text in final.both("joint-instruction"):
        assert ("Acknowledged and agreed by the Escrow Agent. The Escrow Agent acknowledges that it received this "
                "instruction and the documents listed in paragraph 10 on the date written below") in text
        block = text[text.index("Acknowledged and agreed"):]
        assert "For and on behalf of AUTOA2A, LTD. (Party D, the Escrow Agent)" in block
        assert "Name:" in block and "Title:" in block and "Date of receipt:" in block


# --- what the filing does not give: open items, never invented -----------------------------------------------
@pytest.mark.parametrize(("kind", "expected"), [
    ("joint-instruction", ["the Escrow Agent’s e-mail address for notices (contract file: parties.party_d.email)",
                           "(contract file: escrow_position.form)", "(contract file: escrow_position.identifier)",
                           "Party B’s registered Chinese name, as on its business licence and company chop "
                           "(contract file: parties.party_b.chinese_name)"]),
    ("transfer-agent-letter", ["the transfer agent’s address for this letter (contract file: "
                               "shares.transfer_agent_address)", "(contract file: escrow_position.form)",
                               "(contract file: escrow_position.identifier)",
                               "Party C’s address for notices (SPA 11.3; the filed SPA gives none)"]),
    ("stock-power", ["(contract file: escrow_position.form)", "(contract file: escrow_position.identifier)",
                     "Party C’s address for notices (SPA 11.3; the filed SPA gives none)"]),
])
def test_each_missing_particular_is_an_open_item(draft, kind, expected):
    items = draft.items(kind)
    for wanted in expected:
        assert any(wanted in item for item in items), (kind, wanted, items)
    for text in draft.both(kind):
        assert text.startswith("DRAFT") or "DRAFT: not for signature" in text
        assert "escrow.notices@" not in text and POSITION["identifier"] not in text


def test_point_13_party_b_signs_beside_its_registered_chinese_name(draft, final):
    for text in draft.both("joint-instruction"):
        assert "ZHEJIANG KAIXIN AUTO CO., LTD. [● registered Chinese name]" in text  # the letterhead
        assert "Zhejiang Kaixin Auto Co., Ltd. [● registered Chinese name] (Party B)" in text  # the signature block
    for text in final.both("joint-instruction"):
        assert f"ZHEJIANG KAIXIN AUTO CO., LTD. {PARTY_B_CHINESE_NAME}" in text
        assert f"Zhejiang Kaixin Auto Co., Ltd. {PARTY_B_CHINESE_NAME} (Party B)" in text
    assert not any("registered Chinese name" in item for item in final.items("joint-instruction"))


def test_point_15_no_address_is_said_to_be_on_the_spas_first_page(draft):
    for kind in ("joint-instruction", "release-notice", "transfer-agent-letter", "stock-power"):
        for text in draft.both(kind):
            assert "first page of the SPA" not in text, kind
    assert any("Party C’s address for notices (SPA 11.3; the filed SPA gives none)" in item
               for item in draft.items("release-notice"))


def test_the_contract_file_keeps_every_new_particular_null_with_its_reference(contract):
    from compliance.contract import ContractError, contract_from_mapping

    assert contract.parties.party_b.chinese_name is None and contract.parties.party_c.address is None
    assert contract.parties.party_d.email.value is None and contract.parties.party_d.email.reference
    assert contract.escrow_position.form.value is None and contract.escrow_position.form.reference == "EA 1.1"
    assert contract.escrow_position.identifier.value is None
    assert contract.shares.transfer_agent_address.value is None and contract.shares.transfer_agent_address.reference
    terms = contract.model_dump(mode="json")
    terms["escrow_position"]["form"]["value"] = "safe deposit box"
    with pytest.raises(ContractError, match="escrow_position.form"):
        contract_from_mapping(terms)


def test_the_readme_lists_the_new_particulars():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Open items"):readme.index("## How the code is laid out")]
    for key in ("parties.party_b.chinese_name", "parties.party_d.email", "escrow_position", "parties.party_c.address",
                "shares.transfer_agent_address", "calendar.schedule_files"):
        assert f"`{key}" in table, key


def test_the_test_calendar_is_a_schedule_file(filled):
    assert filled.calendar.schedule_files == [str(TEST_CALENDAR)]
