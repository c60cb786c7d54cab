"""The trust roots a signed letter's signatures must chain to, set by an administrator and kept in the ledger.

`compliance verify --trust FILE` takes its roots from the command line each time. A signed copy uploaded to the
desk, or recorded with `compliance record-signed`, is checked against the roots the ledger holds: an
administrator sets them (`set_trust_roots`: the desk's Trust roots form, `compliance trust set`), and the
certificates themselves, as PEM text, go into the hash-chained `trust_roots_set` event with who set them and
when. The latest such event is in force; nothing else (no file on disk, not the system's roots) is trusted.
A refusal is a TrustError with one plain sentence; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from compliance.documents.signed_copy import RootFacts, certificates_of, root_certificates
from compliance.ledger import Event, Ledger
from compliance.operations.accounts import AccountError, check_may

MAX_ROOTS = 20


class TrustError(ValueError):
    """Trust roots that cannot be set as given; str() is one plain sentence."""


@dataclass(frozen=True)
class TrustRoots:
    roots: tuple[RootFacts, ...]
    set_by: str | None
    set_at: str | None  # ISO moment, UTC
    event: int | None

    @property
    def certificates(self) -> list:
        return certificates_of([root.pem for root in self.roots])


def trust_roots(ledger: Ledger) -> TrustRoots:
    """The roots in force: those of the latest `trust_roots_set` event (none before an administrator sets them)."""
    events = ledger.events(kinds=("trust_roots_set",))
    if not events:
        return TrustRoots((), None, None, None)
    latest = events[-1]
    roots = tuple(RootFacts(r["subject"], r["sha256"], r["not_after"], r["pem"]) for r in latest.data["roots"])
    return TrustRoots(roots, latest.data.get("by"), latest.data.get("at"), latest.seq)


def set_trust_roots(ledger: Ledger, files: Sequence[tuple[str, bytes]], *, by: str, at: dt.datetime) -> Event:
    """Replace the roots in force with the certificates in `files` ((name, PEM or DER bytes) each), as the
    administrator `by` (the caller proved who they are) at `at`."""
    try:
        check_may(ledger, by, "set_trust_roots")
    except AccountError as exc:
        raise TrustError(str(exc)) from None
    if not files:
        raise TrustError("choose at least one certificate file (PEM or DER) of a root the parties' signing "
                         "certificates are issued under")
    roots: dict[str, RootFacts] = {}
    for name, data in files:
        found = root_certificates(data)
        if not found:
            raise TrustError(f"{name} holds no certificate (PEM or DER); nothing was changed")
        roots.update((root.sha256, root) for root in found)
    if len(roots) > MAX_ROOTS:
        raise TrustError(f"{len(roots)} certificates were given; at most {MAX_ROOTS} roots are kept")
    current = trust_roots(ledger)
    if {root.sha256 for root in current.roots} == set(roots):
        raise TrustError("these are already the trust roots in force; nothing was changed")
    with ledger.transaction():
        return ledger.add_event("trust_roots_set", year=None, on_date=at.date(), data={
            "by": by, "at": at.isoformat(timespec="seconds"),
            "roots": [{"subject": r.subject, "sha256": r.sha256, "not_after": r.not_after, "pem": r.pem}
                      for r in roots.values()]})


def verify_with_ledger_roots(ledger: Ledger, pdf: bytes) -> list:
    """`compliance verify --db`: every signature of `pdf` checked against the roots the ledger holds
    (verification.check_signatures, as for a signed copy uploaded to the desk)."""
    from compliance.documents.pdf_update import PdfUnusable
    from compliance.documents.verification import check_signatures

    roots = trust_roots(ledger)
    if not roots.roots:
        raise TrustError("the ledger holds no trust roots yet; an administrator sets them with `compliance trust "
                         "set`, or give --trust FILE")
    try:
        return check_signatures(pdf, roots.certificates)
    except PdfUnusable as exc:
        raise TrustError(f"the file cannot be used: {exc}") from None
