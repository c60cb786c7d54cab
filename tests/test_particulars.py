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


# --- the PRC holiday schedule of a year the `holidays` package does not publish (calendar.schedules) -----------
SCHEDULE_KEY = "calendar.schedules"
# A test schedule for 2027 (not the State Council's): tests/helpers/calendar-2027-2031.yaml's, the Spring Festival
# typed as a range, and 26 January 2027 (a Tuesday) a holiday too, so that Year 1's dates move.
SCHEDULE_2027 = {"year": "2027", "source": "State Council notice 国办发明电〔2026〕7号 (test)",
                 "holidays": "2027-01-01\n2027-01-26\n\n2027-02-05\n2027-02-08 to 2027-02-11\n",
                 "working_days": "2027-02-13"}


def test_a_prc_schedule_given_as_a_particular_counts_once_another_person_approves_it(ledger_path):
    from compliance.operations.determinations import contract_fingerprint
    from compliance.operations.due import sending_days
    from compliance.rules.business_days import load_calendar

    contract = load_contract()  # the built-in contract: no 2027 schedule (the package publishes up to 2026)
    due = contract.release_deadline(1)
    assert due == dt.date(2027, 1, 29)
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        set_particular(ledger, contract, key=SCHEDULE_KEY, value=SCHEDULE_2027, by="paula", password=PASSWORD, on=ON)
        pending = _state(ledger, contract, SCHEDULE_KEY).pending
        assert pending == [{"year": 2027, "source": "State Council notice 国办发明电〔2026〕7号 (test)",
                            "holidays": ["2027-01-01", "2027-01-26", "2027-02-05", "2027-02-08", "2027-02-09",
                                         "2027-02-10", "2027-02-11"], "working_days": ["2027-02-13"]}]
        unapproved = with_particulars(ledger, contract)
        assert not sending_days(unapproved, load_calendar(unapproved), due).known  # not approved: not used
        with pytest.raises(ParticularError, match="only an approver may approve"):
            approve_particulars(ledger, contract, by="paula", password=PASSWORD, on=ON)
        approve_particulars(ledger, contract, by="alice", password=PASSWORD, on=ON)
        laid = with_particulars(ledger, contract)
        # by hand: the agent's ten business days before Friday 29 January, without 26 January, are 15, 18-22, 25,
        # 27-29 January, so the instruction must be received by Thursday 14 January: by courier sent Monday 11
        # January (deemed given on the third day, SPA 11.3), by e-mail on the 14th itself (a business day)
        sending = sending_days(laid, load_calendar(laid), due)
        assert (sending.courier_by, sending.email_by) == (dt.date(2027, 1, 11), dt.date(2027, 1, 14))
        assert contract_fingerprint(laid) != contract_fingerprint(contract)  # the years are determined again
        assert "schedules" not in contract.model_dump(mode="json")["calendar"]  # a contract without: as before
        # a second year joins the first; the first stays in force until this is approved
        set_particular(ledger, contract, key=SCHEDULE_KEY, value={"year": 2028, "source": "notice 2028 (test)",
                                                                  "holidays": [dt.date(2028, 1, 1)]},
                       by="paula", password=PASSWORD, on=ON)
        assert [entry["year"] for entry in _state(ledger, contract, SCHEDULE_KEY).pending] == [2027, 2028]
        assert ledger.verify().ok


@pytest.mark.parametrize(("value", "sentence"), [
    ({**SCHEDULE_2027, "holidays": "2027-02-30\nnext Friday\n2026-12-31\n2027-02-12 to 2027-02-06"},
     "Holidays, line 1 (“2027-02-30”) is not a real day; Holidays, line 2 (“next Friday”) is not a date: write "
     "YYYY-MM-DD, or a range as 2027-02-06 to 2027-02-12; Holidays, line 3 (“2026-12-31”) is not in 2027; "
     "Holidays, line 4 (“2027-02-12 to 2027-02-06”) ends before it starts"),
    ({**SCHEDULE_2027, "working_days": "2027-02-08\n2027-02-15"},
     "2027-02-08 is both a holiday and a make-up working day; 2027-02-08 is a weekday"),
    ({**SCHEDULE_2027, "holidays": ""}, "the 2027 schedule lists no holidays"),
    ({**SCHEDULE_2027, "source": " "}, "the source is missing: name the State Council notice"),
    ({**SCHEDULE_2027, "year": "2026"}, "2026 already has a published PRC holiday schedule, which is used"),
    ({**SCHEDULE_2027, "year": "27"}, "the year “27” is not a year; write it as four digits"),
])
def test_a_bad_schedule_is_refused_with_a_sentence_for_each_bad_line(ledger_path, value, sentence):
    contract = load_contract()
    with writer_lock(ledger_path, what="test"), open_ledger(ledger_path) as ledger:
        with pytest.raises(ParticularError) as refused:
            set_particular(ledger, contract, key=SCHEDULE_KEY, value=value, by="paula", password=PASSWORD, on=ON)
        assert sentence in str(refused.value) and "\n" not in str(refused.value)
        assert str(refused.value).startswith("The PRC holiday schedule of a year not yet published: ")
        assert not ledger.events(kinds=("particular_set",))


def test_the_cli_sets_a_schedule_from_a_file_and_deadlines_use_it_once_approved(ledger_path, tmp_path):
    from helpers.contracts import TEST_CALENDAR

    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    schedule = tmp_path / "2027.yaml"
    schedule.write_text("\n".join(TEST_CALENDAR.read_text(encoding="utf-8").split("- year: 2028")[0].splitlines()
                                  [3:]).replace("- year", "year").replace("\n  ", "\n") + "\n", encoding="utf-8")
    db = ("--db", str(ledger_path))
    before = invoke("deadlines", "--as-of", "2027-01-05", *db)
    assert before.returncode == 0 and "14 January" not in before.stdout
    missing = invoke("particulars", "set", SCHEDULE_KEY, "--by", "paula", "--password-file", str(secret), *db)
    assert missing.returncode == 2 and "give the schedule's YAML file with --file FILE" in missing.stderr
    done = invoke("particulars", "set", SCHEDULE_KEY, "--file", str(schedule), "--by", "paula",
                  "--password-file", str(secret), *db)
    assert done.returncode == 0, done.stderr
    assert "2027 (test calendar (not the State Council's schedule)): 6 holidays" in \
        invoke("particulars", "show", *db).stdout
    assert invoke("particulars", "approve", "--by", "alice", "--password-file", str(secret), *db).returncode == 0
    after = invoke("deadlines", "--as-of", "2027-01-05", *db)
    # by hand (the test calendar: no holiday in January but the 1st): received by Sunday 17 January leaves the agent
    # 18-22 and 25-29 January; by courier Thursday 14 January, by e-mail Friday 15 January
    assert after.returncode == 0 and "14 January" in after.stdout and "15 January" in after.stdout, after.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nsource: x\nholidays: [2027-01-01, 2028-01-01]\n", encoding="utf-8")
    refused = invoke("particulars", "set", SCHEDULE_KEY, "--file", str(bad), "--by", "paula",
                     "--password-file", str(secret), *db)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "is not in 2027" in refused.stderr
