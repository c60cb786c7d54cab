"""Issue 28, signing and verifying: a signature cannot be painted over, a certificate outside its validity
period (or not for signing) does not sign and `verify` says why it is not trusted, a PKCS#12 file without a
key is one plain sentence, and a full disk or read-only folder while signing is one sentence that leaves no
temporary file and records nothing.

The letters are test_signing's: its module fixture (a real year-1 joint instruction run, approved and signed by
Party A then Party B, with the test PKI), made once for this module too. The tampering is done the way an
attacker would, with pyHanko's incremental writer on Party A's signed copy.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

import pytest
import test_signing
from helpers.certificates import (
    PASSPHRASE,
    make_signer,
    write_p12,
    write_p12_without_key,
)
from helpers.cli import invoke, one_error_line

signed = test_signing.signed  # its module fixture, made once for this module too

FIGURE = (187.2, 357.7, 312.4, 372.1)  # "three million (3,000,000)" on page 1, as pdftotext -bbox places it


def _verify(path: Path, root: Path, *extra: str):
    return invoke("verify", str(path), "--trust", str(root), *extra)


def _sign_with(pki, file: Path, p12: Path, out: Path, *extra: str):
    return invoke("sign", str(file), "--field", "PartyA_Signature", "--key", str(p12), "--passphrase-file",
                  str(pki.passphrase_file), "--out", str(out), *extra)


# -- 3. nothing but filling the letter's own empty signature fields after a signature ---------------------------


def _writer(path: Path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(BytesIO(path.read_bytes()))


def _box(writer) -> tuple[float, float, float, float]:
    """FIGURE in PDF coordinates (origin bottom left)."""
    height = float(writer.root["/Pages"]["/Kids"][0].get_object()["/MediaBox"][3])
    x1, top, x2, bottom = FIGURE
    return x1, height - bottom, x2, height - top


def _appearance(writer, width: float, height: float, text: str):
    """A form XObject: a white box with `text` in Helvetica, as an overlay would be drawn."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    escaped = text.replace("(", "\\(").replace(")", "\\)")
    return writer.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, width, height)),
        pdf_name("/Resources"): generic.DictionaryObject({
            pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}),
    }, stream_data=f"1 g 0 0 {width:.2f} {height:.2f} re f 0 g BT /F1 10 Tf 1 3 Td ({escaped}) Tj ET".encode()))


def _save(writer, path: Path) -> Path:
    out = BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def paint_with_new_field(source: Path, target: Path, text: str = "five million (5,000,000)") -> Path:
    """The issue's attack: a new, unsigned signature field over the figure, its appearance the new figure."""
    from pyhanko.pdf_utils.generic import DictionaryObject, pdf_name
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = _writer(source)
    box = _box(writer)
    append_signature_field(writer, SigFieldSpec("Overlay", on_page=0, box=box))
    field = next(ref.get_object() for ref in writer.root["/AcroForm"]["/Fields"]
                 if ref.get_object()["/T"] == "Overlay")
    field[pdf_name("/AP")] = DictionaryObject(
        {pdf_name("/N"): _appearance(writer, box[2] - box[0], box[3] - box[1], text)})
    writer.update_container(field)
    return _save(writer, target)


def paint_with_annotation(source: Path, target: Path) -> Path:
    """A square annotation over the figure whose appearance shows another figure (no form field at all)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    writer = _writer(source)
    box = _box(writer)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annotation = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Square"),
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
        pdf_name("/F"): generic.NumberObject(4),  # printed
        pdf_name("/AP"): generic.DictionaryObject(
            {pdf_name("/N"): _appearance(writer, box[2] - box[0], box[3] - box[1], "five million (5,000,000)")}),
    }))
    annots = page.get("/Annots")
    annots = generic.ArrayObject(list(annots) if annots is not None else [])
    annots.append(annotation)
    page[pdf_name("/Annots")] = annots
    writer.update_container(page)
    return _save(writer, target)


def sign_a_new_field(source: Path, target: Path, p12: Path) -> Path:
    """A new, visible signature field created and signed at once (pyHanko's default allows it as form
    filling): its appearance lies over the figure."""
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSPHRASE)
    writer = _writer(source)
    spec = fields.SigFieldSpec("Overlay", on_page=0, box=_box(writer))
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Overlay"), signer=signer,
                           new_field_spec=spec)
    target.write_bytes(out.getvalue())
    return target


def _shows(path: Path, text: str) -> bool | None:
    """Whether poppler's text of page 1 has `text` (None without pdftotext)."""
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          timeout=60)
    return text in done.stdout


