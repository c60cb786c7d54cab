"""The penalty statement as counsel reads it (issue 30, point 1): a privileged computation for counsel, not an
admission; DRAFT until a second person approves it, then its final in the year's approved/ folder.

Read as a user would: the PDF's text page by page (PDFium) and the DOCX's text (python-docx), the PDF's
AcroForm through pyHanko's reader.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from helpers.cli import REPO, invoke
from helpers.document_text import docx_text, squash
from helpers.penalty_case import PRICES as PENALTY_PRICES
from helpers.penalty_case import late_year_1

from compliance.contract import load_contract
from compliance.documents import Renderer
from compliance.documents.penalty_statement import PRIVILEGE, penalty_statement_context
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.approval import ApprovalError, ApprovalState, year_approval
from compliance.operations.penalty_approval import approve_penalty, penalty_approval
from compliance.values.digest import sha256_file

PRICES = PENALTY_PRICES
REPORT = REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf"
D = dt.date.fromisoformat
AT = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
# Words that would make the statement an admission against our own client, or a legal conclusion.
FORBIDDEN = [r"\bpayable\b", r"\bowed\b", r"\bowes\b", r"\bliable\b", r"attributed to party a", r"\bbreach",
             r"penalty payable", r"\bowed by\b", r"liquidated damages", r"\bhere CIETAC\b"]
# PRC Civil Code art. 585(2) cited as statute (the PRC lawyer's review, finding 19): the one place "liquidated damages"
# may appear, in exactly these words, saying that the memorandum does not assess whether it applies
STATUTE = ("Article 585(2) of the PRC Civil Code provides that where agreed liquidated damages are lower than, or "
           "excessively higher than, the loss caused, a people’s court or arbitral institution may increase or "
           "appropriately reduce them at a party’s request. Whether it applies to the amount described in SPA 8.2 "
           "is not assessed in this memorandum.")


def pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [squash(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def signature_fields(path: Path) -> list:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    with open(path, "rb") as file:
        reader = PdfFileReader(file)
        form = reader.root.get("/AcroForm")
        fields = list(form.get_object().get("/Fields", [])) if form is not None else []
        return fields + list(enumerate_sig_fields(reader))


def forbidden_in(text: str) -> list[str]:
    return [pattern for pattern in FORBIDDEN if re.search(pattern, text, re.IGNORECASE)]


def without_the_clause(text: str, contract) -> str:
    """The text less SPA 8.2 quoted verbatim (the contract's own words, which the statement must quote) and less
    the statute cited (Civil Code art. 585(2)), which must be there once, word for word."""
    clause = " ".join(contract.clauses["late-release-penalty"].text.split())
    assert text.count(STATUTE) == 1, "PRC Civil Code art. 585(2) cited once, exactly as statute"
    return text.replace(clause, "").replace(STATUTE, "")


@pytest.fixture(scope="module")
def statement(tmp_path_factory, contract):
    """Year 1 outstanding on 1 March 2027 (31 days), a dispute 10-20 February excluded, the agent holding both
    EA 3.1 documents from 1 February: both readings computed, rendered as issued (a DRAFT awaiting approval)."""
    rendered, result, other, _ = late_year_1(contract, tmp_path_factory.mktemp("statement") / "year-1" /
                                             "penalty-statement")
    return result, other, rendered


def test_spa_8_2_statement_is_headed_privileged_on_every_page(statement):
    _, _, rendered = statement
    texts = pages(rendered.pdf_path)
    assert len(texts) > 1
    for text in texts:
        assert PRIVILEGE.lower() in text.lower()  # the heading on page 1, the footer on every page
    assert texts[0].lower().index(PRIVILEGE.lower()) < texts[0].index("SPA 8.2 Exposure Computation")
    docx = squash(docx_text(rendered.docx_path))
    assert PRIVILEGE in docx
    import docx as python_docx

    footers = [p.text for s in python_docx.Document(str(rendered.docx_path)).sections for p in s.footer.paragraphs]
    assert any(PRIVILEGE in text for text in footers)  # Word repeats the footer on every page


def test_spa_8_2_statement_is_a_memorandum_to_counsel_with_no_signature(statement, contract):
    _, _, rendered = statement
    pdf, docx = " ".join(pages(rendered.pdf_path)), squash(docx_text(rendered.docx_path))
    for text in (pdf, docx):
        assert "To Counsel to Kaixin Holdings (Party A) and its legal team" in text
        assert "From Earn-out escrow administration" in text
        assert "Prepared by Kaixin Holdings" not in text
        for word in ("Signature", "Name:", "Title:", "authorised signatory", "Chief Financial Officer"):
            assert word not in text
        assert forbidden_in(without_the_clause(text, contract)) == []
    assert signature_fields(rendered.pdf_path) == []


def test_spa_8_2_statement_gives_the_exposure_under_each_reading_on_the_stated_assumptions(statement):
    result, other, rendered = statement
    for text in (" ".join(pages(rendered.pdf_path)), squash(docx_text(rendered.docx_path))):
        assert "exposure figure under SPA 8.2 is" in text and "on the stated assumptions" in text
        assert f"USD {result.penalty_rounded:,}" in text and f"USD {other.penalty_rounded:,}" in text
        assert "1. Daily close*" in text and "2. Close of the SPA 5.1 date" in text
        assert "Under reading 1 (daily close), the exposure figure on the stated assumptions is" in text
        assert "Readings and assumptions" in text
        assert "Days are counted from the day after the date in SPA 5.1" in text  # the start of the count
        assert "29 January 2027" in text
        assert "Only the periods recorded in the ledger as a dispute" in text  # justified reasons assumed
        assert "does not assess whether any delay had a justified reason" in text


def test_spa_8_2_statement_names_the_price_file_and_its_sha256(statement):
    _, _, rendered = statement
    digest = sha256_file(PRICES)
    for text in (" ".join(pages(rendered.pdf_path)), squash(docx_text(rendered.docx_path))):
        assert f"Prices {PRICES.name} (SHA-256 {digest})" in text.replace("\n", " ")
        assert "Computed on sample prices" in text


def test_ea_3_2_the_days_are_divided_by_the_agents_period_not_by_party(statement):
    result, _, rendered = statement
    assert result.agent_deadline == D("2027-03-05")
    for text in (" ".join(pages(rendered.pdf_path)), squash(docx_text(rendered.docx_path))):
        assert "Period A: up to and including 5 March 2027" in text and "Period B: after 5 March 2027" in text
        assert "states no view on which party, if any, would bear any part of it" in text
        assert "Attribution" not in text


def test_the_statement_as_issued_is_a_draft_and_as_approved_is_not(statement, contract):
    result, other, rendered = statement
    assert "DRAFT: awaiting approval; not to be relied on until a second person approves it" in pages(
        rendered.pdf_path)[0]
    assert all("DRAFT" in text for text in pages(rendered.pdf_path))  # the footer of every page
    context = penalty_statement_context(contract, result, as_of=D("2027-03-01"), prices_source=PRICES.name,
                                        outstanding=True, prices_sha256=sha256_file(PRICES), alternatives=[other])
    final = Renderer().render("penalty-statement", context, rendered.pdf_path.parent / "final", as_of=D("2027-03-01"))
    assert not any("DRAFT" in text for text in pages(final.pdf_path))
    assert final.document_id == rendered.document_id
    again = Renderer().render("penalty-statement", context, rendered.pdf_path.parent / "again", as_of=D("2027-03-01"))
    assert (again.pdf_sha256, again.docx_sha256) == (final.pdf_sha256, final.docx_sha256)  # byte-identical
    from helpers.pdfa import pdfa_problems

    assert pdfa_problems(final.pdf_path) == [] and pdfa_problems(rendered.pdf_path) == []


# --- four-eyes through a real run -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A real run as of 1 March 2027 with prices: year 1's letters and its penalty statement, all drafts."""
    base = tmp_path_factory.mktemp("four-eyes")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(REPORT, inbox)
    out = base / "out"
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-03-01", "--prices", str(PRICES))
    assert done.returncode == 0, done.stderr
    db = out / "ledger.sqlite"
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        for name, role in (("paula", "preparer"), ("alice", "approver"), ("bob", "approver")):
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AT.date())
    return base, out


