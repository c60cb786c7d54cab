"""Only our own words on a user's terminal: no library warning or log record before or after our lines, while a
deprecation in our own code still fails the suite (pyproject.toml, filterwarnings)."""

from __future__ import annotations

import warnings

import pytest
from helpers.cli import one_error_line, run_cli


def test_a_deprecation_in_our_own_code_fails_the_suite():
    code = compile("import warnings\nwarnings.warn('old way', DeprecationWarning)\n", "compliance/old.py", "exec")
    with pytest.raises(DeprecationWarning, match="old way"):
        exec(code, {"__name__": "compliance.old"})


def test_a_library_warning_stays_off_the_terminal_of_a_command(tmp_path):
    """`sign` loads pyHanko, whose import makes cryptography warn (DSA is deprecated), before it refuses a file."""
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    args = ("sign", str(pdf), "--field", "PartyA_Signature", "--key", str(tmp_path / "missing.p12"))
    asked_for = run_cli(*args, env={"PYTHONWARNINGS": "default"})  # a developer who asks still sees them
    assert "Warning" in asked_for.stderr, "this command no longer loads a library that warns: pick another"
    one_error_line(run_cli(*args))


def test_a_library_log_record_stays_off_the_terminal():
    """Without a root handler Python prints any library's WARNING record ("last resort"); the CLI installs one."""
    import logging

    from compliance.cli.terminal import keep_to_our_words

    root = logging.getLogger()
    saved_handlers, saved_filters = list(root.handlers), list(warnings.filters)
    try:
        root.handlers.clear()
        keep_to_our_words()
        assert root.handlers and all(isinstance(handler, logging.NullHandler) for handler in root.handlers)
    finally:
        root.handlers[:] = saved_handlers
        warnings.filters[:] = saved_filters
