"""Hostile input through the real CLI: every case gets its result or one named line, never 'unexpected', and
what a user or a file supplied is printed literally (no rich markup, no terminal escapes, no bidi tricks)."""

from __future__ import annotations

import shutil

from helpers.cli import REPO, invoke

FIXTURES = REPO / "fixtures" / "audit-reports"


def test_file_names_with_markup_escapes_and_emoji_codes_print_as_typed(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["[bold red]x.pdf", "[link=mailto:a@b.c]y.pdf", ":smiley:.pdf", "esc\x1b[31mred.pdf"]
    for name in names:
        shutil.copy(FIXTURES / "bad-truncated.pdf", inbox / name)
    done = invoke("run", str(inbox), "--out", str(tmp_path / "out"), "--as-of", "2027-01-20")
    assert done.returncode == 1, done.stderr
    assert "unexpected" not in done.stdout + done.stderr
    for shown in ("[bold red]x.pdf", "[link=mailto:a@b.c]y.pdf", ":smiley:.pdf", "esc\\x1b[31mred.pdf"):
        assert shown in done.stdout, shown
    assert "\x1b" not in done.stdout and "😃" not in done.stdout


def test_a_note_with_markup_never_breaks_the_event_log(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "y1-zh-yuan-two-columns.pdf", inbox)
    out = tmp_path / "out"
    assert invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20").returncode == 0
    db = str(out / "ledger.sqlite")
    noted = invoke("record", "dispute", "--year", "1", "--date", "2027-02-01", "--note", "[/] \u202eevil", "--db", db)
    assert noted.returncode == 0, noted.stderr
    events = invoke("ledger", "events", "--db", db)
    assert events.returncode == 0, events.stderr
    assert "[/] \\u202eevil" in events.stdout and "\u202e" not in events.stdout


# --- contract files that would produce wrong money or spoofed letters ------------------------------------
def _contract_text(**edits: str) -> str:
    from compliance.contract import BUILTIN_CONTRACT

    text = BUILTIN_CONTRACT.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


DAILY = "  daily_rate:\n    value: '0.0001'"
CAP = "  cap_rate:\n    value: '0.05'"
DAYS = "  days_after_year_end:\n    value: 60"
ACCOUNT = "      brokerage_account: null"
SHARES = "consideration_shares:\n  value: 15000000\n  reference: SPA 1.1, 2.2, 3.1\n"
CONTRACT_CASES = {
    "negative-daily-rate": ({DAILY: "  daily_rate:\n    value: '-0.0001'"},
                            "key 'penalty.daily_rate': must be between 0 and 1"),
    "huge-cap-rate": ({CAP: "  cap_rate:\n    value: '1e999999999'"},
                      "key 'penalty.cap_rate': must be between 0 and 1"),
    "huge-day-count": ({DAYS: "  days_after_year_end:\n    value: 99999999999"}, "key 'release.days_after_year_end"),
    "duplicate-key": ({SHARES: SHARES + "consideration_shares:\n  value: 20000000\n  reference: x\n"},
                      "key 'consideration_shares' is given twice (lines"),
    "bidi-account": ({ACCOUNT: '      brokerage_account: "1234\\u202e5678\\u202c"'},
                     "key 'parties.party_c.delivery.brokerage_account' holds the invisible character U+202E"),
    "nul-in-a-name": ({"  name: Kaixin Holdings": '  name: "Kaixin\\0 Holdings"'},
                      "holds the invisible character U+0000"),
}


def test_contract_files_that_would_print_wrong_money_or_spoofed_text_are_refused_with_one_line(tmp_path):
    for case, (edits, expected) in CONTRACT_CASES.items():
        path = tmp_path / f"{case}.yaml"
        path.write_text(_contract_text(**edits), encoding="utf-8")
        done = invoke("contract", "check", str(path))
        assert done.returncode == 2, (case, done.stdout)
        assert expected in done.stderr and done.stderr.count("\n") == 1, (case, done.stderr)
        assert "unexpected" not in done.stderr, case


def test_a_contract_nested_100000_deep_is_one_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    done = invoke("contract", "check", str(path))
    assert done.returncode == 2 and "unexpected" not in done.stderr and done.stderr.count("\n") == 1


# --- the output folder: inside the inbox, obstructed, moved -----------------------------------------------
def _one_report_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "y1-zh-yuan-two-columns.pdf", inbox)
    return inbox


def test_out_or_db_in_the_inbox_is_refused_before_anything_is_written(tmp_path):
    inbox = _one_report_inbox(tmp_path)
    for args in (("--out", str(inbox)), ("--out", str(tmp_path / "out"), "--db", str(inbox / "ledger.sqlite"))):
        done = invoke("run", str(inbox), *args, "--as-of", "2027-01-20")
        assert done.returncode == 2 and "would put the ledger and the summary in the inbox" in done.stderr
    assert sorted(p.name for p in inbox.iterdir()) == ["y1-zh-yuan-two-columns.pdf"]


