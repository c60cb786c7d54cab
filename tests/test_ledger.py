"""The ledger: versioned schema, the hash-chained event log, `ledger verify`, the writer lock."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time

import pytest
from helpers.cli import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.ledger import LedgerBusy, LedgerError, open_ledger, writer_lock
from compliance.ledger.events import GENESIS, canonical_json, event_hash
from compliance.ledger.schema import MIGRATIONS, SCHEMA_VERSION, migrate

SHA = "ab" * 32


def _report(ledger, sha=SHA, name="y1.pdf", year=1, revenue="702345678.90", status="accepted"):
    with ledger.transaction():
        ledger.add_report(sha, 100, name, {"file": name, "sha256": sha, "status": status, "assessment_year": year,
                                           "operating_revenue": revenue, "problems": []})


@pytest.fixture
def ledger(tmp_path):
    with open_ledger(tmp_path / "ledger.sqlite") as opened:
        yield opened


def _raw(ledger) -> sqlite3.Connection:
    """A second, plain connection: how someone would edit the file behind the tool's back."""
    conn = sqlite3.connect(ledger.path, isolation_level=None)
    return conn


# --- schema and migrations ------------------------------------------------------------------------------
def test_new_ledger_is_at_the_latest_schema_version(ledger):
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_reopening_runs_no_migration_again_and_keeps_rows(ledger):
    _report(ledger)
    path = ledger.path
    ledger.close()
    with open_ledger(path) as again:
        assert again.has_report(SHA)
        assert again.verify().ok


def test_a_ledger_from_a_newer_release_is_refused_with_one_sentence(ledger):
    ledger.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    path = ledger.path
    ledger.close()
    with pytest.raises(LedgerError, match="newer than this release"):
        open_ledger(path)


def test_migration_steps_apply_in_order_from_an_empty_file(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.sqlite", isolation_level=None)
    assert migrate(conn) == SCHEMA_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "reports", "report_names", "extractions", "determinations", "documents", "events"} <= tables


