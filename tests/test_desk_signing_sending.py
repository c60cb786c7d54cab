"""Issue 31, signing and sending: the approved final downloaded for signature, the signed PDF uploaded and
checked as `compliance verify` checks it (against the trust roots an administrator set, and against the
approved final), the letter's sending and its receipt recorded with who and when, the EA 3.2 deadline, each
letter's state on the Year and Documents pages; and the same through the command line.

The ledger is a real run on the year-1 fixture (helpers/desk.make_ledger), approved by alice, made once for the
module with the signed copies (test certificates, helpers/certificates); each test works on a copy of it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from helpers.certificates import PASSPHRASE, make_root, make_signer, make_test_pki, write_p12
from helpers.cli import invoke, one_error_line
from helpers.desk import NOW, PASSWORD, csrf_of, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.contract import load_contract
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.approval import approve_year
from compliance.operations.letters import agent_deadline, letter_states
from compliance.operations.trust import set_trust_roots

FINAL = Path("year-1") / "approved" / "joint-instruction.pdf"
SHELL = re.compile(r"compliance [a-z]|(?<![\w-])--[a-z]")  # as tests/test_desk_no_shell_words.py


@dataclass(frozen=True)
class World:
    out: Path  # year 1 approved by alice; ada administers the accounts
    unapproved: Path  # the same before approval
    contract: Path
    root_pem: Path
    party_a: Path  # the final signed by Party A
    both: Path  # ... then by Party B
    tampered: Path  # Party A's copy with one byte changed after signing
    changed_then_signed: Path  # the final changed by an incremental update, then signed by Party A
    other_root: Path  # the final signed by a certificate of a root nobody trusts


def _sign(source: Path, target: Path, p12: Path, field: str) -> Path:
    from compliance.documents.pades import SignRequest
    from compliance.documents.signing_keys import Pkcs12Key
    from compliance.operations.signing import sign_document

    sign_document(source, Pkcs12Key(p12, PASSPHRASE), SignRequest(field=field), out=target)
    return target


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("signing-desk")
    out, contract = make_ledger(root, with_report=True)
    unapproved = root / "unapproved"
    shutil.copytree(out, unapproved)
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        approve_year(ledger, load_contract(contract), year=1, by="alice", at=NOW)
        add_user(ledger, name="ada", role="admin", password=PASSWORD, on=NOW.date())
    pki = make_test_pki(root / "pki")
    copies = root / "copies"
    copies.mkdir()
    party_a = _sign(out / FINAL, copies / "a.pdf", pki.party_a_p12, "PartyA_Signature")
    both = _sign(party_a, copies / "ab.pdf", pki.party_b_p12, "PartyB_Signature")
    data = bytearray(party_a.read_bytes())
    data[len(data) // 3] ^= 0x01  # inside the letter's content, which the signature covers
    (copies / "tampered.pdf").write_bytes(bytes(data))

    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO((out / FINAL).read_bytes()))
    writer.root["/Lang"] = TextStringObject("fr")  # any change to the letter before it is signed
    writer.update_root()
    buffer = BytesIO()
    writer.write(buffer)
    (copies / "changed.pdf").write_bytes(buffer.getvalue())
    changed_then_signed = _sign(copies / "changed.pdf", copies / "changed-signed.pdf", pki.party_a_p12,
                                "PartyA_Signature")
    stranger_root = make_root("Nobody's Root CA")
    stranger = write_p12(copies / "stranger.p12", "stranger", *make_signer("Mallory", stranger_root),
                         [stranger_root[1]])
    other_root = _sign(out / FINAL, copies / "other-root.pdf", stranger, "PartyA_Signature")
    return World(out, unapproved, contract, pki.root_pem, party_a, both, copies / "tampered.pdf",
                 changed_then_signed, other_root)


@pytest.fixture
def out(world, tmp_path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(world.out, copy)
    return copy


def _events(out: Path, *kinds: str):
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.events(kinds=kinds)


def _trust(out: Path, root_pem: Path) -> None:
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        set_trust_roots(ledger, [("root.pem", root_pem.read_bytes())], by="ada", at=NOW)


def _instruction_id(out: Path) -> int:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return next(d.id for d in ledger.documents(current_only=True) if d.kind == "joint-instruction")


def _client(world: World, out: Path, name: str) -> TestClient:
    client = TestClient(desk_app(out, world.contract), base_url="http://127.0.0.1")
    assert sign_in(client, name).status_code in (200, 403)  # an administrator may not view the Overview
    return client


def _upload(client: TestClient, document: int, path: Path):
    page = client.get(f"/documents/{document}/signing")
    token = csrf_of(page.text)
    return client.post(f"/letters/signed?document={document}&csrf={token}", data={"csrf": token},
                       files={"signed": (path.name, path.read_bytes(), "application/pdf")})


def _flash(html: str) -> str:
    found = re.search(r'<p class="flash (?:ok|problem|info)"[^>]*>(.*?)</p>', html, re.S)
    assert found, "the page shows no message"
    return unescape(found.group(1))


def test_an_administrator_sets_the_trust_roots_in_the_desk_recorded_with_who(world, out):
    ada = _client(world, out, "ada")
    page = ada.get("/settings/trust-roots")
    assert page.status_code == 200 and "No trust roots are set yet" in page.text
    done = ada.post("/settings/trust-roots", data={"csrf": csrf_of(page.text)},
                    files={"roots": ("root.pem", world.root_pem.read_bytes(), "application/x-pem-file")})
    assert "1 trust root set by ada" in _flash(done.text)
    assert "Common Name: Test Root CA" in done.text
    assert not SHELL.search(done.text)
    [event] = _events(out, "trust_roots_set")
    assert event.data["by"] == "ada" and event.data["at"] == NOW.isoformat(timespec="seconds")
    assert "BEGIN CERTIFICATE" in event.data["roots"][0]["pem"]  # the root itself is in the hash chain
    paula = _client(world, out, "paula")
    assert paula.get("/settings/trust-roots").status_code == 403
    refused = paula.post("/settings/trust-roots", data={"csrf": csrf_of(paula.get("/documents").text)},
                         files={"roots": ("root.pem", world.root_pem.read_bytes(), "application/x-pem-file")})
    assert refused.status_code == 403
    assert len(_events(out, "trust_roots_set")) == 1


def test_a_good_signed_copy_is_recorded_with_its_signer_and_kept_beside_the_final(world, out):
    _trust(out, world.root_pem)
    document = _instruction_id(out)
    paula = _client(world, out, "paula")
    page = paula.get(f"/documents/{document}/signing")
    assert 'data-download="final-for-signature"' in page.text
    final_link = re.search(r'href="(/files/final/[0-9]+/[0-9]+\.pdf)" data-download="final-for-signature"', page.text)
    assert paula.get(final_link.group(1)).content == (out / FINAL).read_bytes()  # the approved final, to sign
    done = _upload(paula, document, world.party_a)
    assert "Recorded the signed copy (PartyA_Signature by Yi Yang), uploaded by paula" in _flash(done.text)
    [event] = _events(out, "document_signed")
    assert event.data["field"] == "PartyA_Signature" and event.data["signer"] == "Yi Yang"
    assert event.data["subject"] == "Common Name: Yi Yang, Organization: Test PKI, Country: CN"
    assert event.data["by"] == "paula" and event.data["at"] == NOW.isoformat(timespec="seconds")
    kept = out / "year-1" / "signed" / "joint-instruction.signed.pdf"
    assert kept.read_bytes() == world.party_a.read_bytes() and event.data["signed_file"] == \
        "year-1/signed/joint-instruction.signed.pdf"
    assert 'data-letter-state="signed">signed by Party A<' in done.text
    done = _upload(paula, document, world.both)
    assert "PartyB_Signature by 王小明" in _flash(done.text)
    assert 'data-letter-state="signed">signed by Party A and Party B<' in done.text
    assert (out / "year-1" / "signed" / "joint-instruction.signed-2.pdf").read_bytes() == world.both.read_bytes()
    assert [e.data["field"] for e in _events(out, "document_signed")] == ["PartyA_Signature", "PartyB_Signature"]
    again = _upload(paula, document, world.both)
    assert "already records every signature" in _flash(again.text)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert ledger.verify().ok


@pytest.mark.parametrize(("copy", "why"), [
    ("tampered", "the signature in PartyA_Signature (Party A) no longer matches the file: it was changed after "
                 "it was signed"),
    ("changed_then_signed", "something besides signatures was added to the approved final"),
    ("other_root", "is not issued under any of the trust roots an administrator set"),
])
def test_a_signed_copy_that_fails_is_refused_in_one_sentence_and_nothing_is_recorded(world, out, copy, why):
    _trust(out, world.root_pem)
    document = _instruction_id(out)
    paula = _client(world, out, "paula")
    before = _events(out)
    done = _upload(paula, document, getattr(world, copy))
    message = _flash(done.text)
    assert message.startswith("Refused, nothing recorded: ") and why in message, message
    assert message.count(".") == 1 and message.endswith(".")  # one sentence
    assert _events(out) == before
    assert not (out / "year-1" / "signed").exists()
    assert 'data-letter-state="approved"' in done.text


def test_another_letters_signed_copy_is_refused_as_the_wrong_document(world, out):
    _trust(out, world.root_pem)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        notice = next(d.id for d in ledger.documents(current_only=True) if d.kind == "release-notice")
    paula = _client(world, out, "paula")
    done = _upload(paula, notice, world.party_a)  # the joint instruction, signed, given as the release notice
    assert _flash(done.text) == "Refused, nothing recorded: it is not a signed copy of this letter's approved final " \
                                "(its content is not the final's)."
    assert _events(out, "document_signed") == []


def test_no_signed_copy_is_accepted_before_trust_roots_are_set(world, out):
    paula = _client(world, out, "paula")
    document = _instruction_id(out)
    page = paula.get(f"/documents/{document}/signing")
    assert "No trust roots are set yet" in page.text and 'name="signed"' not in page.text
    done = _upload(paula, document, world.party_a)
    assert "no trust roots are set" in _flash(done.text)
    assert _events(out, "document_signed") == []


def test_sending_and_receipt_are_recorded_with_who_and_when_and_the_agent_deadline_shown(world, out):
    _trust(out, world.root_pem)
    document = _instruction_id(out)
    paula = _client(world, out, "paula")
    page = paula.get(f"/documents/{document}/signing")
    assert 'action="/documents/%d/sent"' % document not in page.text  # not signed yet: nothing to send
    _upload(paula, document, world.both)
    page = paula.get(f"/documents/{document}/signing")
    done = paula.post(f"/documents/{document}/sent", data={"csrf": csrf_of(page.text), "how": "courier",
                                                             "on": "2027-01-21", "reference": "SF 1234 5678"})
    assert "Recorded as sent by courier on 21 January 2027, by paula." in _flash(done.text)
    assert "Sent by courier on <strong>21 January 2027</strong> (reference SF 1234 5678); recorded by paula" \
        in done.text
    [sent] = _events(out, "letter_sent")
    assert (sent.on_date, sent.data["how"], sent.data["reference"], sent.data["by"], sent.data["at"]) == \
        (dt.date(2027, 1, 21), "courier", "SF 1234 5678", "paula", NOW.isoformat(timespec="seconds"))
    alice = _client(world, out, "alice")
    page = alice.get(f"/documents/{document}/signing")
    early = alice.post(f"/documents/{document}/received", data={"csrf": csrf_of(page.text), "on": "2027-01-20"})
    assert "before it was sent" in _flash(early.text)
    done = alice.post(f"/documents/{document}/received", data={"csrf": csrf_of(page.text), "on": "2027-01-22"})
    assert "Recorded as received on 22 January 2027, by alice." in _flash(done.text)
    [receipt] = _events(out, "documents_received_by_agent")  # the event EA 3.2, status and penalties read
    assert (receipt.on_date, receipt.data["by"], receipt.data["document"]) == (dt.date(2027, 1, 22), "alice", document)
    # Ten PRC business days after 22 January 2027 (the test calendar's Spring Festival, 5-11 February, skipped).
    assert "The escrow agent must transfer the shares by <strong>12 February 2027</strong>" in done.text
    assert 'data-letter-state="received">received<' in done.text
    assert not SHELL.search(done.text)  # the desk's words, never a command to type
    again = alice.post(f"/documents/{document}/received", data={"csrf": csrf_of(page.text), "on": "2027-01-23"})
    assert "already recorded as received" in _flash(again.text)
    victor = _client(world, out, "victor")  # a viewer reads, records nothing
    assert victor.post(f"/documents/{document}/sent", data={"csrf": csrf_of(victor.get("/documents").text),
                                                           "how": "hand", "on": "2027-01-21"}).status_code == 403


def test_a_final_without_signature_fields_is_sent_as_approved_and_a_signed_one_offers_its_signed_copy(world, out):
    _trust(out, world.root_pem)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        report = next(d.id for d in ledger.documents(current_only=True) if d.kind == "assessment-report")
    paula = _client(world, out, "paula")
    page = paula.get(f"/documents/{report}/signing")
    assert "This document carries no signature field: it is sent as it was approved." in page.text
    assert "Download the approved FINAL<" in page.text and "for signature" not in page.text
    done = paula.post(f"/documents/{report}/sent", data={"csrf": csrf_of(page.text), "how": "email",
                                                         "on": "2027-01-21"})
    assert "Recorded as sent" in _flash(done.text)
    document = _instruction_id(out)
    _upload(paula, document, world.both)
    page = paula.get(f"/documents/{document}/signing").text
    assert "Download the latest signed copy" in page and "The approved FINAL, unsigned" in page


def test_the_agent_deadline_is_never_guessed_without_the_prc_schedule():
    built_in = load_contract(None)  # no calendar file: 2027's schedule is not published in the holidays package
    deadline = agent_deadline(built_in, dt.date(2027, 1, 22))
    assert deadline.transfer_by is None
    assert deadline.why_not == "the PRC holiday schedule for 2027 is not published yet, and business days are " \
                               "never guessed"


def test_each_letter_shows_its_state_on_the_year_and_documents_pages(world, out):
    draft = _client(world, world.unapproved, "victor")
    assert 'data-letter-state=' not in draft.get("/documents").text  # drafts keep their approval badges
    with open_ledger(world.unapproved / "ledger.sqlite", create=False) as ledger:
        assert {s.state for s in letter_states(ledger, load_contract(world.contract)).values()} == {"draft"}
    _trust(out, world.root_pem)
    document = _instruction_id(out)
    paula = _client(world, out, "paula")
    documents = paula.get("/documents").text
    assert documents.count('data-letter-state="approved"') >= 4
    assert f'href="/documents/{document}/signing">sign</a>' in documents
    _upload(paula, document, world.party_a)
    for url in ("/documents", "/years/1"):
        assert 'data-letter-state="signed">signed by Party A<' in paula.get(url).text, url
    _upload(paula, document, world.both)
    page = paula.get(f"/documents/{document}/signing")
    paula.post(f"/documents/{document}/sent", data={"csrf": csrf_of(page.text), "how": "email", "on": "2027-01-21"})
    for url in ("/documents", "/years/1"):
        assert 'data-letter-state="sent">sent<' in paula.get(url).text, url
    paula.post(f"/documents/{document}/received", data={"csrf": csrf_of(page.text), "on": "2027-01-21"})
    for url in ("/documents", "/years/1"):
        assert 'data-letter-state="received">received<' in paula.get(url).text, url


def _secret(folder: Path) -> Path:
    path = folder / "secret"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def test_the_command_line_records_signed_copies_sending_and_receipt(world, out, tmp_path):
    db, secret, contract = str(out / "ledger.sqlite"), str(_secret(tmp_path)), str(world.contract)
    common = ("--db", db, "--contract", contract, "--password-file", secret)
    refused = invoke("record-signed", str(world.party_a), "--year", "1", "--by", "paula", *common)
    one_error_line(refused, "no trust roots are set")
    not_admin = invoke("trust", "set", str(world.root_pem), "--by", "paula", *common)
    one_error_line(not_admin, "only an admin may set trust roots")
    done = invoke("trust", "set", str(world.root_pem), "--by", "ada", *common)
    assert done.returncode == 0, done.stderr
    assert "1 trust root(s) set by ada" in done.stdout and "Common Name: Test Root CA" in done.stdout
    verified = invoke("verify", str(world.both), "--db", db, "--contract", contract)  # the ledger's roots
    assert verified.returncode == 0 and "every signature is intact and trusted" in verified.stdout, verified.stdout
    assert invoke("verify", str(world.other_root), "--db", db, "--contract", contract).returncode == 1
    tampered = invoke("record-signed", str(world.tampered), "--year", "1", "--by", "paula", *common)
    one_error_line(tampered, "no longer matches the file")
    wrong_password = invoke("record-signed", str(world.both), "--year", "1", "--by", "paula", "--db", db,
                            "--contract", contract, env={"COMPLIANCE_PASSWORD": "not the password"})
    one_error_line(wrong_password, "no active account with that password")
    assert _events(out, "document_signed") == []
    done = invoke("record-signed", str(world.both), "--year", "1", "--kind", "joint-instruction", "--by", "paula",
                  *common)
    assert done.returncode == 0, done.stderr
    assert "PartyA_Signature signed by Yi Yang (Common Name: Yi Yang" in done.stdout
    assert "PartyB_Signature signed by 王小明" in done.stdout
    assert "Kept the signed copy as year-1/signed/joint-instruction.signed.pdf." in done.stdout
    done = invoke("send", "--year", "1", "--kind", "joint-instruction", "--via", "courier", "--on", "2027-01-21",
                  "--reference", "SF1", "--by", "paula", *common)
    assert done.returncode == 0, done.stderr
    assert "year 1's joint-instruction sent by courier on 2027-01-21 (recorded by paula)" in done.stdout
    one_error_line(invoke("send", "--year", "1", "--via", "hand", "--on", "2027-01-21", "--by", "paula", *common),
                   "already recorded as sent")
    done = invoke("received", "--year", "1", "--kind", "joint-instruction", "--on", "2027-01-22", "--by", "alice",
                  *common)
    assert done.returncode == 0, done.stderr
    assert "The escrow agent must transfer by 2027-02-12 (EA 3.2: ten PRC business days after 2027-01-22)." \
        in done.stdout
    [sent], [receipt] = _events(out, "letter_sent"), _events(out, "documents_received_by_agent")
    assert (sent.data["by"], receipt.data["by"]) == ("paula", "alice")
    listing = invoke("letters", "--db", db, "--contract", contract)
    assert "year 1\tjoint-instruction\treceived\tagent's deadline 2027-02-12" in listing.stdout
    assert "year 1\trelease-notice\tapproved" in listing.stdout
