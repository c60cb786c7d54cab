"""Opening a ledger for an operation: to read, or to write under its one-writer lock; either way checked to
belong to the contract in use. A refusal is a LedgerError (or LedgerBusy) with one plain sentence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compliance.contract import Contract
from compliance.ledger import DEFAULT_WAIT_SECONDS, Ledger, LedgerError, open_ledger, writer_lock


def _check_contract(ledger: Ledger, path: Path, contract: Contract) -> None:
    recorded = ledger.meta("contract_id")
    if recorded is not None and recorded != contract.id:
        raise LedgerError(f"{path} belongs to contract '{recorded}'; pass --contract with that contract")


@contextmanager
def open_to_read(path: Path, contract: Contract) -> Iterator[Ledger]:
    """An existing ledger, to read."""
    with open_ledger(path, create=False) as ledger:
        _check_contract(ledger, path, contract)
        yield ledger


@contextmanager
def open_to_write(path: Path, contract: Contract, *, what: str, wait: float = DEFAULT_WAIT_SECONDS) -> Iterator[Ledger]:
    """An existing ledger under its writer lock (`what` names the writer to one who has to wait)."""
    if not Path(path).exists():
        raise LedgerError(f"no ledger at {path}; run `compliance run INBOX --out DIR` first or pass --db")
    with writer_lock(path, what=what, wait=wait), open_ledger(path, create=False) as ledger:
        _check_contract(ledger, path, contract)
        yield ledger


@contextmanager
def open_to_create(path: Path, contract: Contract, *, what: str,
                   wait: float = DEFAULT_WAIT_SECONDS) -> Iterator[Ledger]:
    """A ledger made now, or the one already at `path`, under its writer lock (`compliance init`)."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"{folder}: cannot create the folder ({exc.strerror or exc.__class__.__name__})") from None
    with writer_lock(path, what=what, wait=wait), open_ledger(path) as ledger:
        _check_contract(ledger, path, contract)
        if ledger.meta("contract_id") is None:
            with ledger.transaction():
                ledger.set_meta({"contract_id": contract.id, "out_dir": "."})
        yield ledger
