"""The main job's rules with a fake extractor and renderer (fast): idempotence, duplicates, conflicts and
their resolution, versions beside the old, the as-of policy, penalties, review files, status, record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers.cli import invoke
from helpers.fakes import EXAMPLE_1_RELEASES, example_inbox, run_fake, write_report

from compliance.contract import load_contract
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.recording import (
    RecordError,
    record_dispute,
    record_received,
    record_released,
    record_settled,
    record_suspended,
    resolve,
)
from compliance.operations.run import RunError
from compliance.operations.status import year_statuses
from compliance.values.digest import sha256_file

AS_OF = "2031-03-31"
PRICES = Path(__file__).resolve().parent.parent / "fixtures" / "prices" / "kxin-sample.csv"


def _snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under DIR (but the ledger and its lock) with its mtime and bytes."""
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith("ledger.sqlite")
    }


def _events(out: Path) -> list[tuple]:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return [(e.seq, e.kind, e.year, e.hash) for e in ledger.events()]


@pytest.fixture
def first_run(tmp_path):
    inbox = example_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    result, toolkit = run_fake(inbox, out, AS_OF)
    return inbox, out, result, toolkit


# --- worked example 1 end to end (fake documents) -----------------------------------------------------------
def test_worked_example_1_instructs_each_years_release_and_the_cancellation(first_run):
    _, out, result, _ = first_run
    assert {y.year: y.release_shares for y in result.years} == EXAMPLE_1_RELEASES
    assert all(y.status == "issued" for y in result.years)
    for year in range(1, 6):
        kinds = {p.stem for p in (out / f"year-{year}").glob("*.pdf")}
        expected = {"joint-instruction", "release-notice", "assessment-report"}
        if year in (2, 4):  # SPA 5.2(1): the shortfall years get a deduction notice
            expected.add("deduction-notice")
        if EXAMPLE_1_RELEASES[year]:  # issue 30: the transfer package of a release
            expected |= {"stock-power", "transfer-agent-letter"}
        assert kinds == expected
        assert {p.stem for p in (out / f"year-{year}").glob("*.docx")} == expected
    assert (out / "cancellation-instruction.pdf").exists() and (out / "cancellation-instruction.docx").exists()
    assert "cancel 0 " in (out / "cancellation-instruction.pdf").read_text()  # worked example 1: nothing cancelled
    assert f"release {EXAMPLE_1_RELEASES[2]} " in (out / "year-2" / "joint-instruction.pdf").read_text()
    assert result.exit_code == 0


def test_summary_names_every_file_with_sha256_status_and_the_documents_it_led_to(first_run):
    _, out, _, _ = first_run
    summary = json.loads((out / "summary.json").read_text())
    assert [f["file"] for f in summary["files"]] == [f"year{n}.pdf" for n in range(1, 6)]
    year2 = summary["files"][1]
    assert year2["status"] == "accepted" and year2["year"] == 2 and year2["revenue"] == "731250000.00"
    assert {d["kind"] for d in year2["documents"]} == {"joint-instruction", "release-notice", "deduction-notice",
                                                       "stock-power", "transfer-agent-letter", "assessment-report"}
    for document in year2["documents"]:
        assert (out / document["pdf"]).exists()
        from compliance.values.digest import sha256_file

        assert sha256_file(out / document["pdf"]) == document["pdf_sha256"]
        assert sha256_file(out / document["docx"]) == document["docx_sha256"]
    assert [y["release_shares"] for y in summary["years"]] == list(EXAMPLE_1_RELEASES.values())


def test_second_run_on_the_same_inbox_changes_nothing_and_writes_nothing(first_run):
    inbox, out, _, _ = first_run
    files, events = _snapshot(out), _events(out)
    result, toolkit = run_fake(inbox, out, AS_OF)
    assert toolkit.extracted == [] and toolkit.rendered == []
    assert result.written == []
    assert _snapshot(out) == files  # same bytes, same modification times
    assert _events(out) == events


