"""The `compliance` command line. Each area's commands live in compliance/commands/<area>.py."""

from __future__ import annotations

import signal
import sys

import typer

from compliance.cli import terminal

terminal.keep_to_our_words()  # before any library loads: some warn as they are imported

from compliance.cli.commands import (  # noqa: E402
    approval,
    confirmation,
    core,
    desk,
    extract,
    ledger,
    particulars,
    penalty,
    render,
    run,
    sending,
    signing,
)

app = typer.Typer(
    help="Earn-out escrow administration for the Kaixin SPA: extract audited revenue, apply SPA 5.2, "
    "and write signed-ready letters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for area in (core, extract, render, run, approval, confirmation, particulars, penalty, ledger, signing, sending,
             desk):
    area.register(app)


def _terminated(signum, frame) -> None:
    """SIGTERM (what `timeout`, systemd and docker send) ends a command as Ctrl-C does: transactions roll back,
    workers are stopped, the writer lock is released, and the command says how to finish."""
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = app(standalone_mode=False)  # typer's own usage errors come back here, to be one line
    except typer.TyperException as exc:  # unknown option, missing or malformed value: exit 2
        if exc.__class__.__name__ != "NoArgsIsHelpError":  # that one has printed the help already
            ctx = getattr(exc, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            print(f"error: {' '.join(exc.format_message().split()).rstrip('.')}{hint}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # last resort: a failure no command foresaw is still one line, exit 1
        from compliance.cli.commands.common import unexpected_line

        print(unexpected_line(exc), file=sys.stderr)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
