"""Issue 27 at the review desk, through the ASGI test client: a report whose figures the extractor could not
prove (the scanned Year 2 fixture: its revenue read by OCR alone, its firm not on the approved list) is confirmed
by hand on its page by a preparer, typed blind and refused when it differs from the reading; countersigned or
sent back by another approver; withdrawn. Every rule of the desk holds: CSRF, roles, four eyes, reason lengths,
no traceback, no command to type.

The ledger (a real run on the year-1 report and the scanned one, ~30 s of OCR) is made once per session
(helpers.shared.built_once, shared with tests/test_desk_browser_confirm.py); each test works on a copy."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from pathlib import Path

import pytest
from helpers.cli import REPO
from helpers.contracts import filled_contract
from helpers.desk import ACCOUNTS, PASSWORD, YEAR_1_REPORT, FakeMonotonic, csrf_of, sign_in
from helpers.shared import built_once
from starlette.testclient import TestClient

from compliance.desk import DeskSettings, create_app
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.run import RunOptions, run

SCANNED = REPO / "fixtures" / "audit-reports" / "bad-scanned-image-only.pdf"  # Year 2, five scanned pages
FIGURE = "731,250,000.00"  # fixtures/truth.yaml: on page 5, in 元
FIRM = "雁荡清源会计师事务所（特殊普通合伙）"  # on page 3; not on the filled contract's approved list
AS_OF = dt.date(2028, 1, 24)  # after the report's date (20 January 2028), before year 2's deadline
NOW = dt.datetime(2028, 1, 24, 9, 30, tzinfo=dt.UTC)
PARTY_A_SAID = "Party A approved the firm in its letter of 5 January 2028 (file 2028-07)."


def build_scanned_desk(folder: Path) -> None:
    """folder/out: a run on an inbox (the output folder's own, as the desk's uploads are kept) holding the year-1
    report and the scanned Year 2 report, year 1 prepared by paula; then the desk's accounts. folder/filled.yaml:
    the contract."""
    out = folder / "out"
    inbox = out / "inbox"
    inbox.mkdir(parents=True)
    shutil.copy(YEAR_1_REPORT, inbox)
    shutil.copy(SCANNED, inbox)
    contract = filled_contract(folder / "filled.yaml")
    run(RunOptions(inbox=inbox, out_dir=out, as_of=AS_OF, contract_path=contract, prepared_by="paula", workers=1))
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in ACCOUNTS:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AS_OF)


def scanned_desk(tmp_path_factory, tmp_path: Path) -> tuple[Path, Path, str]:
    """(a copy of the output folder, the contract, the scanned report's sha256)."""
    folder = built_once(tmp_path_factory, "desk-confirm-scanned", build_scanned_desk)
    out = tmp_path / "out"
    shutil.copytree(folder / "out", out)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        sha = next(r["sha256"] for r in ledger.reports() if r["first_name"] == SCANNED.name)
    return out, folder / "filled.yaml", sha


def confirm_app(out: Path, contract: Path):
    return create_app(DeskSettings(out_dir=out, as_of=AS_OF, contract_path=contract, clock=lambda: NOW,
                                   monotonic=FakeMonotonic(), upload_wait_seconds=None))


@pytest.fixture
def desk(tmp_path_factory, tmp_path):
    out, contract, sha = scanned_desk(tmp_path_factory, tmp_path)
    return out, sha, confirm_app(out, contract)


def signed_in(app, name: str) -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def flashes(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).replace("&#39;", "'")
            for text in re.findall(r'<p class="flash [a-z]+"[^>]*>(.*?)</p>', html, re.S)]


def value_of(html: str, name: str) -> str | None:
    found = re.search(rf'<input id="[^"]*" name="{name}"[^>]*?value="([^"]*)"', html)
    return found.group(1) if found else None


def entries(token: str, figure: str = FIGURE, firm: str = FIRM, **pages: str) -> dict:
    return {"csrf": token, "value-operating_revenue": figure, "page-operating_revenue": pages.get("revenue", "5"),
            "value-auditor": firm, "page-auditor": pages.get("auditor", "3")}


def confirmed(browser: TestClient, sha: str, **changes):
    token = csrf_of(browser.get(f"/reports/{sha}").text)
    return browser.post(f"/reports/{sha}/confirm", data=entries(token, **changes), follow_redirects=True)


def countersigned(browser: TestClient, sha: str, reason: str = PARTY_A_SAID):
    token = csrf_of(browser.get(f"/reports/{sha}").text)
    return browser.post(f"/reports/{sha}/countersign", data={"csrf": token, "reason": reason}, follow_redirects=True)


def events(out: Path, *kinds: str) -> list:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.events(kinds=kinds)


