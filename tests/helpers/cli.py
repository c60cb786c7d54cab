"""The real command line: run as a user runs it (run_cli, a new process), or its entry point called in the test's
own process (invoke), which saves the start of an interpreter and its imports on every call."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None):
    """Run `python -m compliance ARGS` as a user would; returns the CompletedProcess (text)."""
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True, text=True, input=input, cwd=cwd or REPO, env=full_env, timeout=600,
    )


def invoke(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None):
    """`compliance ARGS` through its entry point (compliance.cli.main) in this process, with what run_cli gives
    the new process: the arguments, the environment (COLUMNS=120 plus `env`), the working folder (the
    repository), `input` as stdin; stdout and stderr captured, the exit code from SystemExit. Returns a
    CompletedProcess (text) like run_cli's. What main changes for the process (argv, the SIGTERM handler) and
    what this sets up are put back afterwards.

    For tests that read what a command prints and what it leaves. A test about the process itself (start-up,
    signals, kills, what the interpreter prints before our code runs, warnings a new interpreter shows) uses
    run_cli."""
    from compliance.cli import main

    argv = ["compliance", *args]
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, sys.modules.get("__main__"), dict(os.environ),
             os.getcwd(), signal.getsignal(signal.SIGTERM))
    # what `python -m compliance` has: its __main__ in the package (click names the program after it)
    entry = types.ModuleType("__main__")
    entry.__package__, entry.__file__ = "compliance", str(REPO / "compliance" / "__main__.py")
    try:
        os.environ.update({"COLUMNS": "120", **(env or {})})
        os.chdir(cwd or REPO)
        sys.argv, sys.modules["__main__"] = [entry.__file__, *args], entry
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), stdout, stderr
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if not isinstance(exit_.code, (int, type(None))):
                print(exit_.code, file=stderr)
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr, main_module, environ, cwd_before, on_term = saved
        if main_module is not None:
            sys.modules["__main__"] = main_module
        os.chdir(cwd_before)
        os.environ.clear()
        os.environ.update(environ)
        if on_term is not None:
            signal.signal(signal.SIGTERM, on_term)
    return subprocess.CompletedProcess(argv, code, stdout.getvalue(), stderr.getvalue())


def one_error_line(done, *words: str) -> str:
    """A refusal as a user sees it: exit 2, no traceback, one `error: ...` line holding each of `words`."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]