def test_migration_2_keeps_a_version_1_ledger_and_lets_a_determination_key_repeat(tmp_path):
    """A ledger written before migration 2 (input_key UNIQUE) is upgraded in place: rows and chain intact,
    and a later determination may carry the key of a superseded one (a reversed resolution)."""
    import datetime as dt

    from compliance.ledger import Ledger, NewDetermination

    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.executescript(f"BEGIN; {MIGRATIONS[0]} PRAGMA user_version = 1; COMMIT;")
    old = Ledger(conn, path)
    _report(old)

    def determination(release: int) -> NewDetermination:
        return NewDetermination(1, "k" * 64, "spa", "kaixin-spa-2025", "c" * 64, SHA, {1: "702345678.90"},
                                {1: SHA}, {"release_shares": release}, release, dt.date(2027, 1, 20))

    with old.transaction():
        old.issue("instructed", year=1, as_of=dt.date(2027, 1, 20), documents=[], determination=determination(1))
    old.close()
    with open_ledger(path) as ledger:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert ledger.verify().ok and ledger.has_report(SHA)
        with ledger.transaction():
            ledger.issue("instructed", year=1, as_of=dt.date(2027, 2, 1), documents=[],
                         determination=determination(2))
        assert [(d.input_key, d.release_shares, d.superseded_by) for d in ledger.determinations()] == [
            ("k" * 64, 1, 2), ("k" * 64, 2, None)]
        assert ledger.verify().ok
        assert ledger.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_file_that_is_not_a_ledger_is_one_plain_error(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(LedgerError, match="is not a compliance ledger"):
        open_ledger(bogus)


def test_missing_ledger_is_not_created_when_reading(tmp_path):
    with pytest.raises(LedgerError, match="no ledger at"):
        open_ledger(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


# --- the chain --------------------------------------------------------------------------------------------
def test_each_event_hash_is_sha256_of_the_previous_hash_and_its_canonical_json(ledger):
    _report(ledger)
    rows = ledger.conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
    prev = GENESIS
    for row in rows:
        assert row["prev_hash"] == prev
        assert row["hash"] == event_hash(prev, row["seq"], row["kind"], row["year"], row["on_date"], row["data"])
        prev = row["hash"]
    assert [row["kind"] for row in rows] == ["received", "accepted"]


def test_the_event_log_refuses_update_and_delete(ledger):
    _report(ledger)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ledger.conn.execute("UPDATE events SET data = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ledger.conn.execute("DELETE FROM events WHERE seq = 2")


def test_verify_names_an_event_edited_behind_the_tools_back(ledger):
    _report(ledger)
    _report(ledger, sha="cd" * 32, name="y2.pdf", year=2, revenue="731250000.00")
    raw = _raw(ledger)
    raw.execute("DROP TRIGGER events_no_update")
    data = raw.execute("SELECT data FROM events WHERE seq = 4").fetchone()[0]
    raw.execute("UPDATE events SET data = ? WHERE seq = 4", (data.replace("731250000.00", "931250000.00"),))
    report = ledger.verify()
    assert not report.ok
    assert report.problem.startswith("event 4 (accepted, year 2) was changed after it was written")


def test_verify_names_a_state_row_edited_behind_the_tools_back(ledger):
    _report(ledger)
    _raw(ledger).execute("UPDATE extractions SET operating_revenue = '802345678.90'")
    assert ledger.verify().problem == f"extractions row {SHA} was changed: its content no longer matches its hash"


def test_verify_catches_an_edit_that_also_recomputes_the_row_hash(ledger):
    from compliance.ledger.events import row_hash

    _report(ledger)
    raw = _raw(ledger)
    raw.row_factory = sqlite3.Row
    row = dict(raw.execute("SELECT * FROM extractions").fetchone())
    row.pop("row_hash"), row.pop("event_seq")
    row["operating_revenue"] = "802345678.90"
    raw.execute("UPDATE extractions SET operating_revenue = ?, row_hash = ?",
                (row["operating_revenue"], row_hash("extractions", row)))
    assert "event 2 recorded other content" in ledger.verify().problem


def test_verify_catches_a_deleted_event_and_a_deleted_row(tmp_path):
    for target in ("event", "row"):
        with open_ledger(tmp_path / f"{target}.sqlite") as ledger:
            _report(ledger)
            _report(ledger, sha="cd" * 32, name="y2.pdf", year=2)
            raw = _raw(ledger)
            if target == "event":
                raw.execute("DROP TRIGGER events_no_delete")
                raw.execute("DELETE FROM events WHERE seq = 2")
                assert ledger.verify().problem == "event 2 is missing: the log jumps to event 3"
            else:
                raw.execute("DELETE FROM extractions WHERE sha256 = ?", ("cd" * 32,))
                assert ledger.verify().problem.endswith("written by event 4, has been deleted")


def test_ledger_verify_cli_exit_0_when_intact_and_1_naming_the_tampered_row(ledger):
    _report(ledger)
    ok = invoke("ledger", "verify", "--db", str(ledger.path))
    assert ok.returncode == 0 and "intact (2 events" in ok.stdout
    _raw(ledger).execute("UPDATE reports SET first_name = 'other.pdf'")
    bad = invoke("ledger", "verify", "--db", str(ledger.path))
    assert bad.returncode == 1
    assert bad.stderr.strip().endswith(f"TAMPERED: reports row {SHA} was changed: its content no longer matches "
                                       "its hash")
    assert "Traceback" not in bad.stderr


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    notes=st.lists(st.text(max_size=20), min_size=1, max_size=8),
    victim=st.integers(min_value=0),
    byte=st.sampled_from("0123456789xyz"),
)
def test_property_any_edit_of_any_event_is_reported_at_that_event(tmp_path_factory, notes, victim, byte):
    path = tmp_path_factory.mktemp("chain") / "ledger.sqlite"
    with open_ledger(path) as ledger:
        with ledger.transaction():
            for number, note in enumerate(notes):
                ledger.add_event("released", year=1, on_date=dt.date(2027, 2, 1) + dt.timedelta(days=number),
                                 data={"shares": number + 1, "note": note})
        assert ledger.verify().ok
        seq = victim % len(notes) + 1
        raw = _raw(ledger)
        raw.execute("DROP TRIGGER events_no_update")
        data = raw.execute("SELECT data FROM events WHERE seq = ?", (seq,)).fetchone()[0]
        edited = data.replace('"shares":', f'"shares":{byte}') if byte.isdigit() else data + byte
        raw.execute("UPDATE events SET data = ? WHERE seq = ?", (edited, seq))
        assert ledger.verify().problem.startswith(f"event {seq} (released, year 1) was changed")


def test_canonical_json_is_one_spelling_with_decimals_as_strings():
    from decimal import Decimal

    assert canonical_json({"b": Decimal("1.50"), "a": [dt.date(2027, 1, 29)], "c": "营业收入"}) == \
        '{"a":["2027-01-29"],"b":"1.50","c":"营业收入"}'


# --- names and idempotence ------------------------------------------------------------------------------
def test_the_same_content_under_another_name_adds_the_name_and_no_event(ledger):
    _report(ledger)
    before = len(ledger.events())
    with ledger.transaction():
        assert ledger.add_name(SHA, "copy of y1.pdf") is True
        assert ledger.add_name(SHA, "copy of y1.pdf") is False
    assert len(ledger.events()) == before
    assert ledger.report_names(SHA) == ["copy of y1.pdf", "y1.pdf"]
    assert ledger.verify().ok


# --- one writer -------------------------------------------------------------------------------------------
def test_a_second_writer_gives_up_after_its_wait_with_a_clear_message(tmp_path):
    db = tmp_path / "ledger.sqlite"
    with writer_lock(db, what="run", wait=0):
        with pytest.raises(LedgerBusy) as caught:
            with writer_lock(db, what="run", wait=0.3):
                pass
    message = str(caught.value)
    assert f"in use by `compliance run` (pid {__import__('os').getpid()})" in message
    assert "waited 0.3 s" in message


def test_a_second_writer_proceeds_once_the_first_finishes_within_its_wait(tmp_path):
    db = tmp_path / "ledger.sqlite"
    order = []
    first_holds = threading.Event()

    def first():
        with writer_lock(db, what="run", wait=0):
            first_holds.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait()
    with writer_lock(db, what="run", wait=10):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_a_lock_named_after_a_dead_run_says_so_and_names_the_leftover_holder(tmp_path):
    """The run named in the lock file is gone but a process it left still holds the lock: the message says
    the run is no longer running and which process to stop (never 'in use by' a dead pid)."""
    import subprocess
    import sys

    db = tmp_path / "ledger.sqlite"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    lock = tmp_path / "ledger.sqlite.lock"
    lock.write_text(f"`compliance run` (pid {dead_pid})")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(lock)!r}, os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LedgerBusy) as caught:
            with writer_lock(db, what="run", wait=0.2):
                pass
        message = str(caught.value)
        assert f"(pid {dead_pid}), which is no longer running" in message
        assert f"kill {holder.pid}" in message and "in use by" not in message
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(db, what="run", wait=1):  # once it is gone, the lock is free
        pass


