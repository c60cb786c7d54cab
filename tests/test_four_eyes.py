"""Four-eyes approval (issue 15, point 3) with the fake renderer: one person prepares, a different approver
approves; the finals are the drafts rendered again without the DRAFT mark, same IDs, in year-N/approved/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers.cli import invoke
from helpers.fakes import FakeToolkit, example_inbox, run_fake, write_report

from compliance.contract import load_contract
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import AccountError, add_user, authenticate, revoke_user
from compliance.operations.approval import ApprovalError, ApprovalState, approve_year, year_approval
from compliance.operations.recording import resolve
from compliance.operations.run import RunError
from compliance.values.digest import sha256_file

AT = dt.datetime(2031, 4, 1, 9, 30, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


def _users(db: Path, *accounts: tuple[str, str]) -> None:
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        for name, role in accounts:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AT.date())


def _approve(out: Path, year: int, by: str):
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        return approve_year(ledger, load_contract(), year=year, by=by, at=AT, toolkit=FakeToolkit())


@pytest.fixture
def prepared(tmp_path):
    inbox, out = example_inbox(tmp_path / "inbox"), tmp_path / "out"
    result, _ = run_fake(inbox, out, "2031-03-31", prepared_by="paula")
    assert result.years[0].documents
    _users(out / "ledger.sqlite", ("paula", "preparer"), ("alice", "approver"), ("victor", "viewer"))
    return inbox, out


def test_run_prepares_drafts_marked_draft_and_records_the_preparer(prepared):
    _, out = prepared
    assert (out / "year-1" / "joint-instruction.pdf").read_bytes().startswith(b"DRAFT ")
    assert not (out / "year-1" / "approved").exists()
    with open_ledger(out / "ledger.sqlite") as ledger:
        state = year_approval(ledger, 1)
        assert state.state == ApprovalState.AWAITING and state.prepared_by == "paula"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["years"][0]["approval"]["state"] == "awaiting_approval"


def test_a_different_approver_approves_and_the_finals_keep_figures_and_ids(prepared):
    _, out = prepared
    approval = _approve(out, 1, "alice")
    assert approval.prepared_by == "paula" and approval.approved_by == "alice"
    for item in approval.files:
        final = out / item.pdf_path
        assert item.pdf_path.startswith("year-1/approved/") and final.is_file()
        draft = (out / item.pdf_path.replace("approved/", "")).read_bytes()
        assert draft == b"DRAFT " + final.read_bytes()  # the same letter, only the mark gone
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert ledger.verify().ok
        event = ledger.events(kinds=("documents_approved",))[-1]
        assert event.data["approved_by"] == "alice" and event.data["prepared_by"] == "paula"
        assert year_approval(ledger, 1).state == ApprovalState.APPROVED


@pytest.mark.parametrize(("who", "says"), [
    ("paula", "is a preparer; only an approver may approve"),
    ("victor", "is a viewer"),
    ("nobody", "has no active account"),
])
def test_only_an_approver_approves(prepared, who, says):
    _, out = prepared
    with pytest.raises(ApprovalError, match=says):
        _approve(out, 1, who)


def test_the_preparer_cannot_approve_their_own_documents(tmp_path):
    inbox, out = example_inbox(tmp_path / "inbox"), tmp_path / "out"
    run_fake(inbox, out, "2031-03-31", prepared_by="alice")
    _users(out / "ledger.sqlite", ("alice", "approver"))
    with pytest.raises(ApprovalError, match="alice prepared year 1's documents and cannot also approve them"):
        _approve(out, 1, "alice")
    assert not (out / "year-1" / "approved").exists()


def test_approving_twice_is_refused_and_a_lost_final_is_restored(prepared):
    _, out = prepared
    approval = _approve(out, 1, "alice")
    with pytest.raises(ApprovalError, match="already approved by alice"):
        _approve(out, 1, "alice")
    (out / approval.files[0].pdf_path).unlink()
    _approve(out, 1, "alice")
    assert (out / approval.files[0].pdf_path).is_file()


def test_a_new_report_changing_the_figure_needs_a_new_approval(prepared):
    inbox, out = prepared
    _approve(out, 1, "alice")
    restated = write_report(inbox, "year1-restated.pdf", 1, "702345000.00")
    proven = {"prepared_by": "paula", "password": lambda: PASSWORD}  # accounts exist: the preparer is proven
    run_fake(inbox, out, "2031-03-31", **proven)  # two reports for year 1: a conflict
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        resolve(ledger, load_contract(), year=1, report=sha256_file(restated)[:12], by="A. Partner",
                reason="restated report")
    run_fake(inbox, out, "2031-03-31", **proven)
    with open_ledger(out / "ledger.sqlite") as ledger:
        state = year_approval(ledger, 1)
        assert state.state == ApprovalState.AWAITING and state.drafts[0].version == 2


def test_once_accounts_exist_the_preparer_must_be_one_that_may_prepare(prepared):
    inbox, out = prepared
    with pytest.raises(RunError, match="victor is a viewer"):
        run_fake(inbox, out, "2031-03-31", prepared_by="victor", password=lambda: PASSWORD)
    with pytest.raises(RunError, match="paula: no active account with that password"):
        run_fake(inbox, out, "2031-03-31", prepared_by="paula", password=lambda: "alice's password")


def test_accounts_passwords_are_hashed_checked_and_revocable(tmp_path):
    db = tmp_path / "ledger.sqlite"
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        with pytest.raises(AccountError, match="at least 10 characters"):
            add_user(ledger, name="bob", role="approver", password="short", on=AT.date())
        with pytest.raises(AccountError, match="not a role"):
            add_user(ledger, name="bob", role="boss", password=PASSWORD, on=AT.date())
        add_user(ledger, name="bob", role="approver", password=PASSWORD, on=AT.date())
        assert PASSWORD not in ledger.user("bob").password_hash
        assert authenticate(ledger, "bob", PASSWORD).name == "bob"
        assert authenticate(ledger, "bob", "wrong password") is None
        assert authenticate(ledger, "eve", PASSWORD) is None
        revoke_user(ledger, name="bob", on=AT.date())
        assert authenticate(ledger, "bob", PASSWORD) is None
        assert ledger.verify().ok


def test_cli_users_add_and_approve_refuse_the_preparer_in_one_line(tmp_path):
    inbox, out = example_inbox(tmp_path / "inbox"), tmp_path / "out"
    run_fake(inbox, out, "2031-03-31", prepared_by="paula")
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    db = str(out / "ledger.sqlite")
    assert invoke("init", "--out", str(out), "--admin", "ada", "--password-file", str(secret)).returncode == 0
    for name, role in (("paula", "approver"), ("alice", "approver")):
        done = invoke("users", "add", name, "--role", role, "--by", "ada", "--by-password-file", str(secret),
                       "--password-file", str(secret), "--db", db)
        assert done.returncode == 0, done.stderr
    done = invoke("approve", "--year", "1", "--by", "paula", "--password-file", str(secret), "--db", db)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot also approve" in done.stderr
    secret.write_text("not the password\n")
    done = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret), "--db", db)
    assert done.returncode == 2 and "no active account with that password" in done.stderr