def test_a_later_as_of_reissues_nothing_documents_keep_their_first_date(first_run):
    inbox, out, _, _ = first_run
    files, events = _snapshot(out), _events(out)
    result, toolkit = run_fake(inbox, out, "2031-06-30")
    assert toolkit.rendered == [] and _events(out) == events
    assert "dated 2031-03-31" in (out / "year-1" / "joint-instruction.pdf").read_text()
    changed = [name for name in files if _snapshot(out)[name] != files[name]]
    assert changed == ["summary.json"]  # only the summary names the new as-of date


def test_the_same_file_under_another_name_is_recorded_once(first_run):
    inbox, out, _, _ = first_run
    (inbox / "copy-of-year3.pdf").write_bytes((inbox / "year3.pdf").read_bytes())
    events = _events(out)
    result, toolkit = run_fake(inbox, out, AS_OF)
    assert toolkit.extracted == [] and _events(out) == events
    copy = next(f for f in result.files if f.name == "copy-of-year3.pdf")
    assert copy.status == "accepted" and copy.also_named == ["year3.pdf"] and copy.role == "decides_year"
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert ledger.report_names(copy.sha256) == ["copy-of-year3.pdf", "year3.pdf"]
        assert ledger.verify().ok
    assert result.years[2].status == "issued" and result.exit_code == 0


# --- conflicts ---------------------------------------------------------------------------------------------
def test_a_second_different_accepted_report_stops_the_year_until_resolved_then_v2_beside_v1(first_run):
    inbox, out, _, _ = first_run
    v1 = (out / "year-2" / "joint-instruction.pdf").read_bytes()
    # A corrected year-2 report: revenue meets the target, so no deduction notice any more.
    write_report(inbox, "year2-corrected.pdf", 2, "732000000.00", report_date="2028-02-01")
    result, toolkit = run_fake(inbox, out, AS_OF)
    assert result.years[1].status == "conflicting_reports" and result.exit_code == 1
    assert "compliance resolve --year 2" in result.years[1].note
    assert toolkit.rendered == []  # no new documents for it; later years wait, nothing is re-issued
    assert result.years[2].label == "waiting_for_year_2"
    assert (out / "year-2" / "joint-instruction.pdf").read_bytes() == v1
    conflicting = [f for f in result.files if f.role == "conflicting_reports"]
    assert sorted(f.name for f in conflicting) == ["year2-corrected.pdf", "year2.pdf"]
    events = _events(out)
    run_fake(inbox, out, AS_OF)
    assert _events(out) == events  # the conflict is recorded once

    new_sha = next(f.sha256 for f in conflicting if f.name == "year2-corrected.pdf")
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        resolve(ledger, contract, year=2, report=new_sha[:10], by="A. Partner", reason="corrected report")
    result, toolkit = run_fake(inbox, out, "2031-04-15")
    assert result.years[1].status == "issued" and result.years[1].release_shares == 3_000_000
    assert (out / "year-2" / "joint-instruction.pdf").read_bytes() == v1  # never overwritten
    assert "release 3000000 " in (out / "year-2" / "joint-instruction.v2.pdf").read_text()
    assert not (out / "year-2" / "deduction-notice.v2.pdf").exists()
    # Year 3's offset no longer restores year 2, so it is re-issued too: 3,000,000.
    assert result.years[2].release_shares == 3_000_000
    assert (out / "year-3" / "joint-instruction.v2.pdf").exists()
    with open_ledger(out / "ledger.sqlite") as ledger:
        docs = {(d.slot, d.version): d for d in ledger.documents()}
        old, new = docs[("year-2/joint-instruction", 1)], docs[("year-2/joint-instruction", 2)]
        assert old.superseded_by == new.id and new.superseded_by is None
        assert docs[("year-2/deduction-notice", 1)].superseded_by is not None  # withdrawn
        assert ledger.verify().ok
        old_det = ledger.determination(old.determination_id)
        assert old_det.superseded_by == new.determination_id
    assert result.exit_code == 0


