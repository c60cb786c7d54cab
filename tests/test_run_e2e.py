"""End to end through the CLI on the real fixtures, the real extractor and the real renderer: the fixture run as a
new process (run_cli), the commands after it through the same entry point in the test's process (invoke).

The full fixture run is rendered once for the session and reused (by both xdist workers); tests that change
things work on a copy of its output folder (the ledger records the folder relative to itself, so a copy is a ledger
of its own). The kill tests with the real renderer are in tests/faults/test_run_e2e_kills.py (`make faults`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from helpers.cli import REPO, invoke, one_error_line, run_cli
from helpers.contracts import TRUTH, filled_contract
from helpers.document_text import docx_text, pdf_text, squash
from helpers.examples import EXAMPLE_1
from helpers.reports import ChineseReport, write_chinese
from helpers.shared import built_once

from compliance.values.digest import sha256_file

FIXTURES = REPO / "fixtures" / "audit-reports"
PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"
AS_OF = "2031-03-31"
# Worked example 1 (docs/contract-reading.md): the release each year's joint instruction must state.
RELEASES = EXAMPLE_1.releases
ACCEPTED = {entry["assessment_year"]: name for name, entry in TRUTH.items() if entry["status"] == "accepted"}


def events(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT seq, kind, year, hash FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()


def _run_the_fixtures(folder: Path) -> None:
    done = run_cli("run", str(FIXTURES), "--out", str(folder / "out"), "--as-of", AS_OF)
    (folder / "done.json").write_text(json.dumps(
        {"args": done.args, "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}))


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`compliance run fixtures/audit-reports --out OUT --as-of 2031-03-31`, once for the session (both xdist
    workers read the same OUT): its output folder and how the command ended. Tests only read OUT (and run
    `status` on its ledger); a test that changes anything works on copy_of(...)."""
    folder = built_once(tmp_path_factory, "e2e-fixture-run", _run_the_fixtures)
    done = json.loads((folder / "done.json").read_text())
    return folder / "out", subprocess.CompletedProcess(**done)


def copy_of(fixture_run, tmp_path: Path) -> Path:
    out, _ = fixture_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy


def test_the_run_exits_1_because_some_fixtures_are_not_accepted_and_lists_the_documents(fixture_run):
    out, done = fixture_run
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    # 5 years x 3 letters + 5 transfer packages (stock power, transfer agent letter) + 2 deduction notices + the
    # cancellation instruction, each as PDF and DOCX
    assert "Documents written (60):" in done.stdout  # and the two deduction notices a later offset supersedes
    assert f"{out}/year-2/deduction-notice.pdf" in done.stdout


@pytest.mark.parametrize("year", sorted(RELEASES))
def test_each_year_has_its_documents_in_both_formats_with_the_engines_figures(fixture_run, year):
    out, _ = fixture_run
    folder = out / f"year-{year}"
    expected = {"joint-instruction", "release-notice", "assessment-report"}
    if year in (2, 4):  # SPA 5.2(1): the shortfall years of worked example 1; years 3 and 5 restore them
        expected |= {"deduction-notice", "deduction-notice.v2"}  # (issue 30: the revised notice supersedes it)
    if RELEASES[year]:  # issue 30: a year that releases shares has its transfer package
        expected |= {"stock-power", "transfer-agent-letter"}
    assert {p.stem for p in folder.glob("*.pdf")} == expected
    assert {p.stem for p in folder.glob("*.docx")} == expected
    shares = f"{RELEASES[year]:,}"
    for name in ("joint-instruction", "release-notice"):
        assert shares in squash(pdf_text(folder / f"{name}.pdf")), f"{name} year {year}"
        assert shares in squash(docx_text(folder / f"{name}.docx")), f"{name} year {year}"
    revenue = TRUTH[ACCEPTED[year]]["operating_revenue"]
    assert f"{Decimal(revenue):,.2f}" in squash(pdf_text(folder / "assessment-report.pdf"))
    assert f"Assessment Year {year}" in squash(pdf_text(folder / "joint-instruction.pdf"))


