"""Issue 31: the deal's particulars (what the filing does not give) are set by one person and approved by
another, each act in the hash chain; only approved values reach the letters, and approving them makes the
next run prepare the documents again. The CLI (`compliance particulars show|set|approve`) and the operations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers.cli import invoke
from helpers.fakes import example_inbox, run_fake

from compliance.contract import load_contract
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.particulars import (
    ParticularError,
    approve_particulars,
    set_particular,
    states,
    with_particulars,
)

PASSWORD = "correct horse battery"
ON = dt.date(2027, 1, 5)


@pytest.fixture
def ledger_path(tmp_path) -> Path:
    inbox = example_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    run_fake(inbox, out, "2027-01-20")
    db = out / "ledger.sqlite"
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        for name, role in (("paula", "preparer"), ("alice", "approver"), ("bob", "approver")):
            add_user(ledger, name=name, role=role, password=PASSWORD, on=ON)
    return db


def _state(ledger, contract, key):
    return next(state for state in states(ledger, contract) if state.particular.key == key)


def test_a_particular_set_by_one_person_is_used_only_once_another_approves_it(ledger_path):
    contract = load_contract()
    key = "parties.party_b.chinese_name"
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        event = set_particular(ledger, contract, key=key, value="浙江开心汽车有限公司", by="paula", password=PASSWORD,
                               on=ON)
        assert event.kind == "particular_set" and event.data["by"] == "paula"
        assert with_particulars(ledger, contract).parties.party_b.chinese_name is None  # not approved yet
        assert _state(ledger, contract, key).pending_by == "paula"
        approved = approve_particulars(ledger, contract, by="alice", password=PASSWORD, on=ON)
        assert approved.data["keys"] == [key] and approved.data["by"] == "alice"
        assert with_particulars(ledger, contract).parties.party_b.chinese_name == "浙江开心汽车有限公司"
        state = _state(ledger, contract, key)
        assert (state.source, state.approved_by, state.awaiting) == ("ledger", "alice", False)
        assert ledger.verify().ok


def test_four_eyes_and_authentication_on_particulars(ledger_path):
    contract = load_contract()
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        with pytest.raises(ParticularError, match="no active account with that password"):
            set_particular(ledger, contract, key="parties.party_c.address", value="1 Road", by="paula",
                           password="wrong password", on=ON)
        set_particular(ledger, contract, key="parties.party_c.address", value="Room 1, 1 Example Road, Wenzhou",
                       by="alice", password=PASSWORD, on=ON)
        with pytest.raises(ParticularError, match="alice set Party C’s address for notices and cannot also approve"):
            approve_particulars(ledger, contract, by="alice", password=PASSWORD, on=ON)
        with pytest.raises(ParticularError, match="only an approver may approve"):
            approve_particulars(ledger, contract, by="paula", password=PASSWORD, on=ON)
        approve_particulars(ledger, contract, by="bob", password=PASSWORD, on=ON)
        with pytest.raises(ParticularError, match="no particular awaits approval"):
            approve_particulars(ledger, contract, by="bob", password=PASSWORD, on=ON)


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("parties.party_c.delivery.method", "by pigeon", "choose one of book_entry, broker"),
    ("shares.restrictive_legend", "maybe", "choose one of retained, removed"),
    ("parties.party_b.address", "line one\x07", "type one line"),
    ("parties.party_b.signatories", {"name": "Wang Fang", "title": ""}, "give both the name and the title"),
    ("shares.total", "1", "is not a particular of this contract file"),
])
def test_a_bad_value_is_refused_with_one_sentence_and_nothing_recorded(ledger_path, key, value, problem):
    contract = load_contract()
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        before = len(ledger.events())
        with pytest.raises(ParticularError, match=problem):
            set_particular(ledger, contract, key=key, value=value, by="paula", password=PASSWORD, on=ON)
        assert len(ledger.events()) == before


def test_a_confirmed_value_clears_the_contract_files_unconfirmed_mark(ledger_path):
    contract = load_contract()
    assert "signatories" in contract.parties.party_a.unconfirmed
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        set_particular(ledger, contract, key="parties.party_a.signatories",
                       value={"name": "Yi Yang", "title": "Chief Financial Officer"}, by="paula", password=PASSWORD,
                       on=ON)
        approve_particulars(ledger, contract, by="alice", password=PASSWORD, on=ON)
        party_a = with_particulars(ledger, contract).parties.party_a
    assert party_a.signatories[0].name == "Yi Yang" and "signatories" not in party_a.unconfirmed


def test_approved_particulars_make_the_next_run_prepare_the_documents_again(ledger_path):
    out = ledger_path.parent
    inbox = out.parent / "inbox"
    by = {"prepared_by": "paula", "password": lambda: PASSWORD}
    _, quiet = run_fake(inbox, out, "2027-01-20", **by)
    assert quiet.rendered == []  # nothing changed: nothing prepared
    contract = load_contract()
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        set_particular(ledger, contract, key="parties.party_d.address", value="Road Town, Tortola, BVI", by="paula",
                       password=PASSWORD, on=ON)
        approve_particulars(ledger, contract, by="alice", password=PASSWORD, on=ON)
    _, again = run_fake(inbox, out, "2027-01-20", **by)
    assert "year-1/joint-instruction" in again.rendered


def test_the_cli_shows_sets_and_approves_with_passwords(ledger_path, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    db = ("--db", str(ledger_path))
    done = invoke("particulars", "set", "parties.party_b.signatories", "Wang Fang", "Legal Representative",
                  "--by", "paula", "--password-file", str(secret), *db)
    assert done.returncode == 0, done.stderr
    assert "paula set parties.party_b.signatories" in done.stdout
    shown = invoke("particulars", "show", *db)
    assert "awaiting approval: Wang Fang, Legal Representative (set by paula" in shown.stdout
    refused = invoke("particulars", "approve", "--by", "paula", "--password-file", str(secret), *db)
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    done = invoke("particulars", "approve", "--by", "alice", "--password-file", str(secret), *db)
    assert done.returncode == 0 and "alice approved parties.party_b.signatories" in done.stdout
    data = json.loads(invoke("particulars", "show", "--json", *db).stdout)
    row = next(item for item in data if item["key"] == "parties.party_b.signatories")
    assert row["value"] == [{"name": "Wang Fang", "title": "Legal Representative"}]
    assert row["approved_by"] == "alice" and row["source"] == "ledger"