def test_a_new_unsigned_field_painting_over_the_figure_fails_verify(signed, tmp_path):
    painted = paint_with_new_field(signed.party_a, tmp_path / "painted.pdf")
    assert _shows(painted, "five million") in (True, None)  # what a reader sees: the new figure on top
    done = _verify(painted, signed.pki.root_pem)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "later changes: other changes (NOT ALLOWED: field Overlay added after it)" in done.stdout
    assert "form filling" not in done.stdout
    assert "NOT all signatures hold" in done.stdout
    report = json.loads(_verify(painted, signed.pki.root_pem, "--json").stdout)
    (check,) = report["signatures"]
    assert (report["ok"], check["later_changes"], check["changes_detail"], check["intact"], check["trusted"]) == (
        False, "other changes", "field Overlay added after it", True, True)


def test_a_new_field_painted_after_both_parties_signed_fails_both(signed, tmp_path):
    painted = paint_with_new_field(signed.both, tmp_path / "painted.pdf")
    report = json.loads(_verify(painted, signed.pki.root_pem, "--json").stdout)
    assert report["ok"] is False
    assert [(s["field"], s["later_changes"]) for s in report["signatures"]] == [
        ("PartyA_Signature", "other changes"), ("PartyB_Signature", "other changes")]


def test_a_new_signature_field_signed_over_the_figure_fails_verify(signed, tmp_path):
    """Signed or not, a field the letter did not have is not form filling of the letter."""
    overlaid = sign_a_new_field(signed.party_a, tmp_path / "overlaid.pdf", signed.pki.party_b_p12)
    done = _verify(overlaid, signed.pki.root_pem, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    first = json.loads(done.stdout)["signatures"][0]
    assert (first["field"], first["later_changes"], first["changes_detail"]) == (
        "PartyA_Signature", "other changes", "field Overlay added after it")


def test_an_annotation_with_an_appearance_after_signing_fails_verify(signed, tmp_path):
    painted = paint_with_annotation(signed.party_a, tmp_path / "annotated.pdf")
    done = _verify(painted, signed.pki.root_pem)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "later changes: other changes (NOT ALLOWED: content, an annotation or another part of the file " \
           "changed after it)" in done.stdout


def test_filling_the_letters_own_empty_field_is_still_allowed(signed):
    report = json.loads(_verify(signed.both, signed.pki.root_pem, "--json").stdout)
    assert report["ok"] is True
    assert [(s["later_changes"], s["changes_detail"]) for s in report["signatures"]] == [
        ("form filling", None), ("none", None)]


# -- 4. a certificate outside its validity period, or not for signing ----------------------------------------------

NOW = dt.datetime.now(dt.UTC)
EXPIRED = (NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=30))
NOT_YET_VALID = (NOW + dt.timedelta(days=30), NOW + dt.timedelta(days=400))


def _day(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _p12(signed, tmp_path: Path, name: str, **kwargs) -> Path:
    key, certificate = make_signer(name, signed.pki.root, **kwargs)
    return write_p12(tmp_path / f"{name.lower().replace(' ', '-')}.p12", name, key, certificate, [signed.pki.root[1]])


@pytest.mark.parametrize(("valid", "words"), [
    (EXPIRED, ("the certificate of Old Signer expired on", _day(EXPIRED[1]), f"valid from {_day(EXPIRED[0])}",
               "ask its issuer for a new certificate")),
    (NOT_YET_VALID, ("the certificate of Old Signer is not valid until", _day(NOT_YET_VALID[0]),
                     f"to {_day(NOT_YET_VALID[1])}")),
], ids=["expired", "not-yet-valid"])
def test_sign_refuses_a_certificate_outside_its_validity_period(signed, tmp_path, valid, words):
    p12 = _p12(signed, tmp_path, "Old Signer", valid=valid)
    out = tmp_path / "signed.pdf"
    done = _sign_with(signed.pki, signed.unsigned, p12, out)
    one_error_line(done, f"--key {p12}", *words)
    assert not out.exists() and list(tmp_path.glob(".*")) == []


def test_sign_refuses_a_certificate_without_a_key_usage_for_signing(signed, tmp_path):
    p12 = _p12(signed, tmp_path, "Key Only", signing_usage=False)
    out = tmp_path / "signed.pdf"
    done = _sign_with(signed.pki, signed.unsigned, p12, out)
    one_error_line(done, f"--key {p12}", "the certificate of Key Only is not for signing",
                   "its key usage: key encipherment", "digital signature or non-repudiation")
    assert not out.exists()


def _signed_anyway(signed, tmp_path: Path, p12: Path) -> Path:
    """What another tool (pyHanko's own, with no such check) makes with that key."""
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSPHRASE)
    out = signers.sign_pdf(_writer(signed.unsigned), signers.PdfSignatureMetadata(field_name="PartyA_Signature"),
                           signer=signer)
    target = tmp_path / f"{p12.stem}.signed.pdf"
    target.write_bytes(out.getvalue())
    return target