@pytest.mark.parametrize(("shortfall", "restoring"), [(2, 3), (4, 5)])
def test_a_year_that_restores_shares_supersedes_the_deduction_notice_it_changes(fixture_run, shortfall, restoring):
    """Issue 30 point 6: the restoring year's determination issues the next version of the earlier year's
    deduction notice, which states the restoration as done; the ledger marks the first version superseded."""
    from compliance.ledger import open_ledger

    out, _ = fixture_run
    revised = out / f"year-{shortfall}" / "deduction-notice.v2.pdf"
    for text in (squash(pdf_text(revised)), squash(docx_text(revised.with_suffix(".docx")))):
        assert f"revised on the determination of Assessment Year {restoring} (SPA 5.2(2))" in text
        assert f"On the determination of Assessment Year {restoring}, dated 31 March 2031" in text
        assert "would restore" not in text and "will give" not in text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        notices = [d for d in ledger.documents() if d.slot == f"year-{shortfall}/deduction-notice"]
        first, second = sorted(notices, key=lambda d: d.version)[:2]
        assert first.superseded_by == second.id and second.superseded_by is None
        assert second.determination_id == ledger.current_determination(restoring).id


def test_the_cancellation_instruction_follows_year_5(fixture_run):
    out, _ = fixture_run
    assert (out / "cancellation-instruction.pdf").exists() and (out / "cancellation-instruction.docx").exists()
    assert "cancellation" in squash(pdf_text(out / "cancellation-instruction.pdf")).lower()


def test_summary_names_every_input_file_with_its_sha256_status_and_documents(fixture_run):
    out, _ = fixture_run
    summary = json.loads((out / "summary.json").read_text())
    by_name = {entry["file"]: entry for entry in summary["files"]}
    assert set(by_name) == {p.name for p in FIXTURES.iterdir() if not p.name.startswith(".")}
    for name, entry in by_name.items():
        assert entry["sha256"] == sha256_file(FIXTURES / name)
        if name in TRUTH:
            assert entry["status"] == TRUTH[name]["status"], name
        if entry["status"] == "accepted":
            assert entry["documents"], name
            for document in entry["documents"]:
                assert sha256_file(out / document["pdf"]) == document["pdf_sha256"]
                assert sha256_file(out / document["docx"]) == document["docx_sha256"]
        else:
            review = json.loads((out / "review" / f"{name}.json").read_text())
            assert review["status"] == entry["status"] and review["problems"], name
    assert [year["release_shares"] for year in summary["years"]] == list(RELEASES.values())


def test_the_second_run_is_a_no_op(fixture_run, tmp_path):
    out = copy_of(fixture_run, tmp_path)
    before_files = {p: (p.stat().st_mtime_ns, sha256_file(p)) for p in out.rglob("*") if p.is_file()
                    and not p.name.startswith("ledger.sqlite")}
    before_events = events(out / "ledger.sqlite")
    again = invoke("run", str(FIXTURES), "--out", str(out), "--as-of", AS_OF)
    assert again.returncode == 1 and "No new documents" in again.stdout
    after_files = {p: (p.stat().st_mtime_ns, sha256_file(p)) for p in out.rglob("*") if p.is_file()
                   and not p.name.startswith("ledger.sqlite")}
    assert after_files == before_files and events(out / "ledger.sqlite") == before_events


def test_ledger_verify_and_then_an_edited_row_is_caught(fixture_run, tmp_path):
    out = copy_of(fixture_run, tmp_path)
    ok = invoke("ledger", "verify", "--db", str(out / "ledger.sqlite"))
    assert ok.returncode == 0 and "intact" in ok.stdout
    conn = sqlite3.connect(out / "ledger.sqlite")
    conn.execute("UPDATE determinations SET release_shares = 3100000 WHERE year = 2")
    conn.commit()
    conn.close()
    bad = invoke("ledger", "verify", "--db", str(out / "ledger.sqlite"))
    assert bad.returncode == 1 and "determinations row" in bad.stderr and "was changed" in bad.stderr


def test_status_shows_each_year_from_the_ledger(fixture_run):
    out, _ = fixture_run
    done = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2031-04-10", "--json")
    years = json.loads(done.stdout)["years"]
    assert [y["status"] for y in years] == ["issued"] * 5
    assert years[1]["release_shares"] == RELEASES[2] and years[4]["days_left"] == -71
    text = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2031-04-10").stdout
    assert "Year 2  issued  deadline 2028-01-29" in text and "no release recorded" in text


