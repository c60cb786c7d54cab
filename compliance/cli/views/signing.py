"""What `compliance sign` and `compliance verify` print: the signed copy, and each signature's check."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from compliance.cli.views.common import printable


def print_signed(outcome) -> None:
    when = outcome.signed_at.isoformat(timespec="seconds")
    typer.echo(printable(f"Signed {outcome.field} as {outcome.signer} at {when}"))
    typer.echo(printable(f"Wrote {outcome.written}"))
    if outcome.event is not None:
        event = outcome.event
        typer.echo(printable(f"Recorded event {event.seq}: signature {event.data['order']} on document "
                             f"{event.data['document_id']} ({event.on_date})."))


def _time(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _changes(check) -> str:
    if check.whole_file:
        return "covers the whole file"
    if check.later_changes in ("form filling", "validation data"):
        return f"later changes: {check.later_changes} only (allowed)"
    detail = f": {check.changes_detail}" if check.changes_detail else ""
    return f"later changes: {check.later_changes} (NOT ALLOWED{detail})"


def _trust(check, trusted_roots: bool) -> str:
    if check.trusted:
        return "trusted"
    if not trusted_roots:
        return "NOT TRUSTED: no --trust root given"
    if check.trust_problem in (None, "untrusted root"):
        return "NOT TRUSTED by the given roots (its certificate chain leads to none of them)"
    return f"NOT TRUSTED: {check.trust_detail}"


def print_checks(file: Path, checks, *, trusted_roots: bool, json_output: bool) -> None:
    if json_output:
        signatures = [
            {"field": c.field, "signer": c.signer, "signed_at": _time(c.signed_at),
             "timestamped_at": _time(c.timestamped_at), "level": c.level, "intact": c.intact,
             "whole_file": c.whole_file, "later_changes": c.later_changes, "trusted": c.trusted,
             "timestamp_ok": c.timestamp_ok, "problem": c.problem, "changes_detail": c.changes_detail,
             "trust_problem": c.trust_problem, "trust_detail": c.trust_detail, "ok": c.ok}
            for c in checks
        ]
        ok = bool(checks) and all(c.ok for c in checks)
        typer.echo(json.dumps({"file": str(file), "ok": ok, "signatures": signatures}, indent=2, ensure_ascii=False))
        return
    if not checks:
        typer.echo(printable(f"{file}: no signatures"))
        return
    for number, check in enumerate(checks, start=1):
        typer.echo(printable(f"Signature {number}: {check.field}, signed by {check.signer or 'unknown'}"))
        timestamp = f"; timestamp {_time(check.timestamped_at)}" if check.timestamped_at else ""
        if check.timestamp_ok is False:
            timestamp += " (TIMESTAMP NOT VALID or its authority not trusted)"
        typer.echo(printable(f"  signing time {_time(check.signed_at) or 'not stated'}{timestamp}; {check.level}"))
        if check.problem:
            typer.echo(printable(f"  could not be checked: {check.problem}"))
        intact = "intact" if check.intact else "NOT INTACT: the signed bytes were changed"
        typer.echo(printable(f"  {intact}; {_changes(check)}"))
        typer.echo(printable(f"  {_trust(check, trusted_roots)}"))
    verdict = "every signature is intact and trusted" if all(c.ok for c in checks) else "NOT all signatures hold"
    typer.echo(printable(f"{file}: {verdict}"))