def test_a_scan_of_the_deciding_report_read_with_another_date_is_a_copy_not_a_conflict(first_run):
    """Issue 31 point 7: the same revenue for the same period is the same determination, whatever OCR read as
    the report's date or number: the copy is recorded, the year stays decided and the next one goes on."""
    inbox, out, _, _ = first_run
    write_report(inbox, "year1-scan.pdf", 1, report_date="2027-01-16", extra="scanned copy")
    result, toolkit = run_fake(inbox, out, AS_OF)
    assert result.years[0].label == "issued" and result.years[1].label == "issued"
    assert toolkit.rendered == []
    assert [f.role for f in result.files if f.name == "year1-scan.pdf"] == ["copy_of_deciding_report"]


def test_resolve_refuses_an_unknown_report_and_a_year_without_conflict(first_run):
    _, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger, pytest.raises(RecordError, match="no conflicting reports"):
        resolve(ledger, contract, year=1, report="abcdef", by="A", reason="r")
    cli = invoke("resolve", "--year", "1", "--report", "abcdef", "--by", "A", "--reason", "r",
                  "--db", str(out / "ledger.sqlite"))
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1 and "no conflicting reports" in cli.stderr


def test_a_year_waits_while_an_earlier_year_has_no_report(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1)
    write_report(inbox, "y3.pdf", 3)
    result, _ = run_fake(inbox, tmp_path / "out", AS_OF)
    assert [y.label for y in result.years] == ["issued", "awaiting_report", "waiting_for_year_2",
                                                "awaiting_report", "awaiting_report"]
    assert not (tmp_path / "out" / "year-3").exists()


# --- files not accepted -----------------------------------------------------------------------------------
def test_each_file_not_accepted_gets_a_review_file_and_exit_1(tmp_path):
    inbox = example_inbox(tmp_path / "inbox")
    (inbox / "scan.pdf").write_bytes(b"\x89PNG not a report")
    write_report(inbox, "qualified.pdf", 4, status="needs_review")
    result, _ = run_fake(inbox, tmp_path / "out", AS_OF)
    assert result.exit_code == 1
    review = json.loads((tmp_path / "out" / "review" / "scan.pdf.json").read_text())
    assert review["status"] == "rejected" and review["problems"][0]["code"] == "not_pdf"
    review = json.loads((tmp_path / "out" / "review" / "qualified.pdf.json").read_text())
    assert review["problems"][0]["code"] == "opinion_modified"
    assert not (tmp_path / "out" / "review" / "year1.pdf.json").exists()
    assert result.years[3].status == "issued"  # a report needing review does not compete with an accepted one


# --- dates ---------------------------------------------------------------------------------------------------
def test_documents_are_not_dated_before_the_report_they_rely_on(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1, report_date="2027-01-15")
    result, toolkit = run_fake(inbox, tmp_path / "out", "2027-01-10")
    assert result.years[0].status == "premature" and "dated 2027-01-15" in result.years[0].note
    assert toolkit.rendered == []
    result, _ = run_fake(inbox, tmp_path / "out", "2027-01-20")
    assert result.years[0].status == "issued"


# --- SPA 8.2 penalty statements -------------------------------------------------------------------------------
def test_an_overdue_release_gets_a_penalty_statement_and_a_later_as_of_its_next_version(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1)
    out = tmp_path / "out"
    run_fake(inbox, out, "2027-01-20", PRICES)
    assert not (out / "year-1" / "penalty-statement.pdf").exists()  # deadline 2027-01-29 not passed
    run_fake(inbox, out, "2027-02-08", PRICES)
    text = (out / "year-1" / "penalty-statement.pdf").read_text()
    assert "shares 3000000 released_on 2027-02-08 days 10 " in text  # SPA 8.2: 10 calendar days late
    events = _events(out)
    run_fake(inbox, out, "2027-02-08", PRICES)
    assert _events(out) == events
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_released(ledger, contract, year=1, on=dt.date(2027, 2, 5))
    run_fake(inbox, out, "2027-03-01", PRICES)
    v2 = (out / "year-1" / "penalty-statement.v2.pdf").read_text()
    assert "released_on 2027-02-05 days 7 " in v2  # released late: the penalty stops at the release
    assert (out / "year-1" / "penalty-statement.pdf").read_text() == text


