"""Issue 14: `compliance sign` and `compliance verify` on a real year-1 joint instruction.

One module fixture runs `compliance run` on the year-1 audit report (a real ledger, a real letter) under a
contract with no open item, has a second person approve it (signing follows approval: the final in
year-1/approved/ is the letter signed), makes a test PKI (root, Party A, Party B; PKCS#12 files with a
passphrase) and signs through the CLI: Party A, then Party B on Party A's signed copy, both recorded in the
ledger. The tests read those files; tests that
sign again write their own copies. PDF/A-2b is checked structurally (helpers/pdfa) before and after each
signature; veraPDF is not installed here.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.certificates import PASSPHRASE, SigningPki, make_test_pki, make_tsa
from helpers.cli import REPO, invoke, one_error_line, run_cli
from helpers.contracts import filled_contract
from helpers.pdfa import pdfa_problems
from helpers.softhsm import PIN, make_token, softhsm_library
from helpers.timestamp_server import timestamp_server

from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.signing import default_signed_path

YEAR_1_REPORT = REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf"
APPROVER_PASSWORD = "alice's long password"


@dataclass(frozen=True)
class Signed:
    out: Path
    db: Path
    unsigned: Path
    party_a: Path  # signed by Party A
    both: Path  # signed by Party A, then Party B
    pki: SigningPki
    sign_a: object
    sign_b: object


def _sign(pki: SigningPki, file: Path, field: str, p12: Path, *extra: str, env: dict | None = None):
    return invoke("sign", str(file), "--field", field, "--key", str(p12), "--passphrase-file",
                   str(pki.passphrase_file), *extra, env=env)


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Signed:
    root = tmp_path_factory.mktemp("signing")
    inbox = root / "inbox"
    inbox.mkdir()
    shutil.copy(YEAR_1_REPORT, inbox)
    out = root / "out"
    contract = str(filled_contract(root / "filled.yaml"))
    done = invoke("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20", "--contract", contract)
    assert done.returncode == 0, done.stdout + done.stderr
    db = out / "ledger.sqlite"
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        add_user(ledger, name="alice", role="approver", password=APPROVER_PASSWORD, on=dt.date(2027, 1, 20))
    secret = root / "alice.secret"
    secret.write_text(APPROVER_PASSWORD + "\n", encoding="utf-8")
    approved = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret), "--db", str(db),
                       "--contract", contract)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    pki = make_test_pki(root / "pki")
    folder = out / "year-1" / "approved"
    unsigned = folder / "joint-instruction.pdf"
    sign_a = _sign(pki, unsigned, "PartyA_Signature", pki.party_a_p12, "--db", str(db), "--on", "2027-01-21",
                   "--reason", "Party A joins the instruction", "--location", "Beijing")
    sign_b = _sign(pki, folder / "joint-instruction.signed.pdf", "PartyB_Signature", pki.party_b_p12,
                   "--db", str(db), "--on", "2027-01-22")
    return Signed(out, db, unsigned, folder / "joint-instruction.signed.pdf",
                  folder / "joint-instruction.signed-2.pdf", pki, sign_a, sign_b)



def test_both_parties_sign_through_the_cli_beside_the_unsigned_letter(signed):
    assert signed.sign_a.returncode == 0, signed.sign_a.stderr
    assert signed.sign_b.returncode == 0, signed.sign_b.stderr
    assert "Signed PartyA_Signature as Yi Yang" in signed.sign_a.stdout
    assert "Signed PartyB_Signature as 王小明" in signed.sign_b.stdout
    assert f"Wrote {signed.party_a}" in signed.sign_a.stdout
    assert f"Wrote {signed.both}" in signed.sign_b.stdout
    # Each signature is an incremental update: the earlier file is the start of the later one, byte for byte.
    assert signed.party_a.read_bytes().startswith(signed.unsigned.read_bytes())
    assert signed.both.read_bytes().startswith(signed.party_a.read_bytes())


def test_compliance_verify_both_signatures_intact_and_trusted(signed):
    done = invoke("verify", str(signed.both), "--trust", str(signed.pki.root_pem))
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "Signature 1: PartyA_Signature, signed by Yi Yang" in text
    assert "Signature 2: PartyB_Signature, signed by 王小明" in text
    assert text.count("PAdES B-B") == 2
    assert "later changes: form filling only (allowed)" in text  # Party B's signature, after Party A's
    assert "covers the whole file" in text
    assert text.count("  trusted") == 2
    assert "every signature is intact and trusted" in text


def test_verify_json(signed):
    done = invoke("verify", str(signed.both), "--trust", str(signed.pki.root_pem), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert [(s["field"], s["signer"], s["later_changes"], s["whole_file"]) for s in report["signatures"]] == [
        ("PartyA_Signature", "Yi Yang", "form filling", False), ("PartyB_Signature", "王小明", "none", True)]
    assert all(s["intact"] and s["trusted"] and s["level"] == "PAdES B-B" for s in report["signatures"])


def test_pdfsig_validates_both_signatures(signed):
    import subprocess

    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (Debian poppler-utils; `make fonts` installs it) is not installed")
    done = subprocess.run(["pdfsig", str(signed.both)], capture_output=True, text=True, timeout=60)
    assert done.stdout.count("Signature Validation: Signature is Valid.") == 2, done.stdout
    assert done.stdout.count("Signature Type: ETSI.CAdES.detached") == 2
    assert "Signature Field Name: PartyA_Signature" in done.stdout
    assert "Signature Field Name: PartyB_Signature" in done.stdout
    assert "Total document signed" in done.stdout  # Party B's, the last


def test_pdf_a_2b_before_and_after_each_signature(signed):
    for path in (signed.unsigned, signed.party_a, signed.both):
        assert pdfa_problems(path) == [], path.name


def test_the_pdf_a_checks_catch_what_pyhankos_defaults_break(signed, tmp_path):
    """The issue's finding, kept as a test that the checks have teeth: pyHanko's default appearance uses
    Courier without embedding it, and its writer makes the XMP producer disagree with /Producer."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(signed.pki.party_a_p12), passphrase=PASSPHRASE)
    writer = IncrementalPdfFileWriter(BytesIO(signed.unsigned.read_bytes()))
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="PartyA_Signature"), signer=signer)
    (tmp_path / "default.pdf").write_bytes(out.getvalue())
    problems = pdfa_problems(tmp_path / "default.pdf")
    assert any("Courier" in p and "not embedded" in p for p in problems), problems
    assert any(p.startswith("/Producer") for p in problems), problems