# --- tampering that a chain alone cannot see: the anchor kept outside the file ---------------------------
def _anchor(ledger) -> str:
    done = invoke("ledger", "anchor", "--db", str(ledger.path))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _rechain(raw: sqlite3.Connection) -> None:
    """What a forger with this project's own hash functions does after an edit: recompute every event hash."""
    raw.execute("DROP TRIGGER IF EXISTS events_no_update")
    prev = GENESIS
    for seq, kind, year, on_date, data in raw.execute(
            "SELECT seq, kind, year, on_date, data FROM events ORDER BY seq").fetchall():
        digest = event_hash(prev, seq, kind, year, on_date, data)
        raw.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


def test_cutting_the_last_events_is_caught_with_the_anchor(ledger):
    _report(ledger)
    _report(ledger, sha="cd" * 32, name="y2.pdf", year=2)
    anchor = _anchor(ledger)
    assert anchor.startswith("4:")
    raw = _raw(ledger)
    raw.execute("DROP TRIGGER events_no_delete")
    raw.execute("DELETE FROM extractions WHERE sha256 = ?", ("cd" * 32,))
    raw.execute("DELETE FROM report_names WHERE sha256 = ?", ("cd" * 32,))
    raw.execute("DELETE FROM reports WHERE sha256 = ?", ("cd" * 32,))
    raw.execute("DELETE FROM events WHERE seq > 2")
    blind = invoke("ledger", "verify", "--db", str(ledger.path))
    assert blind.returncode == 0 and "cannot tell a ledger rewritten or cut" in blind.stdout  # said, not hidden
    caught = invoke("ledger", "verify", "--db", str(ledger.path), "--anchor", anchor)
    assert caught.returncode == 1
    assert "the anchor names event 4, but it ends at event 2: events were removed" in caught.stderr


