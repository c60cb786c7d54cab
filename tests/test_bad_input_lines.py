"""Bad input from the command line gets one plain 'error:' line and exit 2, never a traceback.

Each case is a path or value a user can plausibly type: a folder that cannot be created, a file that is
not what the option expects, a date that does not exist, a figure too large for any revenue."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers.cli import invoke, one_error_line


def test_deadlines_ics_into_an_unwritable_place(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_error_line(invoke("deadlines", "--as-of", "2027-01-10", "--ics", str(blocker / "deadlines.ics")),
                   "--ics", "cannot write")


def test_deadlines_ics_creates_its_folder(tmp_path):
    target = tmp_path / "output" / "deadlines.ics"
    done = invoke("deadlines", "--as-of", "2027-01-10", "--ics", str(target))
    assert done.returncode == 0, done.stderr
    assert b"Year 1 release deadline (SPA 5.1)" in target.read_bytes()
    assert b"60 days after the year ended on 30 November 2026" in target.read_bytes().replace(b"\r\n ", b"")


def test_deadlines_received_with_an_impossible_date():
    one_error_line(invoke("deadlines", "--received", "1=2027-02-30"), "--received 1=2027-02-30", "not a date")


def test_run_out_folder_that_cannot_be_created(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_error_line(invoke("run", str(inbox), "--out", str(blocker / "out"), "--as-of", "2031-03-31"),
                   "--out", "cannot create the folder")


def test_run_inbox_that_is_a_file(tmp_path):
    inbox = tmp_path / "report.pdf"
    inbox.write_bytes(b"%PDF-1.4")
    one_error_line(invoke("run", str(inbox), "--out", str(tmp_path / "out"), "--as-of", "2031-03-31"),
                   "is a file, not a folder")


def test_render_reference_docx_that_is_not_a_docx(tmp_path):
    fake = tmp_path / "letterhead.docx"
    fake.write_text("plain text")
    one_error_line(invoke("render", "joint-instruction", "--year", "1", "--revenue", "1=702345678.90",
                           "--as-of", "2027-01-10", "--reference-docx", str(fake), "--out", str(tmp_path / "o")),
                   "not a DOCX file")


def test_extract_evidence_dir_that_cannot_be_a_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_error_line(invoke("extract", "--evidence-dir", str(blocker / "evidence"), "fixtures/audit-reports"),
                   "--evidence-dir")


@pytest.mark.parametrize("kind", ["contract", "calendar"])
def test_yaml_with_a_day_that_does_not_exist(tmp_path, kind):
    if kind == "contract":
        path = tmp_path / "contract.yaml"
        path.write_text("id: x\ndate: 2025-13-02\n")
        done = invoke("contract", "check", str(path))
    else:
        path = tmp_path / "calendar.yaml"
        path.write_text("year: 2027\nholidays: [2027-13-01]\n")
        done = invoke("deadlines", "--as-of", "2027-01-10", "--calendar", str(path))
    one_error_line(done, str(path), "not a real day")


def test_assess_revenue_too_large_for_any_audit():
    one_error_line(invoke("assess", "--revenue", "1=" + "9" * 40), "--revenue 1=", "digits")


def test_penalty_with_a_huge_close_prints_the_figures(tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text("date,close\n2027-01-29,99999999999999999999999999999999\n")
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-01",
                   "--prices", str(prices))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "Exposure figure" in done.stdout


def test_a_failure_no_command_foresaw_is_still_one_line():
    code = (
        "import sys\n"
        "import compliance.rules.earnout as engine\n"
        "def broken(*args):\n    raise ZeroDivisionError('division by zero')\n"
        "engine.assess_all_readings = broken\n"
        "sys.argv = ['compliance', 'assess', '--revenue', '1=702345678.90']\n"
        "from compliance.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: unexpected ZeroDivisionError: division by zero"


@pytest.mark.parametrize("args, words", [
    (["assess", "--bogus"], ["No such option: --bogus", "compliance assess --help"]),
    (["penalty", "--year", "x"], ["'--year'", "compliance penalty --help"]),
    (["nosuch"], ["No such command 'nosuch'"]),
])
def test_typer_usage_errors_are_one_line_too(args, words):
    one_error_line(invoke(*args), *words)