def test_a_release_on_time_gives_no_penalty_statement(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1)
    out = tmp_path / "out"
    run_fake(inbox, out, "2027-01-20", PRICES)
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_released(ledger, load_contract(), year=1, on=dt.date(2027, 1, 28))
    run_fake(inbox, out, "2027-06-30", PRICES)
    assert not (out / "year-1" / "penalty-statement.pdf").exists()


def test_a_recorded_dispute_is_excluded_from_the_penalty(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1)
    out = tmp_path / "out"
    run_fake(inbox, out, "2027-01-20", PRICES)
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_dispute(ledger, contract, year=1, on=dt.date(2027, 2, 1))
        record_settled(ledger, contract, year=1, on=dt.date(2027, 2, 3))
        rows = year_statuses(ledger, contract, dt.date(2027, 2, 8), prices=_prices())
    # SPA 8.2 with EA 3.3: 10 days late, the 3 days of the dispute are not counted.
    from compliance.rules.penalty import Period, compute_penalty
    from compliance.values.money import round_cents

    expected = compute_penalty(contract, year=1, shares=3_000_000, released_on=dt.date(2027, 2, 8),
                               prices=_prices(),
                               excluded=[Period(dt.date(2027, 2, 1), dt.date(2027, 2, 3), "dispute")])
    assert expected.days_counted == 7
    assert rows[0].penalty == str(round_cents(expected.penalty))
    assert rows[0].days_left == -10


def _prices():
    from compliance.values.prices import load_prices

    return load_prices(PRICES)


# --- record checks --------------------------------------------------------------------------------------------
def test_a_release_cannot_exceed_what_was_instructed(first_run):
    _, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_released(ledger, contract, year=2, on=dt.date(2031, 4, 2), shares=2_000_000)
        with pytest.raises(RecordError, match="at most 996,926 more"):
            record_released(ledger, contract, year=2, on=dt.date(2031, 4, 3), shares=1_000_000)
    cli = invoke("record", "released", "--year", "2", "--date", "2031-04-03", "--shares", "1000000",
                  "--db", str(out / "ledger.sqlite"))
    assert cli.returncode == 2 and "Traceback" not in cli.stderr
    assert cli.stderr.strip() == ("error: a release cannot exceed what was instructed: year 2's instruction is for "
                                  "2,996,926 shares, 2,000,000 are already recorded as released, so at most "
                                  "996,926 more (not 1,000,000)")
    ok = invoke("record", "released", "--year", "2", "--date", "2031-04-03", "--db", str(out / "ledger.sqlite"))
    assert ok.returncode == 0 and "996,926 shares of year 2 released on 2031-04-03" in ok.stdout


def test_record_dates_must_be_sensible(first_run):
    _, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        with pytest.raises(RecordError, match="before the joint instruction for year 1"):
            record_received(ledger, contract, year=1, on=dt.date(2031, 3, 1))
        record_received(ledger, contract, year=1, on=dt.date(2031, 4, 1))
        with pytest.raises(RecordError, match="already recorded"):
            record_received(ledger, contract, year=1, on=dt.date(2031, 4, 2))
        with pytest.raises(RecordError, match="before the escrow agent received the documents"):
            record_released(ledger, contract, year=1, on=dt.date(2031, 3, 31))
        with pytest.raises(RecordError, match="no open dispute"):
            record_settled(ledger, contract, year=1, on=dt.date(2031, 4, 5))
        record_dispute(ledger, contract, year=1, on=dt.date(2031, 4, 5))
        with pytest.raises(RecordError, match="already open"):
            record_dispute(ledger, contract, year=1, on=dt.date(2031, 4, 6))
        with pytest.raises(RecordError, match="before the dispute was opened"):
            record_settled(ledger, contract, year=1, on=dt.date(2031, 4, 4))
        with pytest.raises(RecordError, match="ends .* before it starts"):
            record_suspended(ledger, contract, year=1, on=dt.date(2031, 4, 5), until=dt.date(2031, 4, 1))
        with pytest.raises(RecordError, match="not an Assessment Year"):
            record_received(ledger, contract, year=6, on=dt.date(2031, 4, 1))
        assert ledger.verify().ok
    bad = invoke("record", "dispute", "--year", "1", "--date", "2031-13-01", "--db", str(out / "ledger.sqlite"))
    assert bad.returncode == 2 and bad.stderr.strip() == "error: --date 2031-13-01: not a date; write it as YYYY-MM-DD"


