"""`compliance serve`: the review desk on the ledger of an output folder (compliance.desk, run by uvicorn)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from compliance.cli.commands.common import AsOfOption, ContractOption, parse_date, usage_error

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    out: Path = typer.Option(Path("output"), "--out", help="The output folder of `compliance run` (its ledger)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; only this machine by default."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    as_of: str = AsOfOption,
    max_upload_mb: int = typer.Option(100, "--max-upload-mb", min=1, max=1024,
                                      help="Largest audit report the Inbox accepts, in MB."),
    secure_cookie: bool = typer.Option(False, "--secure-cookie",
                                       help="Behind a TLS proxy: a Secure __Host- session cookie, and HSTS."),
    allowed_host: list[str] = typer.Option(None, "--allowed-host", show_default=False,
                                           help="A host name the desk is reached by, besides this machine's "
                                                "(repeatable; requests naming any other host are refused)."),
    proxy_headers: str = typer.Option(None, "--proxy-headers", show_default=False,
                                      help="The address of the TLS proxy in front of the desk: only its "
                                           "X-Forwarded-For is believed (by default no forwarded header is)."),
    contract: Path = ContractOption,
) -> None:
    """Open the review desk: pages over the ledger, uploads, four-eyes approval. Stop it with Ctrl-C."""
    import uvicorn

    from compliance.desk import LOOPBACK_HOSTS, DeskSettings, create_app
    from compliance.operations.facade import ContractError

    if not (out / "ledger.sqlite").is_file():
        usage_error(f"--out {out}: no ledger.sqlite there; run `compliance run INBOX --out {out}` (or `make demo`) "
                    "first")
    hosts = tuple(dict.fromkeys([*LOOPBACK_HOSTS, host, *(allowed_host or [])]))
    settings = DeskSettings(out_dir=out.resolve(), as_of=parse_date(as_of, "--as-of"), contract_path=contract,
                            max_upload_mb=max_upload_mb, secure_cookie=secure_cookie, allowed_hosts=hosts)
    try:
        app = create_app(settings)
    except ContractError as exc:
        usage_error(str(exc))
    if host not in LOOPBACK:
        print(f"warning: the desk serves plain HTTP on {host}, reachable from other machines; put it behind a "
              "TLS proxy and pass --secure-cookie", file=sys.stderr)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Review desk on http://{shown}:{port}/ for {out / 'ledger.sqlite'}"
               + (f" (as of {settings.as_of})" if settings.as_of else "") + "; press Ctrl-C to stop.")
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which lets any local client choose the address
    # the sign-in throttle counts: only a named proxy is believed.
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="off", server_header=False,
                date_header=False, proxy_headers=proxy_headers is not None,
                forwarded_allow_ips=proxy_headers or "")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
