"""What each signature in a PDF says, checked with pyHanko: who signed, when, in which field, whether the
signed bytes are intact, what the file gained after it, and whether the signer chains to a trusted root.

After a signature, filling another signature field is allowed (PAdES, ETSI EN 319 142-1, 5.4; ISO 32000-2,
12.8.2.2 on incremental updates); anything else added later (an annotation, changed content) is flagged.
Only the given roots are trusted: the system's are never used, so "trusted" means trusted by the parties.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compliance.documents.pdf_update import PdfUnusable, read_pdf

ALLOWED_LATER_CHANGES = ("none", "validation data", "form filling")


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str | None
    signed_at: dt.datetime | None  # the time the signer's software claims (PAdES B-B)
    timestamped_at: dt.datetime | None  # the time a timestamp authority attests (PAdES B-T), if any
    level: str  # "PAdES B-B", "PAdES B-T", or the SubFilter when it is not PAdES
    intact: bool
    whole_file: bool
    later_changes: str  # "none", "validation data", "form filling", "annotations", "other changes"
    trusted: bool
    timestamp_ok: bool | None = None  # the timestamp token intact and its authority trusted; None: no token
    problem: str | None = None  # why it could not be checked at all

    @property
    def ok(self) -> bool:
        return (self.intact and self.trusted and self.timestamp_ok is not False
                and self.later_changes in ALLOWED_LATER_CHANGES)


class TrustRootError(ValueError):
    """A --trust file that holds no certificate; str() is one plain sentence."""


def load_trust_roots(paths: Sequence[Path]) -> list:
    from pyhanko.keys import load_certs_from_pemder_data

    roots = []
    for path in paths:
        try:
            found = list(load_certs_from_pemder_data(path.read_bytes()))
        except OSError as exc:
            raise TrustRootError(f"--trust {path}: cannot read it ({exc.strerror or exc.__class__.__name__})") \
                from None
        except Exception:  # asn1crypto raises whatever its parser hit
            found = []
        if not found:
            raise TrustRootError(f"--trust {path}: holds no certificate (PEM or DER)")
        roots.extend(found)
    return roots


def check_signatures(pdf: bytes, trust_roots: Sequence) -> list[SignatureCheck]:
    """One SignatureCheck per signature, in signing order; raises PdfUnusable for a file that is no PDF."""
    # pyHanko logs each finding (an untrusted chain, a broken digest) with a traceback; the findings are the
    # result here, so its log stays quiet rather than printing tracebacks at the user.
    logging.getLogger("pyhanko").addHandler(logging.NullHandler())
    logging.getLogger("pyhanko").propagate = False
    reader = read_pdf(pdf)
    try:
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a signature dictionary pyHanko cannot parse
        raise PdfUnusable(f"its signatures cannot be read ({' '.join(str(exc).split())})") from None
    return [_check(signature, trust_roots) for signature in embedded]


def _check(signature, trust_roots: Sequence) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    field = signature.field_name
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=list(trust_roots)))
    except Exception as exc:  # a damaged signature is a finding, not a crash
        return SignatureCheck(field, None, None, None, _level(signature, None), False, False, "other changes",
                              False, problem=" ".join(str(exc).split()) or exc.__class__.__name__)
    timestamp = status.timestamp_validity
    return SignatureCheck(
        field=field,
        signer=signer_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        timestamped_at=timestamp.timestamp if timestamp is not None and timestamp.intact else None,
        level=_level(signature, timestamp),
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        later_changes=_later_changes(status.modification_level),
        trusted=bool(status.trusted),
        timestamp_ok=bool(timestamp.intact and timestamp.trusted) if timestamp is not None else None,
    )


def signer_name(certificate) -> str | None:
    """The certificate subject's common name (the person), else its whole subject."""
    if certificate is None:
        return None
    return certificate.subject.native.get("common_name") or certificate.subject.human_friendly


def _level(signature, timestamp) -> str:
    subfilter = str(signature.sig_object.get("/SubFilter", "")).lstrip("/")
    if subfilter != "ETSI.CAdES.detached":
        return subfilter or "unknown"
    return "PAdES B-T" if timestamp is not None else "PAdES B-B"


def _later_changes(level) -> str:
    names = {"NONE": "none", "LTA_UPDATES": "validation data", "FORM_FILLING": "form filling",
             "ANNOTATIONS": "annotations"}
    return names.get(level.name, "other changes") if level is not None else "other changes"
