"""Issue 28: a ledger that fails its hash chain is never used, by any command; the writer lock follows the real
file, whatever link or name reached it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from helpers.cli import REPO, invoke, one_error_line
from helpers.shared import built_once

from compliance.ledger import LedgerBusy, LedgerTampered, open_ledger, writer_lock

PASSWORD = "correct horse battery"
AS_OF = "2027-01-20"


def _build(folder: Path) -> None:
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf", inbox)
    secret = folder / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out, key = folder / "out", ("--password-file", str(secret))
    assert invoke("init", "--out", str(out), "--admin", "ada", *key).returncode == 0
    for name, role in (("paula", "preparer"), ("alice", "approver")):
        assert invoke("users", "add", name, "--role", role, "--by", "ada", "--by-password-file", str(secret), *key,
                      "--db", str(out / "ledger.sqlite")).returncode == 0
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "--by", "paula", *key)
    assert "issued" in done.stdout, done.stdout + done.stderr


@pytest.fixture
def work(tmp_path_factory, tmp_path) -> Path:
    """A copy of a ledger whose year 1 is issued (3,000,000 shares), prepared by paula; alice approves."""
    shutil.copytree(built_once(tmp_path_factory, "integrity-run", _build), tmp_path / "work")
    return tmp_path / "work"


def _edit(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()


def _as(work: Path, name: str) -> tuple[str, ...]:
    return ("--by", name, "--password-file", str(work / "password.txt"))


def test_an_edited_determination_is_never_read_or_written_on(work):
    db = work / "out" / "ledger.sqlite"
    _edit(db, "UPDATE determinations SET release_shares = 4000000 WHERE year = 1")
    status = invoke("status", "--db", str(db), "--as-of", AS_OF)
    line = one_error_line(status, "fails its hash-chain check", "determinations row 1 was changed", "not used")
    assert "4,000,000" not in status.stdout + status.stderr and "3,000,000" not in status.stdout
    before = db.read_bytes()
    released = invoke("record", "released", "--year", "1", "--date", "2027-01-25", "--shares", "4000000",
                      "--db", str(db), *_as(work, "paula"))
    one_error_line(released, "fails its hash-chain check")
    assert db.read_bytes() == before  # nothing chained on top
    assert "Restore it from a backup" in line


def test_an_approver_inserted_by_hand_cannot_approve(work):
    db = work / "out" / "ledger.sqlite"
    with open_ledger(db) as ledger:
        mallory = ledger.user("alice")
    _edit(db, "INSERT INTO users (name, role, password_hash, active, row_hash, event_seq) VALUES "
              f"('mallory', 'approver', '{mallory.password_hash}', 1, 'x', NULL)")
    done = invoke("approve", "--year", "1", "--db", str(db), *_as(work, "mallory"))
    one_error_line(done, "fails its hash-chain check", "users row mallory")


def test_the_desk_and_the_run_refuse_a_tampered_ledger_too(work):
    db = work / "out" / "ledger.sqlite"
    _edit(db, "UPDATE extractions SET operating_revenue = '802345678.90'")
    run = invoke("run", str(work / "inbox"), "--out", str(work / "out"), "--as-of", AS_OF, *_as(work, "paula"))
    one_error_line(run, "fails its hash-chain check", "extractions row")
    with pytest.raises(LedgerTampered, match="extractions row"):
        open_ledger(db, create=False)


def test_a_ledger_cut_at_its_end_is_caught_against_the_last_runs_summary(work):
    db = work / "out" / "ledger.sqlite"
    conn = sqlite3.connect(db)
    last = conn.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    conn.executescript(f"DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = {last};")
    conn.close()
    done = invoke("status", "--db", str(db), "--as-of", AS_OF)
    assert done.returncode == 2 and "fails its hash-chain check" in done.stderr


def test_the_writer_lock_follows_a_symbolic_link_and_a_hard_link(tmp_path):
    real = tmp_path / "deal" / "ledger.sqlite"
    with open_ledger(real):
        pass
    (tmp_path / "link.sqlite").symlink_to(real)
    (tmp_path / "folder-link").symlink_to(real.parent)
    (tmp_path / "hard.sqlite").hardlink_to(real)
    for other in (tmp_path / "link.sqlite", tmp_path / "folder-link" / "ledger.sqlite", tmp_path / "hard.sqlite"):
        with writer_lock(real, what="run"):
            with pytest.raises(LedgerBusy, match="is in use by"):
                with writer_lock(other, what="run", wait=0.2):
                    pass
    # and the second one goes ahead once the first is done
    held = threading.Event()

    def first() -> None:
        with writer_lock(tmp_path / "link.sqlite", what="run"):
            held.set()
            time.sleep(0.3)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait()
    with writer_lock(real, what="approve", wait=5):
        pass
    thread.join()
