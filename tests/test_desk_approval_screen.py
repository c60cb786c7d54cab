"""Issue 31, the approval screen: on the Year page the figures, the evidence and each letter of the set come before
the Approve button; approving is refused, naming the letters not yet opened, until the approver opened each of them
in this session (its page, a page image or its PDF); downloads are named for what they are (DRAFT / FINAL and the
version), finals come first and drafts are marked; with --as-of the approval is dated on the desk's date."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from helpers.desk import AS_OF, NOW, PASSWORD, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.desk import DeskSettings, create_app
from compliance.ledger import open_ledger

LETTERS = ["joint-instruction", "release-notice", "stock-power", "transfer-agent-letter", "assessment-report"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Year 1 prepared by paula (a preparer): alice and bob, approvers, may approve it."""
    return make_ledger(tmp_path_factory.mktemp("approval-screen"), with_report=True, prepared_by="paula")


@pytest.fixture
def desk(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy, contract, desk_app(copy, contract)


def signed_in(app, name: str) -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def letters_of(html: str) -> dict[str, int]:
    """kind -> document id, as the Year page lists the letters."""
    return {kind: int(number) for number, kind in re.findall(r'<details class="letter" id="letter-([0-9]+)" '
                                                              r'data-letter="([^"]+)"', html)}


def approve_form(html: str) -> dict:
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    determination = re.search(r'name="determination" value="([0-9]+)"', html).group(1)
    return {"csrf": token, "determination": determination, "password": PASSWORD}


def approvals(out) -> list:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.approvals()


def test_the_figures_the_evidence_and_each_letter_come_before_the_approve_button(desk):
    out, contract, app = desk
    html = signed_in(app, "alice").get("/years/1").text
    letters = letters_of(html)
    assert list(letters) == LETTERS
    figures = html.index('data-field="actual"')
    evidence = html.index('src="/files/evidence/')
    pages = [html.index(f'src="/files/pages/{number}/1.png"') for number in letters.values()]
    button = html.index("Approve the documents")
    assert figures < button and evidence < button and max(pages) < button
    assert html.index('id="computation"') < html.index('id="documents"') < html.index('id="approval"')
    # each letter's pages are full-width images, loaded when the letter is opened; each says it is a DRAFT
    assert html.count('loading="lazy" alt="Page 1 of') == len(LETTERS)
    assert html.count('<span class="badge draft">DRAFT v1</span>') == len(LETTERS)
    assert html.count('data-opened="no"') == len(LETTERS)
    assert "Open the joint instruction, the release notice, the stock power, the transfer agent letter and the " \
           "assessment report (above) before approving." in html


def test_approving_is_refused_until_each_letter_was_opened_by_that_approver(desk):
    out, contract, app = desk
    alice = signed_in(app, "alice")
    html = alice.get("/years/1").text
    letters, form = letters_of(html), approve_form(html)

    refused = alice.post("/years/1/approve", data=form, follow_redirects=True)
    assert "Not approved: you have not opened the joint instruction, the release notice, the stock power, the " \
           "transfer agent letter and the assessment report yet; open each letter (its pages on this page, or its " \
           "PDF) before approving." in refused.text
    assert approvals(out) == [] and not (out / "year-1" / "approved").exists()

    # bob opening them does not open them for alice
    bob = signed_in(app, "bob")
    for number in letters.values():
        assert bob.get(f"/documents/{number}").status_code == 200
    # alice opens four of the five, each in another way: its page, a page image, its PDF
    assert alice.get(f"/documents/{letters['joint-instruction']}").status_code == 200
    assert alice.get(f"/files/pages/{letters['release-notice']}/1.png").status_code == 200
    assert alice.get(f"/files/documents/{letters['stock-power']}.pdf").status_code == 200
    assert alice.get(f"/files/pages/{letters['transfer-agent-letter']}/1.png").status_code == 200
    assert alice.get(f"/files/documents/{letters['assessment-report']}.docx").status_code == 200  # not an opening
    refused = alice.post("/years/1/approve", data=form, follow_redirects=True)
    assert "Not approved: you have not opened the assessment report yet;" in refused.text
    assert approvals(out) == []
    assert refused.text.count('data-opened="yes"') == 4

    assert alice.get(f"/files/documents/{letters['assessment-report']}.pdf").status_code == 200
    done = alice.post("/years/1/approve", data=form, follow_redirects=True)
    assert "Year 1 approved by alice (prepared by paula)" in done.text
    assert [a.approved_by for a in approvals(out)] == ["alice"]


def test_a_new_sign_in_starts_with_no_letter_opened(desk):
    out, contract, app = desk
    first = signed_in(app, "alice")
    letters = letters_of(first.get("/years/1").text)
    for number in letters.values():
        first.get(f"/documents/{number}")
    again = signed_in(app, "alice")  # another session of the same person
    refused = again.post("/years/1/approve", data=approve_form(again.get("/years/1").text), follow_redirects=True)
    assert "Not approved: you have not opened the joint instruction" in refused.text
    assert approvals(out) == []


def _approve(app, name: str = "alice") -> TestClient:
    browser = signed_in(app, name)
    html = browser.get("/years/1").text
    for number in letters_of(html).values():
        assert browser.get(f"/documents/{number}").status_code == 200
    done = browser.post("/years/1/approve", data=approve_form(html), follow_redirects=True)
    assert "Year 1 approved by" in done.text
    return browser


def test_downloads_are_named_draft_or_final_with_their_version(desk):
    out, contract, app = desk
    browser = _approve(app)
    letters = letters_of(browser.get("/years/1").text)
    number = letters["joint-instruction"]
    draft = browser.get(f"/files/documents/{number}.pdf")
    assert 'filename="year-1-joint-instruction-DRAFT-v1.pdf"' in draft.headers["content-disposition"]
    docx = browser.get(f"/files/documents/{number}.docx")
    assert 'filename="year-1-joint-instruction-DRAFT-v1.docx"' in docx.headers["content-disposition"]
    approval = approvals(out)[0]
    index = next(i for i, f in enumerate(approval.files) if f.kind == "joint-instruction")
    final = browser.get(f"/files/final/{approval.id}/{index}.pdf")
    assert final.status_code == 200
    assert 'filename="year-1-joint-instruction-FINAL-v1.pdf"' in final.headers["content-disposition"]
    final_docx = browser.get(f"/files/final/{approval.id}/{index}.docx")
    assert 'filename="year-1-joint-instruction-FINAL-v1.docx"' in final_docx.headers["content-disposition"]


def test_finals_come_first_and_drafts_are_marked_on_every_page_listing_documents(desk):
    out, contract, app = desk
    browser = _approve(app)
    approval = approvals(out)[0]
    listing = browser.get("/documents").text
    assert listing.index("Final (to sign)") < listing.index("<th scope=\"col\">Draft</th>")
    row = listing[listing.index('>joint instruction</a>'):]
    row = row[:row.index("</tr>")]
    assert row.index(f"/files/final/{approval.id}/") < row.index("/files/documents/")
    assert '<span class="badge final">FINAL v1</span>' in row and '<span class="badge draft">DRAFT v1</span>' in row
    one = browser.get("/documents/1").text
    assert one.index("Download the FINAL PDF") < one.index("Download the DRAFT PDF")
    assert '<span class="badge draft">DRAFT v1</span>' in one
    year = browser.get("/years/1").text
    letter = year[year.index('data-letter="joint-instruction"'):]
    letter = letter[:letter.index("</details>")]
    assert letter.index("FINAL PDF") < letter.index("DRAFT</span> PDF")
    assert "/files/final-pages/" in letter  # the approved letter is shown as its final


def test_with_as_of_the_approval_is_dated_on_the_desks_date_not_the_clocks(base, tmp_path):
    """Point 12: a desk serving 25 January 2027 (--as-of) whose clock reads 20 January approves on 25 January."""
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    later = AS_OF + dt.timedelta(days=5)
    app = create_app(DeskSettings(out_dir=copy, as_of=later, contract_path=contract, upload_wait_seconds=None,
                                  clock=lambda: NOW))
    browser = signed_in(app, "bob")
    html = browser.get("/years/1").text
    for number in letters_of(html).values():
        browser.get(f"/documents/{number}")
    done = browser.post("/years/1/approve", data=approve_form(html), follow_redirects=True)
    assert "on 25 January 2027, 09:30 UTC" in done.text
    approval = approvals(copy)[0]
    assert approval.approved_at == "2027-01-25T09:30:00+00:00"
    with open_ledger(copy / "ledger.sqlite", create=False) as ledger:
        event = ledger.events(kinds=("documents_approved",))[-1]
    assert event.on_date == later


def test_no_page_says_a_approver(desk):
    out, contract, app = desk
    victor = signed_in(app, "victor")
    pages = ["/overview", "/inbox", "/years/1", "/documents", "/documents/1"]
    for path in pages:
        assert " a approver" not in victor.get(path).text and " a admin" not in victor.get(path).text
    refused = victor.post("/years/1/approve", data={"csrf": "x"})
    assert " a approver" not in refused.text