def no_command(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    assert "compliance " not in text and "Traceback" not in text


# --- what the report's page offers --------------------------------------------------------------------------
def test_the_page_asks_for_the_revenue_blind_and_the_firm_beside_their_pages(desk):
    out, sha, app = desk
    html = signed_in(app, "paula").get(f"/reports/{sha}").text
    assert "Confirm by hand" in html and 'action="/reports/' + sha + '/confirm"' in html
    assert value_of(html, "value-operating_revenue") == ""  # typed blind
    assert "type the figure as printed, in the statement's unit (元 / 千元 ...)" in html.lower()
    assert FIGURE not in html and "731250000" not in html  # not in the table, the caption or the problems either
    assert value_of(html, "value-auditor") == FIRM and f'<q class="read-as">{FIRM}</q>' in html
    assert value_of(html, "page-operating_revenue") == "5" and value_of(html, "page-auditor") == "3"
    assert f'src="/files/evidence/{sha}.png"' in html and f'src="/files/reports/{sha}/pages/3.png"' in html
    assert "the firm is not on the contract" not in html  # the approver's duty is said to the approver
    no_command(html)


def test_the_page_a_field_was_read_on_is_served_from_the_desks_inbox_only_to_a_signed_in_user(desk):
    out, sha, app = desk
    anonymous = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert anonymous.get(f"/files/reports/{sha}/pages/3.png").status_code == 303
    browser = signed_in(app, "victor")
    picture = browser.get(f"/files/reports/{sha}/pages/3.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert picture.headers["cache-control"] == "no-store"
    assert browser.get(f"/files/reports/{sha}/pages/6.png").status_code == 404  # five pages
    assert browser.get("/files/reports/" + "0" * 64 + "/pages/1.png").status_code == 404
    (out / "inbox" / SCANNED.name).write_bytes(b"%PDF-1.7 changed on disk")
    assert browser.get(f"/files/reports/{sha}/pages/2.png").status_code == 404  # not the bytes the ledger holds


def test_a_viewer_sees_what_is_to_confirm_but_no_form(desk):
    _, sha, app = desk
    html = signed_in(app, "victor").get(f"/reports/{sha}").text
    assert "Confirm by hand" in html and "/confirm" not in html and "you are signed in as victor, a viewer" in html
    assert 'name="value-' not in html and f'src="/files/evidence/{sha}.png"' in html


def test_an_accepted_report_has_nothing_to_confirm(desk):
    out, _, app = desk
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        accepted = next(r["sha256"] for r in ledger.reports() if r["status"] == "accepted")
    html = signed_in(app, "paula").get(f"/reports/{accepted}").text
    assert "Confirm by hand" not in html and "702,345,678.90" in html


def test_a_report_that_needs_the_contracts_terms_says_why_it_cannot_be_confirmed_and_offers_no_form(desk):
    out, _, app = desk
    paula = signed_in(app, "paula")
    token = csrf_of(paula.get("/inbox").text)
    for name in ("review-usd-currency.pdf", "review-qualified-opinion.pdf"):
        report = REPO / "fixtures" / "audit-reports" / name
        paula.post(f"/inbox/upload?csrf={token}", data={"csrf": token},
                   files={"reports": (name, report.read_bytes(), "application/pdf")})
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        usd, qualified = (next(r["sha256"] for r in ledger.reports() if r["first_name"] == name)
                          for name in ("review-usd-currency.pdf", "review-qualified-opinion.pdf"))
    page = paula.get(f"/reports/{usd}").text
    assert "This report cannot be confirmed by hand:" in page and "The statement is in USD" in page
    assert 'name="value-' not in page and "/confirm" not in page
    refused = paula.post(f"/reports/{usd}/confirm", data={"csrf": token, "value-currency": "CNY"},
                         follow_redirects=True)
    assert flashes(refused.text)[0].startswith("Not confirmed: The statement is in USD, but the contract measures")
    opinion = paula.get(f"/reports/{qualified}").text  # the opinion's page is not known: the person gives it
    assert value_of(opinion, "value-opinion") == "qualified" and value_of(opinion, "page-opinion") == ""
    assert re.search(r'name="page-opinion"[^>]*required', opinion)
    typed = {"csrf": token, "value-opinion": "qualified", "value-auditor": value_of(opinion, "value-auditor") or "",
             "page-auditor": value_of(opinion, "page-auditor") or "1"}
    assert flashes(paula.post(f"/reports/{qualified}/confirm", data=typed, follow_redirects=True).text) == [
        "Not confirmed: Opinion: say on which page of the report you read it."]
    assert events(out, "confirmed_by_hand") == []


# --- confirming ---------------------------------------------------------------------------------------------
def test_a_figure_that_differs_from_the_reading_is_refused_with_both_and_the_other_entries_kept(desk):
    out, sha, app = desk
    browser = signed_in(app, "paula")
    page = confirmed(browser, sha, figure="731,250,000.01", firm=FIRM + " ")
    said = flashes(page.text)
    assert len(said) == 1 and said[0].startswith("Not confirmed: Operating revenue: you typed 731,250,000.01 元")
    assert "read as 731,250,000.00 yuan" in said[0]
    assert value_of(page.text, "value-operating_revenue") == ""  # typed afresh, blind
    assert value_of(page.text, "value-auditor") == FIRM + " " and value_of(page.text, "page-auditor") == "3"
    assert events(out, "confirmed_by_hand") == []
    assert value_of(browser.get(f"/reports/{sha}").text, "value-auditor") == FIRM  # the entries are shown once
    no_command(page.text)


def test_a_missing_entry_or_a_page_the_report_does_not_have_is_refused_in_a_sentence(desk):
    out, sha, app = desk
    browser = signed_in(app, "paula")
    empty = flashes(confirmed(browser, sha, figure="").text)
    assert empty == ["Not confirmed: type every field to confirm: Operating revenue (营业收入) is missing."]
    beyond = flashes(confirmed(browser, sha, auditor="9").text)
    assert beyond == ["Not confirmed: Accounting firm: the report has 5 pages; there is no page 9."]
    assert flashes(confirmed(browser, sha, revenue="five").text) == [
        "Not confirmed: Operating revenue (营业收入): the page is a number, such as 5."]
    long = confirmed(browser, sha, firm="雁" * 400)
    assert "at most 300 characters" in flashes(long.text)[0] and long.status_code == 200
    assert events(out, "confirmed_by_hand") == []


def test_the_preparer_confirms_and_cannot_countersign_and_an_approver_countersigns(desk):
    out, sha, app = desk
    paula = signed_in(app, "paula")
    done = confirmed(paula, sha)
    said = flashes(done.text)[0]
    assert said.startswith("Confirmed by hand by paula: Operating revenue (营业收入), Accounting firm.")
    assert "awaiting countersignature by an approver other than you" in done.text
    assert "Countersign</button>" not in done.text and 'name="value-' not in done.text
    assert f"RMB {FIGURE}" in done.text and FIRM in done.text  # what was confirmed, now shown with the reading
    token = csrf_of(done.text)
    refused = paula.post(f"/reports/{sha}/countersign", data={"csrf": token, "reason": PARTY_A_SAID})
    assert refused.status_code == 403
    assert "paula, a preparer; only an approver may countersign a confirmation by hand" in refused.text

    alice = signed_in(app, "alice")
    page = alice.get(f"/reports/{sha}").text
    assert "Countersign</button>" in page and "Send back</button>" in page
    assert "say where Party A approved it" in page and re.search(r'id="countersign-reason"[^>]*required', page)
    without = flashes(countersigned(alice, sha, reason="").text)
    assert without == ["Not countersigned: write the reason with the countersignature: the firm is not on the "
                       "contract's approved list: say where Party A approved it."]
    signed = countersigned(alice, sha)
    assert flashes(signed.text)[0].startswith("Countersigned by alice: the confirmation by hand is in force, and the "
                                              "report now decides year 2.")
    assert ("Confirmed by hand by paula on 24 January 2028, countersigned by alice on 24 January 2028" in
            re.sub(r"<[^>]+>", "", signed.text))
    assert PARTY_A_SAID in signed.text and "Withdraw the confirmation" in signed.text
    assert "Withdraw the confirmation" not in paula.get(f"/reports/{sha}").text  # an approver withdraws

    inbox = alice.get("/inbox").text
    assert re.search(r"needs review</span> · <span[^>]*>confirmed by hand</span>", inbox)
    assert FIGURE in inbox  # no longer hidden
    year = alice.get("/years/2").text
    assert "ready to prepare" in year and "Prepare the documents" in year
    assert "confirmed by hand by paula on 24 January 2028, countersigned by alice on 24 January 2028" in year
    for html in (inbox, year, signed.text):
        no_command(html)


def test_an_approver_who_confirmed_cannot_countersign_it_and_another_approver_sends_it_back(desk):
    out, sha, app = desk
    alice = signed_in(app, "alice")
    confirmed(alice, sha)
    page = alice.get(f"/reports/{sha}").text
    assert "Countersign</button>" not in page and "You confirmed these fields" in page
    assert flashes(countersigned(alice, sha).text) == [
        "Not countersigned: alice confirmed these fields; a second person, an approver, must countersign."]
    bob = signed_in(app, "bob")
    token = csrf_of(bob.get(f"/reports/{sha}").text)
    assert flashes(bob.post(f"/reports/{sha}/send-back", data={"csrf": token, "reason": " "},
                            follow_redirects=True).text) == [
        "Not sent back: the reason for sending it back: nothing was typed."]
    back = bob.post(f"/reports/{sha}/send-back", data={"csrf": token, "reason": "The firm's name lacks a character."},
                    follow_redirects=True)
    assert flashes(back.text) == ["Sent back by bob: the fields must be confirmed by hand again."]
    text = re.sub(r"<[^>]+>", "", back.text).replace("&#39;", "'")
    assert ("Confirmed by alice on 24 January 2028; sent back by bob on 24 January 2028: The firm's name lacks a "
            "character.") in text
    assert value_of(back.text, "value-operating_revenue") == "" and FIGURE not in back.text  # blind again
    assert events(out, "confirmation_countersigned") == []


def test_a_withdrawal_names_the_documents_it_withdraws_and_withdraws_them(desk):
    out, sha, app = desk
    confirmed(signed_in(app, "paula"), sha)
    alice = signed_in(app, "alice")
    countersigned(alice, sha)
    token = csrf_of(alice.get("/years/2").text)
    prepared = alice.post("/years/2/prepare", data={"csrf": token}, follow_redirects=True)
    assert "for year 2 as alice" in prepared.text
    assert "confirmed by hand by paula" in prepared.text
    assert 'data-field="standing">late to send: open items' in prepared.text  # its letters lack particulars
    page = alice.get(f"/reports/{sha}").text
    assert "These documents rely on it and will be withdrawn with it:" in page
    assert "joint instruction (year 2, version 1)" in page
    bob = signed_in(app, "bob")
    token = csrf_of(bob.get(f"/reports/{sha}").text)
    gone = bob.post(f"/reports/{sha}/withdraw", data={"csrf": token, "reason": "The scan was of the draft report."},
                    follow_redirects=True)
    said = flashes(gone.text)[0]
    assert said.startswith("Withdrawn by bob: the report no longer decides year 2;")
    assert "year-2/joint-instruction.pdf" in said
    assert "withdrawn by bob on 24 January 2028" in gone.text and 'name="value-auditor"' in gone.text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert [d for d in ledger.documents(current_only=True) if d.year == 2] == []
    year = bob.get("/years/2").text
    assert "confirmed by hand by paula" not in year and "confirmation withdrawn" in year
    no_command(year)


# --- the desk's rules ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["confirm", "countersign", "send-back", "withdraw"])
def test_a_form_without_the_sessions_token_is_refused(desk, action):
    out, sha, app = desk
    browser = signed_in(app, "alice")
    for data in ({}, {"csrf": "forged"}):
        response = browser.post(f"/reports/{sha}/{action}", data={**data, **entries("x"), "reason": "r"})
        assert response.status_code == 403 and "security token" in response.text
    assert events(out, "confirmed_by_hand") == []


def test_the_roles_are_checked_by_the_desk(desk):
    out, sha, app = desk
    victor = signed_in(app, "victor")
    token = csrf_of(victor.get("/overview").text)
    refused = victor.post(f"/reports/{sha}/confirm", data=entries(token))
    assert refused.status_code == 403 and "only an approver or a preparer may confirm a report by hand" in refused.text
    paula = signed_in(app, "paula")
    token = csrf_of(paula.get("/overview").text)
    for action in ("send-back", "withdraw"):
        response = paula.post(f"/reports/{sha}/{action}", data={"csrf": token, "reason": "r"})
        assert response.status_code == 403 and "only an approver may" in response.text
    assert paula.post("/reports/" + "0" * 64 + "/confirm", data=entries(token)).status_code == 404
    assert events(out, "confirmed_by_hand") == []


def test_a_reason_longer_than_the_limit_is_refused_by_the_server(desk):
    out, sha, app = desk
    confirmed(signed_in(app, "paula"), sha)
    alice = signed_in(app, "alice")
    response = countersigned(alice, sha, reason="x" * 501)
    assert response.status_code == 400 and "at most 500" in response.text
    assert events(out, "confirmation_countersigned") == []


def test_a_confirmation_waits_for_the_ledgers_writer(desk, monkeypatch):
    out, sha, app = desk
    from compliance.desk import requests as desk_requests

    opened = desk_requests.open_to_write
    monkeypatch.setattr(desk_requests, "open_to_write", lambda *args, **kwargs: opened(*args, **{**kwargs,
                                                                                                 "wait": 0.2}))
    paula = signed_in(app, "paula")
    token = csrf_of(paula.get(f"/reports/{sha}").text)
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(out / "ledger.sqlite", what="another run"):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        response = paula.post(f"/reports/{sha}/confirm", data=entries(token))
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503 and "Try again in a moment" in response.text
    assert events(out, "confirmed_by_hand") == []