def test_duplicate_and_conflicting_reports(fixture_run, tmp_path):
    out = copy_of(fixture_run, tmp_path)
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURES, inbox)
    year5 = ACCEPTED[5]
    shutil.copy(FIXTURES / year5, inbox / "year5-again.pdf")  # the same bytes under another name
    before = events(out / "ledger.sqlite")
    dup = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF)
    assert "No new documents" in dup.stdout and events(out / "ledger.sqlite") == before

    # The same report re-sent with a harmless trailing comment: other bytes, same figures: a copy, no conflict.
    (inbox / "year5-resent.pdf").write_bytes((FIXTURES / year5).read_bytes() + b"\n% re-sent by the auditor\n")
    copy = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF)
    assert "conflicting_reports" not in copy.stdout and "No new documents" in copy.stdout
    assert "states the same figures: a copy, not a conflict" in copy.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert {f["file"]: f["role"] for f in summary["files"]}["year5-resent.pdf"] == "copy_of_deciding_report"

    # A corrected report with other figures is a conflict: nothing is recorded against the year until resolved.
    write_chinese(inbox / "year5-corrected.pdf", ChineseReport(
        period_text="2029年12月1日至2030年11月30日", revenue="1,000,000,000.00", prior="912,234,567.00",
        total_revenue=None, report_date="二〇三一年二月十日", report_number="天健审〔2031〕0456号"))
    conflict = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF)
    assert conflict.returncode == 1 and "conflicting_reports" in conflict.stdout
    assert "No new documents" in conflict.stdout
    v1 = (out / "year-5" / "joint-instruction.pdf").read_bytes()
    refused = invoke("record", "released", "--year", "5", "--date", AS_OF, "--db", str(out / "ledger.sqlite"))
    one_error_line(refused, "year 5 now has 2 accepted reports with different figures", "until one is chosen")

    new_sha = sha256_file(inbox / "year5-corrected.pdf")
    chosen = invoke("resolve", "--year", "5", "--report", new_sha[:12], "--by", "A. Partner",
                    "--reason", "the auditor corrected its report", "--db", str(out / "ledger.sqlite"))
    assert chosen.returncode == 0 and "year5-corrected.pdf" in chosen.stdout
    reissued = invoke("run", str(inbox), "--out", str(out), "--as-of", "2031-04-15")
    assert "year-5/joint-instruction.v2.pdf" in reissued.stdout
    assert (out / "year-5" / "joint-instruction.pdf").read_bytes() == v1  # never overwritten
    assert "RMB 1,000,000,000.00" in squash(pdf_text(out / "year-5" / "joint-instruction.v2.pdf"))
    assert (out / "cancellation-instruction.v2.pdf").exists()
    assert new_sha in squash(pdf_text(out / "year-5" / "assessment-report.v2.pdf")).replace(" ", "")
    summary = json.loads((out / "summary.json").read_text())
    year5_docs = {d["kind"]: d for d in summary["years"][4]["documents"]}
    assert year5_docs["joint-instruction"]["version"] == 2
    conn = sqlite3.connect(out / "ledger.sqlite")
    superseded = conn.execute("SELECT old.pdf_path, new.pdf_path FROM documents old JOIN documents new "
                              "ON old.superseded_by = new.id WHERE old.year = 5 ORDER BY old.id").fetchall()
    conn.close()
    assert ("year-5/joint-instruction.pdf", "year-5/joint-instruction.v2.pdf") in superseded
    assert invoke("ledger", "verify", "--db", str(out / "ledger.sqlite")).returncode == 0


def test_an_overdue_release_gets_a_penalty_statement(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / ACCEPTED[1], inbox)
    out = tmp_path / "out"
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-03-01", "--prices", str(PRICES))
    assert done.returncode == 0, done.stderr
    from compliance.contract import load_contract
    from compliance.rules.penalty import compute_penalty
    from compliance.values.prices import load_prices

    result = compute_penalty(load_contract(), year=1, shares=3_000_000, released_on=__import__("datetime").date(
        2027, 3, 1), prices=load_prices(PRICES))
    text = squash(pdf_text(out / "year-1" / "penalty-statement.pdf"))
    assert f"USD {result.penalty_rounded:,.2f}" in text and "31 calendar days after the SPA 5.1 date" in text
    assert text.startswith("DRAFT: awaiting approval")  # a computation for counsel, approved four-eyes
    assert f"USD {result.penalty_rounded:,.2f}" in squash(docx_text(out / "year-1" / "penalty-statement.docx"))