def test_record_before_any_run_is_refused(tmp_path):
    cli = invoke("record", "received", "--year", "1", "--date", "2027-02-01", "--db", str(tmp_path / "none.sqlite"))
    assert cli.returncode == 2 and "no ledger at" in cli.stderr and cli.stderr.count("\n") == 1


# --- status -----------------------------------------------------------------------------------------------------
def test_status_gives_each_year_its_deadline_days_and_release(first_run):
    _, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_released(ledger, contract, year=1, on=dt.date(2031, 4, 1))
        rows = year_statuses(ledger, contract, dt.date(2031, 4, 10))
    assert rows[0].status == "issued" and rows[0].released_shares == 3_000_000
    assert rows[4].deadline == dt.date(2031, 1, 29) and rows[4].days_left == -71
    assert rows[1].release_shares == EXAMPLE_1_RELEASES[2] and "year-2/deduction-notice.pdf" in rows[1].documents
    cli = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2031-04-10", "--json")
    data = json.loads(cli.stdout)
    assert cli.returncode == 0 and data["years"][0]["last_released_on"] == "2031-04-01"


# --- never overwritten, restored when missing, one writer -------------------------------------------------------
def test_a_file_the_ledger_did_not_issue_is_never_overwritten(tmp_path):
    inbox = tmp_path / "inbox"
    write_report(inbox, "y1.pdf", 1)
    out = tmp_path / "out"
    (out / "year-1").mkdir(parents=True)
    (out / "year-1" / "joint-instruction.pdf").write_bytes(b"my own draft")
    result, _ = run_fake(inbox, out, AS_OF)
    assert result.years[0].status == "error" and "was not issued by this ledger" in result.years[0].note
    assert (out / "year-1" / "joint-instruction.pdf").read_bytes() == b"my own draft"
    assert result.exit_code == 1


def test_a_deleted_document_is_restored_with_the_same_bytes(first_run):
    inbox, out, _, _ = first_run
    original = (out / "year-4" / "deduction-notice.docx").read_bytes()
    (out / "year-4" / "deduction-notice.docx").unlink()
    result, _ = run_fake(inbox, out, "2031-05-01")  # documents keep their own date, whatever the as-of
    assert (out / "year-4" / "deduction-notice.docx").read_bytes() == original
    assert result.written == ["year-4/deduction-notice.docx", "summary.json"]


def test_a_run_waits_for_another_writer_then_stops_with_a_clear_message(first_run):
    inbox, out, _, _ = first_run
    with writer_lock(out / "ledger.sqlite", what="run", wait=0):
        with pytest.raises(RunError, match=r"in use by `compliance run` \(pid \d+\); waited 0.2 s"):
            run_fake(inbox, out, AS_OF, wait=0.2)
        cli = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "--wait", "0.2")
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1 and "in use by" in cli.stderr


def test_one_ledger_one_output_folder_and_one_contract(first_run, tmp_path):
    inbox, out, _, _ = first_run
    with pytest.raises(RunError, match="this ledger's documents are in"):
        run_fake(inbox, tmp_path / "elsewhere", AS_OF, db_path=out / "ledger.sqlite")


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    missing = invoke("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--as-of", AS_OF)
    assert missing.returncode == 2 and missing.stderr.strip().endswith("no such folder (the inbox must be a folder "
                                                                       "of audit reports)")
    (tmp_path / "inbox").mkdir()
    bad_prices = tmp_path / "prices.csv"
    bad_prices.write_text("date,close\n2027-01-02,-1\n")
    cli = invoke("run", str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--as-of", AS_OF,
                  "--prices", str(bad_prices))
    assert cli.returncode == 2 and "negative" in cli.stderr and "Traceback" not in cli.stderr
    assert not (tmp_path / "out").exists()  # nothing written before the arguments are known good