def test_the_signature_appearance_embeds_the_letters_font(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(signed.both, "rb") as handle:
        reader = PdfFileReader(handle)
        names = set()
        for page in reader.root["/Pages"]["/Kids"]:
            for annotation in page.get_object().get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/FT") == "/Sig":
                    fonts = annotation["/AP"]["/N"]["/Resources"]
                    names |= _font_names(fonts)
    assert names and all("NotoSerifCJK" in name for name in names), names


def _font_names(resources) -> set[str]:
    names = set()
    for font in (resources.get("/Font") or {}).values():
        names.add(str(font.get_object()["/BaseFont"]))
    for xobject in (resources.get("/XObject") or {}).values():
        inner = xobject.get_object().get("/Resources")
        if inner is not None:
            names |= _font_names(inner)
    return names


def test_the_ledger_shows_both_signatures_in_order_hash_chained(signed):
    done = invoke("ledger", "events", "--db", str(signed.db), "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    signings = [e for e in events if e["kind"] == "document_signed"]
    assert [(e["data"]["order"], e["data"]["field"], e["data"]["signer"], e["date"], e["year"])
            for e in signings] == [(1, "PartyA_Signature", "Yi Yang", "2027-01-21", 1),
                                   (2, "PartyB_Signature", "王小明", "2027-01-22", 1)]
    assert signings[0]["data"]["signed_file"] == "year-1/approved/joint-instruction.signed.pdf"
    assert signings[1]["data"]["from_sha256"] == signings[0]["data"]["signed_sha256"]
    assert signings[0]["data"]["document"] == signings[1]["data"]["document"]
    with open_ledger(signed.db, create=False) as ledger:  # the letter signed is the approved final
        [approval] = ledger.approvals()
        final = next(item for item in approval.files if item.document == signings[0]["data"]["document"])
    assert signings[0]["data"]["from_sha256"] == final.pdf_sha256 and signings[0]["data"]["approval"] == approval.id
    assert invoke("ledger", "verify", "--db", str(signed.db)).returncode == 0


def test_one_byte_changed_after_signing_fails_verify(signed, tmp_path):
    data = bytearray(signed.both.read_bytes())
    data[len(data) // 3] ^= 0x01  # inside the first revision, which both signatures cover
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    done = invoke("verify", str(tampered), "--trust", str(signed.pki.root_pem))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "NOT INTACT" in done.stdout
    assert "NOT all signatures hold" in done.stdout


def test_an_untrusted_signer_fails_verify(signed):
    other = invoke("verify", str(signed.both), "--trust", str(signed.pki.other_root_pem))
    assert other.returncode == 1 and "NOT TRUSTED by the given roots" in other.stdout
    none = invoke("verify", str(signed.both))
    assert none.returncode == 1 and "NOT TRUSTED: no --trust root given" in none.stdout


def test_an_unsigned_letter_fails_verify(signed):
    done = invoke("verify", str(signed.unsigned), "--trust", str(signed.pki.root_pem))
    assert done.returncode == 1 and "no signatures" in done.stdout


def test_a_field_already_signed_is_refused(signed, tmp_path):
    done = _sign(signed.pki, signed.party_a, "PartyA_Signature", signed.pki.party_a_p12,
                 "--out", str(tmp_path / "again.pdf"))
    one_error_line(done, "--field PartyA_Signature", "already signed", "still unsigned: PartyB_Signature")
    assert not (tmp_path / "again.pdf").exists()


def test_a_field_that_does_not_exist_is_refused_naming_the_fields(signed, tmp_path):
    done = _sign(signed.pki, signed.unsigned, "PartyC_Signature", signed.pki.party_a_p12,
                 "--out", str(tmp_path / "c.pdf"))
    one_error_line(done, "PartyC_Signature", "no such signature field",
                   "PartyA_Signature (unsigned), PartyB_Signature (unsigned)")


def test_a_wrong_passphrase_is_one_plain_line(signed, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    done = invoke("sign", str(signed.unsigned), "--field", "PartyA_Signature", "--key", str(signed.pki.party_a_p12),
                   "--passphrase-file", str(wrong), "--out", str(tmp_path / "x.pdf"))
    one_error_line(done, "the passphrase is wrong")
    assert not (tmp_path / "x.pdf").exists()


def test_the_signed_copy_never_replaces_a_file(signed, tmp_path):
    before = signed.party_a.read_bytes()
    done = _sign(signed.pki, signed.unsigned, "PartyA_Signature", signed.pki.party_a_p12)  # default out exists
    one_error_line(done, "joint-instruction.signed.pdf already exists", "--out")
    assert signed.party_a.read_bytes() == before
    itself = _sign(signed.pki, signed.unsigned, "PartyA_Signature", signed.pki.party_a_p12,
                   "--out", str(signed.unsigned))
    one_error_line(itself, "never replaces its original")


def test_the_default_name_of_a_signed_copy():
    assert default_signed_path(Path("y/joint-instruction.pdf")) == Path("y/joint-instruction.signed.pdf")
    assert default_signed_path(Path("y/joint-instruction.signed.pdf")) == Path("y/joint-instruction.signed-2.pdf")
    assert default_signed_path(Path("joint-instruction.signed-2.pdf")) == Path("joint-instruction.signed-3.pdf")


def test_with_a_ledger_only_its_documents_are_signed(signed, tmp_path):
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(signed.unsigned.read_bytes() + b"\n% not issued by this ledger\n")
    done = _sign(signed.pki, stranger, "PartyA_Signature", signed.pki.party_a_p12, "--db", str(signed.db))
    one_error_line(done, "not a document recorded in")
    assert not default_signed_path(stranger).exists()


def test_with_a_ledger_a_field_it_records_signed_is_refused_on_the_unsigned_letter_too(signed, tmp_path):
    done = _sign(signed.pki, signed.unsigned, "PartyA_Signature", signed.pki.party_a_p12, "--db", str(signed.db),
                 "--out", str(tmp_path / "again.pdf"))
    one_error_line(done, "--field PartyA_Signature", "already records it signed", "Yi Yang")


@pytest.mark.parametrize("case", ["not-a-pdf", "encrypted", "missing-key", "no-token-module", "folder"])
def test_bad_input_is_one_plain_line(signed, tmp_path, case):
    args = {"file": str(signed.unsigned), "key": ["--key", str(signed.pki.party_a_p12)]}
    words: tuple[str, ...]
    if case == "not-a-pdf":
        args["file"], words = str(REPO / "fixtures" / "audit-reports" / "bad-word-document.pdf"), ("not a PDF",)
    elif case == "encrypted":
        args["file"], words = str(REPO / "fixtures" / "audit-reports" / "bad-encrypted.pdf"), ("encrypted",)
    elif case == "missing-key":
        args["key"], words = ["--key", str(tmp_path / "nobody.p12")], ("--key", "cannot read it")
    elif case == "no-token-module":
        args["key"] = ["--pkcs11-lib", str(tmp_path / "libnothing.so"), "--key-label", "party-a"]
        words = ("--pkcs11-lib", "no such file")
    else:
        args["file"], words = str(tmp_path), ("is a folder",)
    done = invoke("sign", args["file"], "--field", "PartyA_Signature", *args["key"], "--passphrase-file",
                   str(signed.pki.passphrase_file), "--out", str(tmp_path / "out.pdf"))
    one_error_line(done, *words)


def test_pades_b_t_with_a_timestamp_server(signed, tmp_path):
    tsa = make_tsa(signed.pki.root)
    out = tmp_path / "timestamped.pdf"
    with timestamp_server(*tsa, chain=[signed.pki.root[1]]) as url:
        done = _sign(signed.pki, signed.unsigned, "PartyA_Signature", signed.pki.party_a_p12,
                     "--timestamp-url", url, "--out", str(out))
    assert done.returncode == 0, done.stderr
    checked = invoke("verify", str(out), "--trust", str(signed.pki.root_pem), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (signature,) = json.loads(checked.stdout)["signatures"]
    assert signature["level"] == "PAdES B-T" and signature["timestamp_ok"] is True
    assert signature["timestamped_at"] is not None
    assert pdfa_problems(out) == []


def test_a_timestamp_server_that_does_not_answer_is_one_plain_line(signed, tmp_path):
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    done = _sign(signed.pki, signed.unsigned, "PartyA_Signature", signed.pki.party_a_p12,
                 "--timestamp-url", f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "t.pdf"))
    one_error_line(done, "--timestamp-url", "no timestamp")


def test_a_key_on_a_pkcs11_token(signed, tmp_path):
    if softhsm_library() is None:
        pytest.skip("SoftHSM (Debian softhsm2; `make fonts` installs it) is not installed")
    # new processes (run_cli): the PKCS#11 library reads its token configuration once per process
    module, env = make_token(tmp_path / "token", *signed.pki.party_a, "party-a")
    pin = tmp_path / "pin.txt"
    pin.write_text(PIN + "\n")
    token_args = ["--pkcs11-lib", str(module), "--slot", "0", "--passphrase-file", str(pin)]
    out = tmp_path / "token-signed.pdf"
    done = run_cli("sign", str(signed.unsigned), "--field", "PartyA_Signature", *token_args,
                   "--key-label", "party-a", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    checked = run_cli("verify", str(out), "--trust", str(signed.pki.root_pem))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "signed by Yi Yang" in checked.stdout
    wrong_label = run_cli("sign", str(signed.unsigned), "--field", "PartyA_Signature", *token_args,
                          "--key-label", "nobody", "--out", str(tmp_path / "n.pdf"), env=env)
    one_error_line(wrong_label, "--key-label nobody")
    pin.write_text("0000\n")
    wrong_pin = run_cli("sign", str(signed.unsigned), "--field", "PartyA_Signature", *token_args,
                        "--key-label", "party-a", "--out", str(tmp_path / "p.pdf"), env=env)
    one_error_line(wrong_pin, "refused the PIN")