def test_spa_8_2_a_release_recorded_on_the_as_of_date_is_stated_as_released(tmp_path):
    """The penalty statement of a run dated the day the release was recorded says the shares were
    released that day, not that they 'had not been released' (the run knows from the ledger)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / ACCEPTED[1], inbox)
    out = tmp_path / "out"
    assert invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20").returncode == 0
    db = str(out / "ledger.sqlite")
    released = invoke("record", "released", "--year", "1", "--date", "2027-03-01", "--db", db)
    assert released.returncode == 0, released.stderr
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-03-01", "--prices", str(PRICES))
    assert done.returncode == 0, done.stderr
    for text in (squash(pdf_text(out / "year-1" / "penalty-statement.pdf")),
                 squash(docx_text(out / "year-1" / "penalty-statement.docx"))):
        assert "records the release of the shares on 1 March 2027, 31 calendar days after the SPA 5.1 date" in text
        assert "No release of these shares is recorded" not in text


def test_the_same_run_into_two_folders_gives_the_same_bytes(tmp_path):
    """Same inputs, same bytes, wherever the output goes: the assessment report carries its evidence picture
    inside itself, so no document names the folder it was written to."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / ACCEPTED[1], inbox)
    outs = [tmp_path / "a" / "out", tmp_path / "b" / "much" / "deeper" / "output folder"]
    for out in outs:
        done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20")
        assert done.returncode == 0, done.stderr

    def documents(out: Path) -> dict[str, str]:
        found = sorted(out.rglob("*"))
        return {str(p.relative_to(out)): sha256_file(p) for p in found if p.suffix in (".pdf", ".docx")}

    first, second = (documents(out) for out in outs)
    assert "year-1/assessment-report.pdf" in first and first == second
    assert (outs[0] / "evidence").is_dir()  # the picture exists, and it is inside the report:
    with zipfile.ZipFile(outs[1] / "year-1" / "assessment-report.docx") as docx:
        assert any(name.startswith("word/media/") for name in docx.namelist())


def test_open_items_are_listed_by_run_summary_and_status_and_each_such_letter_is_a_draft(fixture_run):
    out, done = fixture_run
    summary = json.loads((out / "summary.json").read_text())
    drafts = [d for year in summary["years"] for d in year["documents"] if d["draft"]]
    assert drafts and all(d["open_items"] for d in drafts)
    assert f"Open items: {len(summary['open_items'])} document(s) marked DRAFT" in done.stdout
    listed = {entry["document_id"] for entry in summary["open_items"]}
    assert listed == {d["document_id"] for d in drafts}
    joint = next(d for d in drafts if d["kind"] == "joint-instruction" and d["pdf"].startswith("year-1/"))
    text = squash(pdf_text(out / joint["pdf"]))
    assert "DRAFT" in text and "Open items in this draft" in text
    assert "Party B" in " ".join(joint["open_items"])
    shown = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", AS_OF)
    assert "joint-instruction is a DRAFT until these are filled:" in shown.stdout
    as_json = json.loads(invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", AS_OF, "--json").stdout)
    year_1 = next(year for year in as_json["years"] if year["year"] == 1)
    assert any(entry["document"].endswith("joint-instruction.pdf") for entry in year_1["open_items"])


def test_once_the_contract_file_fills_every_open_item_the_rerun_issues_final_letters(fixture_run, tmp_path):
    out = copy_of(fixture_run, tmp_path)
    done = invoke("run", str(FIXTURES), "--out", str(out), "--as-of", AS_OF,
                   "--contract", str(filled_contract(tmp_path / "filled.yaml")))
    assert done.returncode == 1, done.stderr  # the needs_review fixtures are still there
    assert "Open items" not in done.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["open_items"] == []
    current = [d for year in summary["years"] for d in year["documents"] if d["superseded_by"] is None]
    # every current letter is a new version (the revised deduction notices of years 2 and 4 were already v2)
    assert current and all(not d["draft"] and d["version"] >= 2 for d in current)
    for document in current:
        for text in (pdf_text(out / document["pdf"]), docx_text(out / document["docx"])):
            # Four-eyes: no open item left, so the only mark is "awaiting approval" (operations.approval).
            assert "[●" not in text and "●" not in text and "Open items" not in text, document["pdf"]
            assert "DRAFT: awaiting approval" in squash(text), document["pdf"]
    assert all(year["approval"]["state"] == "awaiting_approval" for year in summary["years"] if year["documents"])
    letter = squash(pdf_text(out / "year-1" / "joint-instruction.v2.pdf"))
    assert "Wang Fang" in letter and "E12345678" in letter and "Road Town, Tortola" in letter
    assert "approved by Party A" in letter
    # the first drafts stay where they were, superseded, never overwritten
    assert "DRAFT" in pdf_text(out / "year-1" / "joint-instruction.pdf")