def _copy(issued, tmp_path) -> Path:
    _, out = issued
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "out"


def _approve(out: Path, by: str):
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        return approve_penalty(ledger, load_contract(), year=1, by=by, at=AT)


def test_the_issued_statement_is_a_draft_without_signature_fields(issued, contract):
    _, out = issued
    pdf = out / "year-1" / "penalty-statement.pdf"
    texts = pages(pdf)
    assert texts[0].startswith("DRAFT: awaiting approval")
    assert all("DRAFT" in text and PRIVILEGE.lower() in text.lower() for text in texts)
    assert "DRAFT: awaiting approval" in docx_text(out / "year-1" / "penalty-statement.docx")
    assert signature_fields(pdf) == []
    assert forbidden_in(without_the_clause(" ".join(texts), contract)) == []
    assert not (out / "year-1" / "approved" / "penalty-statement.pdf").exists()
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert penalty_approval(ledger, 1).state == ApprovalState.AWAITING


def test_an_approver_approves_it_into_approved_and_the_ledger_chain(issued, tmp_path):
    out = _copy(issued, tmp_path)
    approval = _approve(out, "alice")
    final = out / "year-1" / "approved" / "penalty-statement.pdf"
    assert [f.pdf_path for f in approval.files] == ["year-1/approved/penalty-statement.pdf"]
    assert final.is_file() and (out / "year-1" / "approved" / "penalty-statement.docx").is_file()
    texts = pages(final)
    assert not any("DRAFT" in text for text in texts)
    assert all(PRIVILEGE.lower() in text.lower() for text in texts)
    assert "DRAFT" not in docx_text(out / "year-1" / "approved" / "penalty-statement.docx")
    draft_id = re.search(r"Document ID (\S+)", " ".join(pages(out / "year-1" / "penalty-statement.pdf"))).group(1)
    assert f"Document ID {draft_id}" in " ".join(texts)
    assert signature_fields(final) == []
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert ledger.verify().ok
        event = ledger.events(kinds=("documents_approved",))[-1]
        assert event.data["approved_by"] == "alice"
        assert [d["kind"] for d in event.data["documents"]] == ["penalty-statement"]
        assert penalty_approval(ledger, 1).state == ApprovalState.APPROVED
        assert year_approval(ledger, 1).state != ApprovalState.APPROVED  # the year's letters are not approved by it
    with pytest.raises(ApprovalError, match="already approved by alice"):
        _approve(out, "bob")
    final.unlink()
    assert _approve(out, "bob") == approval  # a lost final is put back, the same bytes
    assert sha256_file(final) == approval.files[0].pdf_sha256


