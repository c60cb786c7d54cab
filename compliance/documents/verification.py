"""What each signature in a PDF says, checked with pyHanko: who signed, when, in which field, whether the
signed bytes are intact, what the file gained after it, and whether the signer chains to a trusted root.

After a signature, the only change allowed is the filling of the letter's own signature fields that were
empty when it was signed (PAdES, ETSI EN 319 142-1, 5.4; ISO 32000-2, 12.8.2.2 on incremental updates), plus
validation data (a DSS). pyHanko's difference analysis judges every later revision against the signed one
with a policy of exactly that (letter_diff_policy): its standard rules for the file structure, metadata and
DSS, and for the form only "an existing, unsigned signature field is signed". A new field (even an unsigned
signature field, whose appearance can paint over the letter's text), a deleted one, an annotation, a changed
value or changed content is "other changes", and the check fails.

Only the given roots are trusted: the system's are never used, so "trusted" means trusted by the parties. A
signature that is not trusted says why (trust_problem): the signer's certificate expired or not yet valid at
the validation time, revoked (where revocation data is known), without a key usage for signing, or not issued
under any of the given roots.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compliance.documents.pdf_update import PdfUnusable, read_pdf
from compliance.documents.signing_keys import SIGNING_KEY_USAGES, utc_text

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
    changes_detail: str | None = None  # what the not-allowed later change is, when known (a field added)
    # why it is not trusted: "expired", "not yet valid", "revoked", "key usage", "untrusted root", "other"
    trust_problem: str | None = None
    trust_detail: str | None = None  # the same as a sentence's part, with the certificate's dates

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
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    field = signature.field_name
    try:
        status = validate_pdf_signature(
            signature, ValidationContext(trust_roots=list(trust_roots)), diff_policy=letter_diff_policy(),
            key_usage_settings=KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES)))
    except Exception as exc:  # a damaged signature is a finding, not a crash
        return SignatureCheck(field, None, None, None, _level(signature, None), False, False, "other changes",
                              False, problem=" ".join(str(exc).split()) or exc.__class__.__name__)
    timestamp = status.timestamp_validity
    later, detail = _later_changes(signature, status.diff_result)
    trusted = bool(status.trusted)
    problem, why = (None, None) if trusted or not trust_roots else _trust_problem(status)
    if problem in ("expired", "not yet valid") and not _trusted_in_any_period(signature, trust_roots):
        why += "; nor does its certificate chain lead to any of the given roots"
    return SignatureCheck(
        field=field,
        signer=signer_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        timestamped_at=timestamp.timestamp if timestamp is not None and timestamp.intact else None,
        level=_level(signature, timestamp),
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        later_changes=later,
        trusted=trusted,
        timestamp_ok=bool(timestamp.intact and timestamp.trusted) if timestamp is not None else None,
        changes_detail=detail,
        trust_problem=problem,
        trust_detail=why,
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


@functools.cache
def letter_diff_policy():
    """pyHanko's standard difference policy with one change: of its form rules only the signing of an
    existing signature field (SigFieldModificationRule; a field signed before must stay as it was), and a
    rule that refuses any field added or deleted. Its default also allows creating signature fields
    (SigFieldCreationRule: the painted-over figure of issue 28) and changing other fields' values."""
    from pyhanko.sign.diff_analysis import (
        DEFAULT_DIFF_POLICY,
        FieldMDPRule,
        FormUpdatingRule,
        SigFieldModificationRule,
        StandardDiffPolicy,
        SuspiciousModification,
    )

    class SameFields(FieldMDPRule):
        """The form has exactly the fields it had when signed (by fully qualified name)."""

        def apply(self, context):
            specs = context.field_specs.items()
            added = sorted(name for name, spec in specs if spec.old_field_ref is None)
            deleted = sorted(name for name, spec in specs if spec.new_field_ref is None)
            if added or deleted:
                found = SuspiciousModification(f"fields added {added}, deleted {deleted}")
                parts = [f"field {', '.join(names)} {what} after it"
                         for names, what in ((added, "added"), (deleted, "deleted")) if names]
                found.detail = "; ".join(parts)  # what _later_changes shows
                raise found
            return ()

    return StandardDiffPolicy(global_rules=list(DEFAULT_DIFF_POLICY.global_rules),
                              form_rule=FormUpdatingRule(field_rules=[SameFields(), SigFieldModificationRule()]))


