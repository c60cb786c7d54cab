"""Issue 27: what a report could not prove, confirmed by hand by a preparer and countersigned by an approver, on
the command line. The scanned fixture (revenue 731,250,000.00 read by OCR, not confirmed by the second reading;
its firm read by OCR with no approved list to check it against) decides Year 2 only once paula has typed both as
read and alice has countersigned; the letters then say so; a withdrawal withdraws them.

The rules one by one (blind figure, page, period, reasons) are checked on recorded extractions made up for the
purpose, without OCR: tests/test_confirm_rules.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers.cli import REPO, invoke, one_error_line
from helpers.document_text import docx_text, pdf_text, squash
from helpers.shared import built_once

FIXTURES = REPO / "fixtures" / "audit-reports"
SCAN = "bad-scanned-image-only.pdf"
SCAN_SHA = "7ef9b94aecae"
FIRM = "雁荡清源会计师事务所（特殊普通合伙）"  # as printed on page 3 of the scan (fixtures/scanned/truth.yaml)
PASSWORD = "correct horse battery"
AS_OF = "2028-03-31"  # after the scan's report date (20 January 2028)


def _ok(*args: str):
    done = invoke(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _build(folder: Path) -> None:
    inbox = folder / "inbox"
    inbox.mkdir()
    for name in ("y1-zh-yuan-two-columns.pdf", SCAN, "bad-truncated.pdf", "review-other-entity-wanyuan.pdf"):
        shutil.copy(FIXTURES / name, inbox)
    secret = folder / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out, key = folder / "out", ("--password-file", str(secret))
    _ok("init", "--out", str(out), "--admin", "ada", *key)
    for name, role in (("paula", "preparer"), ("alice", "approver"), ("bob", "approver")):
        _ok("users", "add", name, "--role", role, "--by", "ada", "--by-password-file", str(secret), *key,
            "--db", str(out / "ledger.sqlite"))
    invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "--by", "paula", *key)


@pytest.fixture
def desk(tmp_path_factory, tmp_path):
    """A copy of a ledger holding year 1's accepted report, the scan (needs review), a damaged file and another
    company's report; paula prepares, alice and bob approve."""
    shared = built_once(tmp_path_factory, "confirm-by-hand-run", _build)
    folder = tmp_path / "work"
    shutil.copytree(shared, folder)
    return folder


class Act:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = str(folder / "out" / "ledger.sqlite")

    def __call__(self, *args: str, by: str | None = None, on: str = AS_OF):
        person = ("--by", by, "--password-file", str(self.folder / "password.txt")) if by else ()
        return invoke(*args, "--db", self.db, *person, *(("--on", on) if args[0] != "run" else ()))

    def run(self, as_of: str = AS_OF):
        return invoke("run", str(self.folder / "inbox"), "--out", str(self.folder / "out"), "--as-of", as_of,
                      "--by", "paula", "--password-file", str(self.folder / "password.txt"))

    def status(self, as_of: str = AS_OF) -> dict:
        done = invoke("status", "--db", self.db, "--as-of", as_of, "--json")
        assert done.returncode == 0, done.stderr
        return {row["year"]: row for row in json.loads(done.stdout)["years"]}

    def confirm(self, revenue: str = "731,250,000.00", by: str = "paula", firm: str = FIRM):
        return self("confirm", "--report", SCAN_SHA, "--field", f"revenue={revenue}", "--field", f"firm={firm}",
                    by=by)


def test_year_2_is_decided_only_after_paula_confirms_and_alice_countersigns(desk):
    act = Act(desk)
    assert act.status()[2]["status"] == "needs_review"

    listed = act("confirm", "--report", SCAN_SHA)  # what to confirm: the figure is not shown, the firm is
    assert listed.returncode == 0, listed.stderr
    assert "operating_revenue" in listed.stdout and "page 5" in listed.stdout and "typed blind" in listed.stdout
    assert "731,250,000" not in listed.stdout
    assert FIRM in listed.stdout

    wrong = act.confirm("731,250,000.01")
    line = one_error_line(wrong, "731,250,000.01", "731,250,000.00")  # both figures shown
    assert "check the page again" in line
    assert act.status()[2]["status"] == "needs_review"

    confirmed = act.confirm()
    assert confirmed.returncode == 0, confirmed.stderr
    assert "needs_review" == act.status()[2]["status"]
    assert "awaits an approver's countersignature" in act.status()[2]["note"]

    countersigned = act("countersign", "--report", SCAN_SHA, by="alice")
    assert countersigned.returncode == 0, countersigned.stderr
    act.run()
    year = act.status()[2]
    assert year["status"] == "issued"
    assert year["revenue"] == "731250000.00"
    assert year["release_shares"] == 2_996_926  # (731,250,000 / 732,000,000) x 3,000,000, rounded down
    hand = year["confirmed_by_hand"]
    assert (hand["confirmed_by"], hand["countersigned_by"]) == ("paula", "alice")
    assert hand["fields"]["operating_revenue"]["value"] == "731250000.00"
    assert hand["fields"]["operating_revenue"]["page"] == 5
    assert hand["fields"]["auditor"]["value"] == FIRM

    out = desk / "out"
    joint = squash(pdf_text(out / "year-2" / "joint-instruction.pdf"))
    assert "checked against it by hand by paula on 31 March 2028 and countersigned by alice on 31 March 2028" in joint
    assert "Operating Revenue (page 5)" in joint and "Accounting firm (page 3)" in joint
    assert "checked against it by hand by paula" in squash(docx_text(out / "year-2" / "joint-instruction.docx"))
    report = squash(pdf_text(out / "year-2" / "assessment-report.pdf"))
    assert "Confirmed by hand." in report
    assert "Operating Revenue: RMB 731,250,000.00 (page 5)" in report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    scan = next(f for f in summary["files"] if f["file"] == SCAN)
    assert scan["status"] == "needs_review" and scan["role"] == "decides_year"
    assert scan["confirmed_by_hand"]["countersigned_by"] == "alice"
    verify = invoke("ledger", "verify", "--db", act.db)
    assert verify.returncode == 0, verify.stderr