def test_an_unexpected_failure_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import compliance.operations.run
    from compliance.cli import app

    def broken(options, toolkit=None):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(compliance.operations.run, "run", broken)
    (tmp_path / "inbox").mkdir()
    result = CliRunner().invoke(app, ["run", str(tmp_path / "inbox"), "--out", str(tmp_path / "out"),
                                      "--as-of", AS_OF])
    assert result.exit_code == 1
    assert result.output.strip() == "error: unexpected RuntimeError: disk on fire second line"


def test_penalty_inputs_give_the_penalty_command_the_recorded_periods_and_receipt(first_run):
    from compliance.operations.accrual import recorded_delays
    from compliance.rules.penalty import Period

    _, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        record_received(ledger, contract, year=3, on=dt.date(2031, 4, 1))
        record_dispute(ledger, contract, year=3, on=dt.date(2031, 4, 2))
        record_settled(ledger, contract, year=3, on=dt.date(2031, 4, 9))
        record_suspended(ledger, contract, year=3, on=dt.date(2031, 4, 20))
    periods, received = recorded_delays(out / "ledger.sqlite", 3, until=dt.date(2031, 4, 30))
    assert received == dt.date(2031, 4, 1)
    assert periods == (Period(dt.date(2031, 4, 2), dt.date(2031, 4, 9), "dispute"),  # EA 3.3
                       Period(dt.date(2031, 4, 20), dt.date(2031, 4, 30), "suspension"))  # SPA 8.1, still open


def test_determine_year_gives_the_review_desk_the_figures_without_issuing_anything(tmp_path):
    """SPA 5.2: year 2's release (worked example 1) before any document exists; a year whose earlier year has
    no report yet is not determined (SPA 5.2(2) may still restore its shortfall)."""
    from compliance.operations.determinations import determine_year

    inbox = tmp_path / "inbox"
    write_report(inbox, "year1.pdf", 1)
    write_report(inbox, "year2.pdf", 2)
    write_report(inbox, "year4.pdf", 4)
    out = tmp_path / "out"
    run_fake(inbox, out, dt.date(2027, 12, 1))  # before year 2's report is dated: its documents wait
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        before = len(ledger.events())
        year_2 = determine_year(ledger, contract, 2)
        assert year_2 is not None and year_2.result.release_shares == EXAMPLE_1_RELEASES[2]
        assert year_2.result.deductible_exact > 0 and not year_2.result.met
        assert determine_year(ledger, contract, 4) is None  # year 3 has no report
        assert len(ledger.events()) == before


def test_a_reversed_resolution_issues_the_next_version_and_status_tells_the_truth(first_run):
    """Year 2 resolved to a corrected report, then back to the first one: the next run issues version 3 of
    the first report's documents (no UNIQUE failure), and status says issued with the first release."""
    from compliance.operations.status import status_report

    inbox, out, _, _ = first_run
    write_report(inbox, "year2-corrected.pdf", 2, "732000000.00", report_date="2028-02-01")
    run_fake(inbox, out, AS_OF)
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        first, corrected = ledger.reports_for_year(2, "accepted")
    for chosen, on in ((corrected, "2031-04-15"), (first, "2031-04-20")):
        with open_ledger(out / "ledger.sqlite") as ledger:
            resolve(ledger, contract, year=2, report=chosen, by="A. Partner", reason="which report governs")
        result, _ = run_fake(inbox, out, on)
        assert result.exit_code == 0 and result.years[1].status == "issued"
    assert result.years[1].release_shares == EXAMPLE_1_RELEASES[2]
    assert "release 2996926 dated 2031-04-20" in (out / "year-2" / "joint-instruction.v3.pdf").read_text()
    assert (out / "year-2" / "deduction-notice.v2.pdf").exists()  # short again: its second version
    report = status_report(out / "ledger.sqlite", contract, dt.date(2031, 4, 21))
    assert [(row.status, row.release_shares) for row in report.years[1:3]] == [
        ("issued", EXAMPLE_1_RELEASES[2]), ("issued", EXAMPLE_1_RELEASES[3])]
    again, toolkit = run_fake(inbox, out, "2031-04-21")
    assert toolkit.rendered == [] and again.exit_code == 0  # nothing new: the inputs are those issued
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert ledger.verify().ok