def _later_changes(signature, diff_result) -> tuple[str, str | None]:
    """What the revisions after the signed one did, by the policy's verdict, and what exactly when known. A
    field filled afterwards must also be one of the signature fields that were empty in the signed revision."""
    from pyhanko.sign.diff_analysis import DiffResult
    from pyhanko.sign.fields import enumerate_sig_fields

    if not isinstance(diff_result, DiffResult):  # a SuspiciousModification (None: not analysed)
        detail = getattr(diff_result, "detail", None)
        return "other changes", detail or "content, an annotation or another part of the file changed after it"
    filled = set(diff_result.changed_form_fields)
    if filled:
        signed_revision = signature.reader.get_historical_resolver(signature.signed_revision)
        empty = {name for name, value, _ in enumerate_sig_fields(signed_revision) if value is None}
        if not filled <= empty:
            return "other changes", f"field {', '.join(sorted(filled - empty))} changed after it"
    names = {"NONE": "none", "LTA_UPDATES": "validation data", "FORM_FILLING": "form filling",
             "ANNOTATIONS": "annotations"}
    return names.get(diff_result.modification_level.name, "other changes"), None


def _trust_problem(status) -> tuple[str, str]:
    """Why a signature is not trusted by the given roots: (kind, what it is, with the certificate's dates).
    The signer's own certificate is judged first (revoked, its validity period at the validation time, its key
    usage); then the chain pyHanko could not build or check to a given root."""
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator.errors import InvalidCertificateError

    cert, indication = status.signing_cert, status.trust_problem_indic
    indication = indication.name if indication is not None else ""
    at = status.validation_time or dt.datetime.now(dt.UTC)
    valid = f"valid from {utc_text(cert.not_valid_before)} to {utc_text(cert.not_valid_after)}"
    if status.revoked:
        details = status.revocation_details
        whose = "a certificate in its chain" if details.ca_revoked else "the signer's certificate"
        return "revoked", f"{whose} was revoked on {utc_text(details.revocation_date)}"
    if indication.startswith("REVOKED"):
        return "revoked", "the signer's certificate or one in its chain was revoked"
    if at > cert.not_valid_after:
        return "expired", f"the signer's certificate expired on {utc_text(cert.not_valid_after)} ({valid})"
    if at < cert.not_valid_before:
        return "not yet valid", \
            f"the signer's certificate is not valid until {utc_text(cert.not_valid_before)} ({valid})"
    try:
        KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES)).validate(cert)
    except InvalidCertificateError:
        return "key usage", "the signer's certificate does not allow signing (its key usage has neither " \
                            "digital signature nor non-repudiation)"
    if indication in ("NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE", ""):
        return "untrusted root", "its certificate chain leads to none of the given roots"
    if indication in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return "expired", "a certificate in its chain is outside its validity period"
    return "other", f"its certificate chain failed the check ({indication.lower().replace('_', ' ')})"


def _trusted_in_any_period(signature, trust_roots: Sequence) -> bool:
    """Whether the signer chains to the given roots when validity periods are set aside (pyHanko's own
    validation with a time tolerance of centuries): tells a wrong root from an expired certificate alone."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(trust_roots), time_tolerance=dt.timedelta(days=365 * 200))
    try:
        status = validate_pdf_signature(signature, context, skip_diff=True,
                                        key_usage_settings=KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES)))
    except Exception:  # noqa: BLE001 (only a refinement of a finding already made)
        return True
    return bool(status.trusted)

