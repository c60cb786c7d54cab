"""Whether a signed PDF is a given letter with signatures added, and what its signature fields hold.

A signed copy of an approved final is that final, byte for byte, followed by incremental updates (PAdES:
each signature is one) that do nothing but sign the final's own empty signature fields. `beyond_signing`
judges every revision after the final's last one with the same difference policy `compliance verify` applies
after a signature (verification.letter_diff_policy: only an existing, unsigned signature field may be filled),
so an update made *before* the first signature (a changed figure, then signed) is caught as well as one after.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from compliance.documents.pdf_update import PdfUnusable, read_pdf
from compliance.documents.verification import letter_diff_policy, signer_name
from compliance.values.digest import sha256_hex


@dataclass(frozen=True)
class FieldState:
    name: str
    signed: bool


@dataclass(frozen=True)
class SignedField:
    field: str
    signer: str | None  # the certificate subject's common name
    subject: str | None  # the signer's certificate subject, whole ("Common Name: ..., Organization: ...")


def signature_fields(pdf: bytes) -> list[FieldState]:
    """The letter's signature fields, in the file's order, and whether each is signed."""
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = read_pdf(pdf)
    return [FieldState(str(name), value is not None) for name, value, _ in enumerate_sig_fields(reader)]


def signed_fields(pdf: bytes) -> list[SignedField]:
    """Each embedded signature's field and signer, in signing order."""
    reader = read_pdf(pdf)
    try:
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a signature dictionary pyHanko cannot parse
        raise PdfUnusable(f"its signatures cannot be read ({' '.join(str(exc).split())})") from None
    found = []
    for signature in embedded:
        try:
            certificate = signature.signer_cert
        except Exception:  # noqa: BLE001 (no certificate to name: the verification says why)
            certificate = None
        subject = certificate.subject.human_friendly if certificate is not None else None
        found.append(SignedField(str(signature.field_name), signer_name(certificate), subject))
    return found


@functools.cache
def _signing_policy():
    """The letter's difference policy (verification.letter_diff_policy) judging from the unsigned final on: the
    same rules, and the form's /SigFlags may change too, as the first signature of a file sets them
    (SignaturesExist, AppendOnly; ISO 32000-2, 12.7.3)."""
    from pyhanko.sign.diff_analysis import FormUpdatingRule, StandardDiffPolicy
    from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON

    letter = letter_diff_policy()
    form = FormUpdatingRule(field_rules=list(letter.form_rule.field_rules),
                            ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"})
    return StandardDiffPolicy(global_rules=list(letter.global_rules), form_rule=form)


def beyond_signing(final: bytes, signed: bytes) -> str | None:
    """None when `signed` is `final` with nothing after it but the signing of `final`'s empty signature fields;
    otherwise what else it is or holds, as a phrase ("it is not this letter's approved final ...")."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    if not signed.startswith(final):
        return "it is not a signed copy of this letter's approved final (its content is not the final's)"
    base = read_pdf(final).xrefs.total_revisions - 1
    reader = read_pdf(signed)
    try:
        result = _signing_policy().review_file(reader, base)
    except Exception as exc:  # noqa: BLE001 (a revision pyHanko cannot compare is not a plain signing)
        return f"its changes after the approved final cannot be analysed ({' '.join(str(exc).split())})"
    if not isinstance(result, DiffResult):
        detail = getattr(result, "detail", None)
        return f"something besides signatures was added to the approved final ({detail or 'its content changed'})"
    if result.modification_level > ModificationLevel.FORM_FILLING:
        return "annotations or other content were added to the approved final besides the signatures"
    empty = {state.name for state in signature_fields(final) if not state.signed}
    other = sorted(set(result.changed_form_fields) - empty)
    if other:
        return f"field {', '.join(other)} was changed, and only the final's empty signature fields may be signed"
    return None


@dataclass(frozen=True)
class RootFacts:
    subject: str
    sha256: str  # of the certificate's DER bytes
    not_after: str  # ISO date and time, UTC
    pem: str


def root_certificates(data: bytes) -> list[RootFacts]:
    """The certificates a PEM or DER file holds (a trust root, or several), as the ledger keeps them; an empty
    list when it holds none."""
    from asn1crypto import pem as pem_armor
    from pyhanko.keys import load_certs_from_pemder_data

    try:
        found = list(load_certs_from_pemder_data(data))
    except Exception:  # noqa: BLE001 (asn1crypto raises whatever its parser hit)
        return []
    facts = []
    for certificate in found:
        der = certificate.dump()
        text = pem_armor.armor("CERTIFICATE", der).decode("ascii")
        facts.append(RootFacts(certificate.subject.human_friendly, sha256_hex(der),
                               certificate.not_valid_after.isoformat(), text))
    return facts


def certificates_of(pems: list[str]) -> list:
    """The certificates the ledger keeps as PEM text, to trust (verification.check_signatures)."""
    from pyhanko.keys import load_certs_from_pemder_data

    return [certificate for text in pems for certificate in load_certs_from_pemder_data(text.encode("ascii"))]