def test_a_contract_change_undone_issues_the_next_version(first_run, tmp_path):
    """Run, run with a one-line change of the contract, run with the original: three versions, no failure."""
    import yaml

    from compliance.contract import BUILTIN_CONTRACT

    inbox, out, _, _ = first_run
    changed = yaml.safe_load(BUILTIN_CONTRACT.read_text(encoding="utf-8"))
    changed["title"] += " (amended)"
    amended = tmp_path / "amended.yaml"
    amended.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    assert run_fake(inbox, out, "2031-04-15", contract_path=amended)[0].exit_code == 0
    result, _ = run_fake(inbox, out, "2031-04-20")
    assert result.exit_code == 0 and all(y.status == "issued" for y in result.years)
    assert (out / "year-1" / "joint-instruction.v3.pdf").exists()


def test_a_file_replaced_between_scan_and_reading_is_set_aside_not_given_the_other_files_figures(tmp_path):
    """The inbox is scanned (year1.pdf hashed), then another report is moved over year1.pdf before it is
    read: nothing is recorded under year 1's hash, the file is named with `changed_while_read`, and the
    next run reads what is there now, under its own hash."""
    from helpers.fakes import FakeToolkit

    inbox = tmp_path / "inbox"
    write_report(inbox, "year1.pdf", 1)
    other = write_report(tmp_path / "elsewhere", "year2.pdf", 2)
    scanned = sha256_file(inbox / "year1.pdf")

    class MovesAFileOver(FakeToolkit):
        def extract(self, paths, contract, **options):
            (inbox / "year1.pdf").write_bytes(other.read_bytes())
            return super().extract(paths, contract, **options)

    out = tmp_path / "out"
    result, _ = run_fake(inbox, out, AS_OF, toolkit=MovesAFileOver())
    [outcome] = result.files
    assert outcome.status == "rejected" and [p.code for p in outcome.problems] == ["changed_while_read"]
    assert result.exit_code == 1
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert not ledger.has_report(scanned) and ledger.reports_for_year(1) == []
    summary = json.loads((out / "summary.json").read_text())
    assert summary["files"][0]["problems"][0]["code"] == "changed_while_read"
    assert (out / "review" / "year1.pdf.json").exists()
    again, _ = run_fake(inbox, out, AS_OF)
    assert again.files[0].status == "accepted" and again.files[0].year == 2
    assert again.files[0].sha256 == sha256_file(other)


def test_a_file_still_being_copied_in_is_left_for_the_next_run(tmp_path, monkeypatch):
    """Its size changes while it is hashed: it is not read or recorded (`still_being_written`)."""
    import compliance.operations.inbox as inbox_step

    inbox = example_inbox(tmp_path / "inbox")
    real = inbox_step.sha256_file

    def while_copying(path):
        digest = real(path)
        if path.name == "year3.pdf":
            with open(path, "ab") as handle:
                handle.write(b"\n# the rest of the copy\n")
        return digest

    monkeypatch.setattr(inbox_step, "sha256_file", while_copying)
    out = tmp_path / "out"
    result, toolkit = run_fake(inbox, out, AS_OF)
    copying = next(f for f in result.files if f.name == "year3.pdf")
    assert [p.code for p in copying.problems] == ["still_being_written"] and not copying.recorded
    assert "year3.pdf" not in toolkit.extracted
    assert [y.label for y in result.years][2:] == ["awaiting_report", "waiting_for_year_3", "waiting_for_year_3"]
    monkeypatch.undo()
    again, _ = run_fake(inbox, out, AS_OF)
    assert all(f.status == "accepted" for f in again.files)


