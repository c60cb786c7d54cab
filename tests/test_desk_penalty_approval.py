"""The penalty statement's own four-eyes step at the desk (as `compliance approve --year N --penalty-statement`): on
the Year page where the penalty is shown, an approver who did not prepare it and has opened it approves it with
their password; its preparer, a wrong password and an unopened statement are refused, each in one plain sentence;
the approved version is then offered for download as FINAL."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil

import pytest
from helpers.cli import REPO
from helpers.contracts import filled_contract
from helpers.desk import ACCOUNTS, PASSWORD, YEAR_1_REPORT, FakeMonotonic, csrf_of, sign_in
from starlette.testclient import TestClient
from test_desk_no_shell_words import shell_words

from compliance.desk import DeskSettings, create_app
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.run import RunOptions, run

PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"
AS_OF = dt.date(2027, 3, 1)  # a month after Year 1's release date: a late release, so a penalty statement
NOW = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A real run as of 1 March 2027 with prices, prepared by alice (an approver): Year 1's letters and its
    penalty statement, all drafts; then the accounts."""
    folder = tmp_path_factory.mktemp("desk-penalty")
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(YEAR_1_REPORT, inbox)
    contract = filled_contract(folder / "filled.yaml")
    out = folder / "out"
    run(RunOptions(inbox=inbox, out_dir=out, as_of=AS_OF, contract_path=contract, prices_path=PRICES,
                   prepared_by="alice", workers=1))
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in ACCOUNTS:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AS_OF)
    return out, contract


@pytest.fixture
def desk(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy, create_app(DeskSettings(out_dir=copy, as_of=AS_OF, contract_path=contract, upload_wait_seconds=None,
                                         clock=lambda: NOW, monotonic=FakeMonotonic()))


def _browser(app, name: str) -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def _statement(out):
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.current_document("year-1/penalty-statement")


def _approve(browser, document_id: int, password: str = PASSWORD) -> str:
    page = browser.get("/years/1").text
    done = browser.post("/years/1/approve-penalty-statement",
                        data={"csrf": csrf_of(page), "document": str(document_id), "password": password})
    assert done.status_code == 303
    answer = browser.get(done.headers["location"]).text
    assert not shell_words(answer), shell_words(answer)  # a refusal in the desk's words, never a command
    return answer


def test_an_approver_approves_the_penalty_statement_and_its_final_is_offered(desk):
    out, app = desk
    statement = _statement(out)
    assert statement is not None
    bob = _browser(app, "bob")
    page = bob.get("/years/1").text
    assert 'action="/years/1/approve-penalty-statement"' in page and "Approve the penalty statement" in page
    assert "prepared by alice" in page
    unopened = _approve(bob, statement.id)
    assert "Not approved: you have not opened the penalty statement yet; open it (its pages on this page, or its " \
           "PDF) before approving." in unopened
    assert bob.get(f"/documents/{statement.id}").status_code == 200  # bob reads it
    wrong = _approve(bob, statement.id, "not the password")
    assert "Not approved: the password is not right; the approval was not given." in wrong
    page = _approve(bob, statement.id)
    assert "Year 1's penalty statement approved by bob (prepared by alice)" in html.unescape(page)
    assert 'action="/years/1/approve-penalty-statement"' not in page
    final = re.search(r'href="(/files/final/(\d+)/0\.pdf)">FINAL PDF', page)
    assert final, "the approved statement is offered as FINAL"
    download = bob.get(final.group(1))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert 'year-1-penalty-statement-FINAL-v1.pdf' in download.headers["content-disposition"]
    assert (out / "year-1" / "approved" / "penalty-statement.pdf").is_file()
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        event = ledger.events(kinds=("documents_approved",))[-1]
        assert event.data["approved_by"] == "bob" and ledger.verify().ok
        assert [d["kind"] for d in event.data["documents"]] == ["penalty-statement"]


def test_its_preparer_is_refused_in_a_sentence(desk):
    out, app = desk
    statement = _statement(out)
    alice = _browser(app, "alice")
    page = alice.get("/years/1").text
    assert "You prepared this penalty statement: a different approver must approve it." in page
    assert 'action="/years/1/approve-penalty-statement"' not in page
    alice.get(f"/documents/{statement.id}")
    refused = _approve(alice, statement.id)
    assert "Not approved: alice prepared year 1's penalty statement and cannot also approve it; a different person " \
           "with the approver role must approve." in html.unescape(refused)
    assert not (out / "year-1" / "approved" / "penalty-statement.pdf").exists()


def test_a_preparer_or_a_viewer_has_no_button_and_a_stale_page_is_refused(desk):
    out, app = desk
    statement = _statement(out)
    for name in ("paula", "victor"):
        page = _browser(app, name).get("/years/1").text
        assert "An approver who did not prepare it approves the penalty statement." in page
        assert 'action="/years/1/approve-penalty-statement"' not in page
    bob = _browser(app, "bob")
    bob.get(f"/documents/{statement.id}")
    stale = _approve(bob, statement.id + 1000)
    assert "Not approved: a newer penalty statement was prepared since the page was shown" in stale