@pytest.mark.parametrize(("kwargs", "reason", "words"), [
    ({"valid": EXPIRED}, "expired", ("NOT TRUSTED: the signer's certificate expired on", _day(EXPIRED[1]))),
    ({"valid": NOT_YET_VALID}, "not yet valid",
     ("NOT TRUSTED: the signer's certificate is not valid until", _day(NOT_YET_VALID[0]))),
    ({"signing_usage": False}, "key usage", ("NOT TRUSTED: the signer's certificate does not allow signing",)),
], ids=["expired", "not-yet-valid", "key-usage"])
def test_verify_names_why_a_signature_with_the_right_root_is_not_trusted(signed, tmp_path, kwargs, reason, words):
    file = _signed_anyway(signed, tmp_path, _p12(signed, tmp_path, "Old Signer", **kwargs))
    done = _verify(file, signed.pki.root_pem)
    assert done.returncode == 1, done.stdout + done.stderr
    for word in words:
        assert word in done.stdout, done.stdout
    assert "given roots" not in done.stdout  # the root is right
    (check,) = json.loads(_verify(file, signed.pki.root_pem, "--json").stdout)["signatures"]
    assert (check["trusted"], check["trust_problem"]) == (False, reason)


def test_verify_names_both_an_expired_certificate_and_a_wrong_root(signed, tmp_path):
    file = _signed_anyway(signed, tmp_path, _p12(signed, tmp_path, "Old Signer", valid=EXPIRED))
    done = _verify(file, signed.pki.other_root_pem)
    assert "the signer's certificate expired on" in done.stdout
    assert "nor does its certificate chain lead to any of the given roots" in done.stdout


def test_verify_still_names_a_wrong_root_as_such(signed):
    done = _verify(signed.both, signed.pki.other_root_pem, "--json")
    assert done.returncode == 1
    assert {s["trust_problem"] for s in json.loads(done.stdout)["signatures"]} == {"untrusted root"}
    assert "NOT TRUSTED by the given roots (its certificate chain leads to none of them)" in \
        _verify(signed.both, signed.pki.other_root_pem).stdout


# -- 5. a PKCS#12 file without its private key -------------------------------------------------------------------


def test_a_pkcs12_file_with_no_private_key_is_one_plain_sentence(signed, tmp_path):
    _, certificate = signed.pki.party_a
    p12 = write_p12_without_key(tmp_path / "certificate-only.p12", "party-a", certificate, [signed.pki.root[1]])
    out = tmp_path / "signed.pdf"
    done = _sign_with(signed.pki, signed.unsigned, p12, out)
    one_error_line(done, f"--key {p12}: holds no private key", "export the signing certificate together with its "
                   "private key")
    assert not out.exists()


# -- 6. a full disk or a read-only folder while signing ----------------------------------------------------------


@contextmanager
def small_disk(folder: Path, size_kb: int = 64, *, read_only: bool = False) -> Iterator[Path]:
    """`folder` as a file system of its own (tmpfs, `size_kb` large, optionally read-only): a signed letter
    (some 300 KB) does not fit on 64 KB. Needs root (mount); skipped without it."""
    folder.mkdir()
    options = f"size={size_kb}k" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                             text=True, timeout=30) if shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("mounting a small file system needs root (mount -t tmpfs)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def _events(db: Path) -> list:
    done = invoke("ledger", "events", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_full_disk_while_signing_into_the_ledger_is_one_sentence_and_leaves_nothing(signed, tmp_path):
    before = _events(signed.db)
    with small_disk(tmp_path / "disk") as disk:
        out = disk / "release-notice.signed.pdf"
        done = _sign_with(signed.pki, signed.unsigned.with_name("release-notice.pdf"), signed.pki.party_a_p12, out,
                          "--db", str(signed.db), "--on", "2027-01-23")
        assert list(disk.iterdir()) == []  # no partial .tmp file
        line = one_error_line(done, f"{out}: cannot write the signed copy: the disk is full",
                              "nothing was written or recorded", f"free some space on the disk of {disk}")
    assert "unexpected" not in line
    assert _events(signed.db) == before


def test_a_full_disk_without_a_ledger_leaves_no_temporary_file(signed, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        out = disk / "signed.pdf"
        done = _sign_with(signed.pki, signed.unsigned, signed.pki.party_a_p12, out)
        assert list(disk.iterdir()) == []
        one_error_line(done, f"{out}: cannot write the signed copy: the disk is full", "nothing was written")


def test_a_read_only_folder_while_signing_is_one_sentence(signed, tmp_path):
    with small_disk(tmp_path / "disk", read_only=True) as disk:
        out = disk / "signed.pdf"
        done = _sign_with(signed.pki, signed.unsigned, signed.pki.party_a_p12, out)
        one_error_line(done, f"{out}: cannot write the signed copy: {disk} is on a read-only file system",
                       "choose a writable folder with --out")
        assert list(disk.iterdir()) == []