def test_an_edit_with_every_hash_recomputed_is_caught_with_the_anchor(ledger, tmp_path):
    from compliance.ledger.events import row_hash

    _report(ledger)
    anchor_file = tmp_path / "anchor.txt"
    anchor_file.write_text(_anchor(ledger))
    raw = _raw(ledger)
    raw.row_factory = sqlite3.Row
    row = dict(raw.execute("SELECT * FROM extractions").fetchone())
    row.pop("row_hash"), row.pop("event_seq")
    row["operating_revenue"] = "999999999.00"
    forged = row_hash("extractions", row)
    raw.execute("UPDATE extractions SET operating_revenue = ?, row_hash = ?", (row["operating_revenue"], forged))
    event = raw.execute("SELECT seq, data FROM events WHERE kind = 'accepted'").fetchone()
    data = __import__("json").loads(event["data"])
    data["rows"][0]["hash"] = forged
    raw.execute("DROP TRIGGER events_no_update")
    raw.execute("UPDATE events SET data = ? WHERE seq = ?", (canonical_json(data), event["seq"]))
    _rechain(raw)
    assert invoke("ledger", "verify", "--db", str(ledger.path)).returncode == 0  # the chain alone is fooled
    caught = invoke("ledger", "verify", "--db", str(ledger.path), "--anchor", str(anchor_file))
    assert caught.returncode == 1 and "no longer has the hash the anchor recorded" in caught.stderr


def test_an_emptied_or_foreign_file_is_never_intact_and_never_rewritten(tmp_path):
    empty = tmp_path / "ledger.sqlite"
    empty.write_bytes(b"")
    done = invoke("ledger", "verify", "--db", str(empty))
    assert done.returncode == 1 and "is empty (0 bytes)" in done.stderr and "intact" not in done.stdout
    assert empty.stat().st_size == 0
    foreign = tmp_path / "other.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE notes (x)").connection.close()
    done = invoke("ledger", "verify", "--db", str(foreign))
    assert done.returncode == 1 and "has no ledger schema" in done.stderr


def test_a_runs_summary_is_an_anchor(tmp_path):
    import shutil

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    from helpers.cli import REPO

    shutil.copy(REPO / "fixtures" / "audit-reports" / "bad-truncated.pdf", inbox)
    out = tmp_path / "out"
    invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20")
    ok = invoke("ledger", "verify", "--db", str(out / "ledger.sqlite"), "--anchor", str(out / "summary.json"))
    assert ok.returncode == 0 and "as anchored" in ok.stdout
    bad = invoke("ledger", "verify", "--db", str(out / "ledger.sqlite"), "--anchor", "not-an-anchor")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --anchor not-an-anchor")


def test_a_full_disk_during_a_write_is_one_sentence_and_records_nothing(ledger):
    """SQLITE_FULL (here by capping the file's pages, as a full disk would): a LedgerError naming the cause,
    not 'cannot rollback'; the ledger is as it was."""
    _report(ledger)
    before = ledger.verify()
    pages = ledger.conn.execute("PRAGMA page_count").fetchone()[0]
    ledger.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(LedgerError, match=r"could not be written \(database or disk is full\); nothing of this "
                                          r"step was recorded"):
        _report(ledger, sha="cd" * 32, name="big.pdf", revenue="1" * 20000)
    assert ledger.verify() == before and not ledger.has_report("cd" * 32)
