"""A PAdES baseline signature into an existing, unsigned signature field, keeping the letter PDF/A-2b.

- PAdES (ETSI EN 319 142-1): SubFilter ETSI.CAdES.detached, SHA-256, the signing certificate bound by a
  signed attribute; B-B, or B-T when a timestamp server (RFC 3161) adds a signature timestamp.
- An incremental update (ISO 32000-2, 7.5.6): the bytes signed before stay exactly as they were, so Party B
  signs after Party A without invalidating Party A's signature (filling a form field is allowed after it).
- PDF/A-2b (ISO 19005-2): the appearance is set in the letters' own font, embedded (signature_font), with
  no transparency; /Info and the XMP packet stay unchanged and agree (pdf_update).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance.documents.pdf_update import metadata_keeping_writer, read_pdf
from compliance.documents.signature_font import FontMissing, signature_font_engine
from compliance.documents.signing_keys import Pkcs11Key, Pkcs12Key, SigningError, check_certificate, open_signer

APPEARANCE_TEXT = "Digitally signed by %(signer)s\n%(ts)s"


@dataclass(frozen=True)
class SignatureField:
    name: str
    signed: bool


@dataclass(frozen=True)
class SignRequest:
    """What goes into the signature besides the key: the field, the reason and place, a timestamp server."""

    field: str
    reason: str | None = None
    location: str | None = None
    timestamp_url: str | None = None


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    field: str
    signer: str  # the signing certificate's common name
    signed_at: dt.datetime  # the signing time written into the signature (/M): the moment of signing


def signature_fields(pdf: bytes) -> list[SignatureField]:
    """The file's signature fields in document order; raises PdfUnusable for a file that is not a PDF."""
    from pyhanko.sign.fields import enumerate_sig_fields

    return [SignatureField(name, value is not None) for name, value, _ in enumerate_sig_fields(read_pdf(pdf))]


def check_field(pdf: bytes, field: str) -> None:
    """The field must exist and be unsigned; the refusal names the fields the file has (PdfUnusable for a
    file that is not a PDF)."""
    fields = signature_fields(pdf)
    by_name = {item.name: item for item in fields}
    if field not in by_name:
        have = ", ".join(f"{item.name} ({'signed' if item.signed else 'unsigned'})" for item in fields)
        raise SigningError(f"--field {field}: no such signature field; the file has " + (have or "none"))
    if by_name[field].signed:
        unsigned = [item.name for item in fields if not item.signed]
        rest = f"; still unsigned: {', '.join(unsigned)}" if unsigned else "; every field is signed"
        raise SigningError(f"--field {field}: already signed{rest}")


def sign_pdf(pdf: bytes, key: Pkcs12Key | Pkcs11Key, request: SignRequest) -> Signed:
    """`pdf` with one incremental update holding the signature in `request.field`. Everything that can be
    checked without the key is checked first, so a mistake never costs a token PIN."""
    from pyhanko.sign import fields, signers

    check_field(pdf, request.field)
    metadata = signers.PdfSignatureMetadata(
        field_name=request.field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=request.reason, location=request.location,
    )
    style, timestamper = _appearance(), _timestamper(request.timestamp_url)
    with open_signer(key) as signer:
        check_certificate(signer.signing_cert, key, dt.datetime.now(dt.UTC))  # the moment written as /M
        pdf_signer = signers.PdfSigner(metadata, signer, stamp_style=style, timestamper=timestamper)
        try:
            out = pdf_signer.sign_pdf(metadata_keeping_writer(pdf), existing_fields_only=True)
        except Exception as exc:
            raise _signing_failure(exc, request) from None
        signer_cert = signer.signing_cert
    return _signed(out.getvalue(), request.field, signer_cert)


def _appearance():
    """The signer's name and the time in the letters' embedded font; a thin border and no background (pyHanko's
    default background is a semi-transparent logo)."""
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    try:
        font = signature_font_engine()
    except FontMissing as exc:
        raise SigningError(str(exc)) from None
    except OSError as exc:  # installed but unreadable (permissions, a failing disk)
        where = exc.filename or "the letters' font"
        raise SigningError(f"{where}: cannot read the letters' font for the signature's appearance "
                           f"({exc.strerror or exc.__class__.__name__}); check the file's permissions") from None
    return TextStampStyle(stamp_text=APPEARANCE_TEXT, border_width=1, background=None,
                          text_box_style=TextBoxStyle(font=font))


def _signed(pdf: bytes, field: str, certificate) -> Signed:
    from compliance.documents.verification import signer_name

    signature = next(s for s in read_pdf(pdf).embedded_signatures if s.field_name == field)
    return Signed(pdf, field, signer_name(certificate) or "", signature.self_reported_timestamp)


def _timestamper(url: str | None):
    if url is None:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if not url.startswith(("http://", "https://")):
        raise SigningError(f"--timestamp-url {url}: not an http:// or https:// address")
    return HTTPTimeStamper(url, timeout=30)


def _signing_failure(exc: Exception, request: SignRequest) -> SigningError:
    """pyHanko's failure while signing, as one sentence (a timestamp server that did not answer, mostly)."""
    from pyhanko.sign.timestamps import TimestampRequestError

    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, TimestampRequestError) or (request.timestamp_url and "imestamp" in text):
        return SigningError(f"--timestamp-url {request.timestamp_url}: no timestamp from that server ({text})")
    return SigningError(f"could not sign: {text}")