def test_a_link_or_a_file_in_the_way_of_a_document_stops_that_year_before_it_is_recorded(tmp_path):
    import sqlite3

    inbox = _one_report_inbox(tmp_path)
    for case in ("dangling-link", "file-named-year-1"):
        out = tmp_path / case
        out.mkdir()
        if case == "dangling-link":
            (out / "year-1").mkdir()
            (out / "year-1" / "joint-instruction.pdf").symlink_to(tmp_path / "nowhere.pdf")
        else:
            (out / "year-1").write_text("not a folder")
        done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20")
        assert done.returncode == 1 and "unexpected" not in done.stdout + done.stderr, case
        assert "move it away and run again" in done.stdout, case
        kinds = [row[0] for row in sqlite3.connect(out / "ledger.sqlite").execute("SELECT kind FROM events")]
        assert "instructed" not in kinds, case


def test_a_moved_output_folder_still_restores_a_lost_assessment_report(tmp_path):
    inbox = _one_report_inbox(tmp_path)
    first = tmp_path / "first"
    assert invoke("run", str(inbox), "--out", str(first), "--as-of", "2027-01-20").returncode == 0
    report = (first / "year-1" / "assessment-report.pdf").read_bytes()
    moved = tmp_path / "moved" / "out"
    moved.parent.mkdir()
    first.rename(moved)
    (moved / "year-1" / "assessment-report.pdf").unlink()
    again = invoke("run", str(inbox), "--out", str(moved), "--as-of", "2027-01-20")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (moved / "year-1" / "assessment-report.pdf").read_bytes() == report
    assert "could not restore" not in again.stdout


# --- lesser cases: each one named line, exit 2, never 'unexpected' ----------------------------------------
PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"


def _one_line_refusal(done, expected: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert expected in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "unexpected" not in done.stderr


def test_odd_digits_dates_and_files_on_the_command_line_are_one_line(tmp_path):
    import os

    huge = tmp_path / "huge.csv"
    huge.write_text("date,close\n2027-01-29," + "9" * 4000 + "\n")
    fullwidth = tmp_path / "fullwidth.csv"
    fullwidth.write_text("date,close\n2027-01-29,４.１２\n", encoding="utf-8")
    fifo = tmp_path / "prices.fifo"
    os.mkfifo(fifo)
    penalty = ("penalty", "--year", "1", "--shares", "3000000", "--released-on")
    cases = [
        (("assess", "--revenue", "²=5"), "is not an Assessment Year"),
        (("assess", "--revenue", "1=٦٦٥٠٠٠٠٠٠"), "is not an amount in yuan"),
        ((*penalty, "9999-12-31", "--prices", str(PRICES)), "ten years past the last Assessment Year"),
        ((*penalty, "2027-03-01", "--prices", str(huge)), "is not a price"),
        ((*penalty, "2027-03-01", "--prices", str(fullwidth)), "is not a price"),
        ((*penalty, "2027-03-01", "--prices", str(fifo)), "not a regular file"),
        (("run", str(tmp_path), "--out", str(tmp_path / "out"), "--as-of", "2108-01-01"),
         "--as-of 2108-01-01 is after"),
    ]
    for args, expected in cases:
        _one_line_refusal(invoke(*args), expected)


def test_a_release_dated_9999_is_refused(tmp_path):
    inbox = _one_report_inbox(tmp_path)
    out = tmp_path / "out"
    assert invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20").returncode == 0
    done = invoke("record", "released", "--year", "1", "--date", "9999-12-31", "--db", str(out / "ledger.sqlite"))
    _one_line_refusal(done, "A release on 9999-12-31 is after")


def test_inbox_entries_that_are_not_reports_are_named_in_the_summary(tmp_path):
    import json
    import os

    inbox = _one_report_inbox(tmp_path)
    os.mkfifo(inbox / "pipe.pdf")
    (inbox / "folder.pdf").mkdir()
    (inbox / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (inbox / "loop.pdf").symlink_to(inbox / "loop.pdf")
    (inbox / ".hidden.pdf").write_bytes(b"%PDF-")
    out = tmp_path / "out"
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20")
    assert done.returncode == 0 and "unexpected" not in done.stdout + done.stderr
    skipped = {item["file"]: item["reason"] for item in json.loads((out / "summary.json").read_text())["skipped"]}
    assert set(skipped) == {"pipe.pdf", "folder.pdf", "dangling.pdf", "loop.pdf", ".hidden.pdf"}
    assert skipped["folder.pdf"] == "a folder" and "pipe" in skipped["pipe.pdf"]
    assert "skipped dangling.pdf: a symbolic link to nothing" in done.stdout
