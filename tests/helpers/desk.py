"""A review desk over a real ledger, for the HTTP and browser tests: a real run (the real extractor and
renderer) on the year-1 fixture with every open item filled, three accounts, and the desk's clock fixed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from compliance.desk import DeskSettings, create_app
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.run import RunOptions, run
from helpers.cli import REPO
from helpers.contracts import filled_contract

YEAR_1_REPORT = REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf"
YEAR_1_REVENUE = "702,345,678.90"  # fixtures/truth.yaml
AS_OF = dt.date(2027, 1, 20)  # after the report's date (15 January 2027), before the deadline (29 January)
NOW = dt.datetime(2027, 1, 20, 9, 30, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
ACCOUNTS = (("paula", "preparer"), ("alice", "approver"), ("bob", "approver"), ("victor", "viewer"))


def make_ledger(folder: Path, *, with_report: bool, prepared_by: str = "paula") -> tuple[Path, Path]:
    """(output folder, filled contract): a run on an inbox holding the year-1 report (or nothing), its documents
    prepared by `prepared_by`, then the accounts. Without the report the ledger is empty but for the accounts:
    the desk's upload fills it."""
    inbox = folder / "inbox-for-run"
    inbox.mkdir(parents=True)
    if with_report:
        shutil.copy(YEAR_1_REPORT, inbox)
    contract = filled_contract(folder / "filled.yaml")
    out = folder / "out"
    run(RunOptions(inbox=inbox, out_dir=out, as_of=AS_OF, contract_path=contract, prepared_by=prepared_by, workers=1))
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in ACCOUNTS:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AS_OF)
    return out, contract


class FakeMonotonic:
    """The desk's monotonic clock, moved by the test (session idle time, the sign-in throttle)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def desk_app(out: Path, contract: Path, *, monotonic=None, max_upload_mb: int = 100, secure_cookie: bool = False):
    return create_app(DeskSettings(out_dir=out, as_of=AS_OF, contract_path=contract, max_upload_mb=max_upload_mb,
                                   upload_wait_seconds=None,
                                   clock=lambda: NOW, monotonic=monotonic or FakeMonotonic(),
                                   secure_cookie=secure_cookie))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the real form (GET /login for its token, then POST); returns the POST's response."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "name": name, "password": password, "next": "/overview"})
