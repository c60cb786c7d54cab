"""Unsigned signature fields (/FT /Sig) added with pyHanko, deterministically.

pyHanko's incremental writer would stamp the current time into the metadata and a random second half
into the trailer /ID: the metadata is left as it was (pdf_update) and the /ID derived from the content, so
the same inputs give the same bytes. No password is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from compliance.documents.pdf import SignatureSpot
from compliance.documents.pdf_update import metadata_keeping_writer
from compliance.values.digest import sha256_hex


def add_signature_fields(pdf: bytes, spots: Sequence[SignatureSpot]) -> bytes:
    if not spots:
        return pdf
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = metadata_keeping_writer(pdf)  # keeps WeasyPrint's fixed dates: no 'now'
    first_id = writer._document_id[0]
    second = bytes.fromhex(sha256_hex(pdf + repr([tuple(spot.__dict__.values()) for spot in spots]).encode()))
    writer._document_id = generic.ArrayObject([first_id, generic.ByteStringObject(second[:16])])
    for spot in spots:
        box = tuple(int(round(value)) for value in spot.box)
        append_signature_field(
            writer, SigFieldSpec(sig_field_name=spot.field_name, on_page=spot.page, box=box)
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