@pytest.mark.parametrize(("who", "says"), [
    ("paula", "is a preparer; only an approver may approve"),
    ("nobody", "has no active account"),
])
def test_only_an_approver_approves_the_statement(issued, tmp_path, who, says):
    out = _copy(issued, tmp_path)
    with pytest.raises(ApprovalError, match=says):
        _approve(out, who)
    assert not (out / "year-1" / "approved" / "penalty-statement.pdf").exists()


def test_its_preparer_cannot_approve_it(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(REPORT, inbox)
    out = tmp_path / "out"
    db = out / "ledger.sqlite"
    assert invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20").returncode == 0
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        add_user(ledger, name="alice", role="approver", password=PASSWORD, on=AT.date())
    password = tmp_path / "password"
    password.write_text(PASSWORD + "\n")
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-03-01", "--prices", str(PRICES),
                  "--by", "alice", "--password-file", str(password))
    assert done.returncode in (0, 1), done.stderr
    with pytest.raises(ApprovalError, match="alice prepared year 1's penalty statement and cannot also approve it"):
        _approve(out, "alice")


def test_approve_penalty_statement_through_the_cli(issued, tmp_path):
    out = _copy(issued, tmp_path)
    password = tmp_path / "password"
    password.write_text(PASSWORD + "\n")
    done = invoke("approve", "--year", "1", "--penalty-statement", "--by", "alice", "--password-file", str(password),
                  "--db", str(out / "ledger.sqlite"))
    assert done.returncode == 0, done.stderr
    assert "Year 1's penalty statement approved by alice" in done.stdout
    assert "year-1/approved/penalty-statement.pdf" in done.stdout