def test_no_one_countersigns_their_own_confirmation(desk):
    act = Act(desk)
    assert act.confirm(by="alice").returncode == 0  # an approver may confirm ...
    one_error_line(act("countersign", "--report", SCAN_SHA, by="alice"), "alice confirmed these fields",
                   "a second person")  # ... but not countersign it too
    one_error_line(act("countersign", "--report", SCAN_SHA, by="paula"), "paula is a preparer")
    one_error_line(act.confirm(by="paula"), "already confirmed", "countersigns it or sends it back first")
    sent = act("countersign", "--report", SCAN_SHA, "--send-back", "the firm's name is cut on page 3", by="bob")
    assert sent.returncode == 0, sent.stderr
    assert "sent back by bob" in act.status()[2]["note"]
    assert act.confirm(by="paula").returncode == 0  # confirmed again after it was sent back


def test_a_rejected_file_or_another_company_cannot_be_confirmed(desk):
    act = Act(desk)
    summary = json.loads((desk / "out" / "summary.json").read_text(encoding="utf-8"))
    sha = {f["file"]: f["sha256"] for f in summary["files"]}
    rejected = act("confirm", "--report", sha["bad-truncated.pdf"], "--field", "revenue=1", by="paula")
    one_error_line(rejected, "rejected and cannot be confirmed by hand")
    other = act("confirm", "--report", sha["review-other-entity-wanyuan.pdf"], "--field", "revenue=1", by="paula")
    one_error_line(other, "cannot be confirmed by hand (entity_mismatch)")
    no_password = invoke("confirm", "--report", SCAN_SHA, "--field", "revenue=731,250,000.00", "--field",
                         f"firm={FIRM}", "--db", act.db, "--by", "paula", "--on", AS_OF,
                         env={"COMPLIANCE_PASSWORD": "not her password"})
    one_error_line(no_password, "paula: no active account with that password")


def test_a_withdrawal_withdraws_the_documents_and_a_new_confirmation_issues_the_next_version(desk):
    act = Act(desk)
    assert act.confirm().returncode == 0
    assert act("countersign", "--report", SCAN_SHA, by="alice").returncode == 0
    act.run()
    one_error_line(act("withdraw-confirmation", "--report", SCAN_SHA, "--reason", "x", by="paula"),
                   "paula is a preparer")
    withdrawn = act("withdraw-confirmation", "--report", SCAN_SHA, "--reason", "the digital PDF arrived",
                    by="alice", on="2028-04-02")
    assert withdrawn.returncode == 0, withdrawn.stderr
    # the year's letters with its transfer package (the stock power and the transfer agent letter, issue 30)
    assert "6 documents withdrawn" in withdrawn.stdout and "year-2/joint-instruction.pdf" in withdrawn.stdout
    year = act.status("2028-04-02")[2]
    assert year["status"] == "needs_review" and year["documents"] == []
    assert "withdrawn by alice on 2028-04-02 (the digital PDF arrived)" in year["note"]
    act.run("2028-04-02")
    summary = json.loads((desk / "out" / "summary.json").read_text(encoding="utf-8"))
    documents = next(f for f in summary["files"] if f["file"] == SCAN)["documents"]
    assert documents and all(d["withdrawn"] for d in documents)

    assert act.confirm(by="bob").returncode == 0
    assert act("countersign", "--report", SCAN_SHA, by="alice", on="2028-04-03").returncode == 0
    act.run("2028-04-03")
    assert act.status("2028-04-03")[2]["documents"][0].endswith(".v2.pdf")
    assert invoke("ledger", "verify", "--db", act.db).returncode == 0
