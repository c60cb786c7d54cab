"""Hostile input through the real CLI: every case gets its result or one named line, never 'unexpected', and
what a user or a file supplied is printed literally (no rich markup, no terminal escapes, no bidi tricks)."""

from __future__ import annotations

import shutil

from helpers.cli import REPO, run_cli

FIXTURES = REPO / "fixtures" / "audit-reports"


def test_file_names_with_markup_escapes_and_emoji_codes_print_as_typed(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["[bold red]x.pdf", "[link=mailto:a@b.c]y.pdf", ":smiley:.pdf", "esc\x1b[31mred.pdf"]
    for name in names:
        shutil.copy(FIXTURES / "bad-truncated.pdf", inbox / name)
    done = run_cli("run", str(inbox), "--out", str(tmp_path / "out"), "--as-of", "2027-01-20")
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
    assert run_cli("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20").returncode == 0
    db = str(out / "ledger.sqlite")
    noted = run_cli("record", "dispute", "--year", "1", "--date", "2027-02-01", "--note", "[/] \u202eevil", "--db", db)
    assert noted.returncode == 0, noted.stderr
    events = run_cli("ledger", "events", "--db", db)
    assert events.returncode == 0, events.stderr
    assert "[/] \\u202eevil" in events.stdout and "\u202e" not in events.stdout