def test_a_gbk_file_name_and_a_name_near_255_bytes_get_their_results_and_the_batch_goes_on(tmp_path):
    """A name that is not valid UTF-8 is recorded with its bytes escaped; a 250-byte name gets a review file
    cut to fit; every file has its result, the summary is written, and a rerun records nothing twice."""
    import os

    inbox = example_inbox(tmp_path / "inbox")
    gbk = "审计报告-年度.pdf".encode("gbk")  # as a Windows zip stores it
    os.rename(inbox / "year2.pdf", os.fsdecode(os.fsencode(inbox) + b"/" + gbk))
    long_name = "a" * 246 + ".pdf"  # 250 bytes: its review file would be 255 + 5
    write_report(inbox, long_name, 1, status="needs_review")
    out = tmp_path / "out"
    result, _ = run_fake(inbox, out, AS_OF)
    names = {f.name: f for f in result.files}
    escaped = gbk.decode("utf-8", "backslashreplace")
    assert escaped.startswith("\\xc9\\xf3") and names[escaped].status == "accepted"
    assert names[escaped].year == 2 and result.years[1].release_shares == EXAMPLE_1_RELEASES[2]
    assert names[long_name].status == "needs_review"
    [review] = list((out / "review").iterdir())
    assert review.name.startswith("a" * 200) and len(review.name.encode()) <= 255
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in summary["files"]} == set(names)
    events = _events(out)
    again, toolkit = run_fake(inbox, out, AS_OF)
    assert toolkit.extracted == [] and _events(out) == events


def test_a_release_under_a_superseded_instruction_is_flagged_and_never_released_twice(first_run):
    """SPA 5.2: year 3 released 3,003,074 under its first instruction (3,074 restored to year 2); a corrected
    year-2 report then makes both instructions 3,000,000. Status flags year 3's 3,074 over-release, the new
    assessment report shows it, and year 2's apparent 3,074 remainder cannot be released again."""
    from compliance.operations.status import status_report

    inbox, out, _, _ = first_run
    contract = load_contract()
    with open_ledger(out / "ledger.sqlite") as ledger:
        for year in (2, 3):
            record_released(ledger, contract, year=year, on=dt.date(2031, 4, 2))
    write_report(inbox, "year2-corrected.pdf", 2, "732000000.00", report_date="2028-02-01")
    run_fake(inbox, out, AS_OF)
    with open_ledger(out / "ledger.sqlite") as ledger:
        corrected = ledger.reports_for_year(2, "accepted")[1]
        resolve(ledger, contract, year=2, report=corrected, by="A. Partner", reason="corrected report")
    result, toolkit = run_fake(inbox, out, "2031-04-15")
    assert [y.release_shares for y in result.years[1:3]] == [3_000_000, 3_000_000]
    report = status_report(out / "ledger.sqlite", contract, dt.date(2031, 4, 16))
    assert [(row.year, row.over_released) for row in report.years] == [(1, 0), (2, 0), (3, 3_074), (4, 0), (5, 0)]
    assert report.to_json()["years"][2]["over_released"] == 3_074
    with open_ledger(out / "ledger.sqlite") as ledger:
        with pytest.raises(RecordError, match=r"3,074 shares were already released beyond the current "
                                              r"instructions of year 3 \(3,074\)"):
            record_released(ledger, contract, year=2, on=dt.date(2031, 4, 20))
    printed = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2031-04-16")
    assert "over-released 3,074 shares" in printed.stdout


def test_the_assessment_report_shows_releases_beyond_its_determination(contract):
    from helpers.examples import EXAMPLE_1

    from compliance.documents import year_documents
    from compliance.rules.earnout import assess_year

    determined = assess_year(contract, {**EXAMPLE_1.amounts(last_year=3), 2: EXAMPLE_1.amounts()[2]}, 3)
    context = year_documents(contract, determined, as_of=dt.date(2031, 4, 15),
                             released={1: 3_000_000, 2: 2_996_926, 3: 3_010_000})["assessment-report"]
    assert context["beyond_instruction"] == [
        {"year": 3, "instructed": EXAMPLE_1_RELEASES[3], "released": 3_010_000,
         "excess": 3_010_000 - EXAMPLE_1_RELEASES[3]}]
