"""`compliance sign FILE` (a PAdES signature into one of the letter's signature fields) and
`compliance verify FILE` (every signature: signer, time, field, intact, later changes, trusted).

Heavy imports (pyHanko, the ledger) stay inside the command functions so that `compliance --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from compliance.cli.commands.common import ContractOption, contract_or_exit, parse_date, usage_error
from compliance.cli.commands.run import WaitOption, ledger_errors


def sign(
    file: Path = typer.Argument(..., help="The letter (PDF) to sign.", show_default=False),
    field: str = typer.Option(..., "--field", help="The signature field: PartyA_Signature or PartyB_Signature.",
                              show_default=False),
    key: Path = typer.Option(None, "--key", help="The signatory's PKCS#12 key file (.p12 or .pfx).",
                             show_default=False),
    passphrase_file: Path = typer.Option(
        None, "--passphrase-file", show_default=False,
        help="File whose first line is the --key passphrase, or the token's user PIN with --pkcs11-lib "
             "(asked for when omitted at a terminal).",
    ),
    pkcs11_lib: Path = typer.Option(None, "--pkcs11-lib", show_default=False,
                                    help="The signing token's PKCS#11 module (.so), instead of --key."),
    slot: int = typer.Option(None, "--slot", show_default=False,
                             help="Which of the module's slots holds the token, counted from 0 (needed when it "
                                  "has more than one)."),
    key_label: str = typer.Option(None, "--key-label", show_default=False,
                                  help="Label of the key (and its certificate) on the token."),
    reason: str = typer.Option(None, "--reason", help="Why this is signed, written into the signature.",
                               show_default=False),
    location: str = typer.Option(None, "--location", help="Where it is signed, written into the signature.",
                                 show_default=False),
    timestamp_url: str = typer.Option(
        None, "--timestamp-url", show_default=False,
        help="An RFC 3161 timestamp server: the signature becomes PAdES B-T (B-B without it).",
    ),
    out: Path = typer.Option(
        None, "--out", show_default=False,
        help="Where to write the signed copy; it must not exist. Default, beside FILE: NAME.pdf -> "
             "NAME.signed.pdf, NAME.signed.pdf -> NAME.signed-2.pdf. FILE is never overwritten.",
    ),
    db: Path = typer.Option(None, "--db", show_default=False,
                            help="Ledger to record the signature in (who signed which document, when)."),
    on: str = typer.Option(None, "--on", show_default=False,
                           help="The date recorded in the ledger with --db (YYYY-MM-DD; default today)."),
    contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Sign FILE in an existing, unsigned signature field: a PAdES signature added as an incremental update,
    so the other party can sign afterwards. The signed copy stays PDF/A-2b."""
    import datetime as dt

    from compliance.operations.facade import SignRequest

    signing_key = _key(key, passphrase_file, pkcs11_lib, slot, key_label)
    request = SignRequest(field=field, reason=reason, location=location, timestamp_url=timestamp_url)
    on_date = (parse_date(on, "--on") or dt.date.today()) if db is not None else None
    if on is not None and db is None:
        usage_error("--on is the date recorded in the ledger: give --db too")
    from compliance.operations.signing import SignError, sign_document

    with ledger_errors(SignError):
        if db is None:
            outcome = sign_document(file, signing_key, request, out=out)
        else:
            from compliance.operations.access import open_to_write
            from compliance.operations.facade import DEFAULT_WAIT_SECONDS

            with open_to_write(db, contract_or_exit(contract), what="sign",
                         wait=DEFAULT_WAIT_SECONDS if wait is None else wait) as ledger:
                outcome = sign_document(file, signing_key, request, out=out, ledger=ledger, on=on_date)
    from compliance.cli.views.signing import print_signed

    print_signed(outcome)


def verify(
    file: Path = typer.Argument(..., help="The signed PDF.", show_default=False),
    trust: list[Path] = typer.Option(
        None, "--trust", show_default=False,
        help="A trusted root certificate (PEM or DER; repeatable). Only these are trusted.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
    db: Path = typer.Option(None, "--db", show_default=False,
                            help="Trust the roots an administrator set in this ledger (`compliance trust set`), "
                                 "as the review desk does, instead of --trust."),
    contract: Path = ContractOption,
) -> None:
    """Check every signature in FILE: signer, signing time, field, intact, what changed after it, trusted.

    Exit 0 when every signature is intact and trusted and nothing followed it but the signing of the letter's
    own empty signature fields; 1 otherwise (or when FILE has no signature), each failure named (a field
    added, content changed; a certificate expired, not yet valid, revoked, not for signing, or not under the
    given roots); 2 on a usage error."""
    from compliance.operations.signing import SignError, verify_document

    if db is not None and trust:
        usage_error("give either --trust FILE or --db LEDGER (whose trust roots are used), not both")
    with ledger_errors(SignError):
        if db is None:
            checks = verify_document(file, trust or [])
        else:
            from compliance.operations.access import open_to_read
            from compliance.operations.trust import TrustError, verify_with_ledger_roots

            with ledger_errors(TrustError), open_to_read(db, contract_or_exit(contract)) as ledger:
                try:
                    data = file.read_bytes()
                except OSError as exc:
                    usage_error(f"{file}: cannot read it ({exc.strerror or exc.__class__.__name__})")
                checks = verify_with_ledger_roots(ledger, data)
    from compliance.cli.views.signing import print_checks

    print_checks(file, checks, trusted_roots=bool(trust) or db is not None, json_output=json_output)
    raise typer.Exit(0 if checks and all(check.ok for check in checks) else 1)


def _key(key: Path | None, passphrase_file: Path | None, pkcs11_lib: Path | None, slot: int | None,
         key_label: str | None):
    from compliance.operations.facade import Pkcs11Key, Pkcs12Key

    if (key is None) == (pkcs11_lib is None):
        usage_error("give the signing key: --key KEY.p12, or --pkcs11-lib MODULE.so with --key-label")
    if key is not None:
        if slot is not None or key_label is not None:
            usage_error("--slot and --key-label are for a token (--pkcs11-lib), not for --key")
        secret = _secret(passphrase_file, f"Passphrase for {key}: ")
        return Pkcs12Key(key, secret.encode() if secret is not None else None)
    if key_label is None:
        usage_error("--pkcs11-lib: give --key-label, the label of the signing key on the token")
    return Pkcs11Key(pkcs11_lib, key_label, slot=slot, pin=_secret(passphrase_file, "Token PIN: "))


def _secret(path: Path | None, prompt: str) -> str | None:
    """The first line of --passphrase-file; at a terminal without it, asked for (never echoed)."""
    if path is None:
        if sys.stdin.isatty():
            import getpass

            return getpass.getpass(prompt)
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc.__class__.__name__
        usage_error(f"--passphrase-file {path}: cannot read it ({why})")
    return text.splitlines()[0] if text else ""


def register(app: typer.Typer) -> None:
    app.command("sign")(sign)
    app.command("verify")(verify)
