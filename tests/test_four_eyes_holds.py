"""Four-eyes that holds (issue 26): every act recorded under a person's name is proven by that person's password,
account changes are an administrator's, and a signature recorded in the ledger follows approval.

One module ledger, made as a new deal's is: `compliance init` (an administrator), accounts added by her, a
year-1 report prepared by paula with her password and approved by alice with hers. Tests that change it work
on a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.certificates import make_test_pki
from helpers.cli import REPO, invoke, one_error_line
from helpers.contracts import filled_contract

from compliance.ledger import open_ledger

YEAR_1_REPORT = REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf"
PASSWORDS = {"ada": "ada's long password", "paula": "paula's long password", "alice": "alice's long password"}


CONTRACT: list[str] = []  # the filled contract (no open item, so the year can be approved), set by `deal`


def cli(*args: str):
    return invoke(*args, *CONTRACT)


def _secret(folder: Path, name: str, password: str | None = None) -> str:
    path = folder / f"{name}.secret"
    path.write_text((password or PASSWORDS[name]) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def deal(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("four-eyes")
    out, inbox = root / "out", root / "inbox"
    inbox.mkdir()
    shutil.copy(YEAR_1_REPORT, inbox)
    db = str(out / "ledger.sqlite")
    CONTRACT[:] = ["--contract", str(filled_contract(root / "filled.yaml"))]
    started = cli("init", "--out", str(out), "--admin", "ada", "--password-file", _secret(root, "ada"))
    assert started.returncode == 0, started.stderr
    for name, role in (("paula", "preparer"), ("alice", "approver")):
        added = cli("users", "add", name, "--role", role, "--by", "ada", "--by-password-file",
                        _secret(root, "ada"), "--password-file", _secret(root, name), "--db", db)
        assert added.returncode == 0, added.stderr
    prepared = cli("run", str(inbox), "--out", str(out), "--as-of", "2027-01-20", "--by", "paula",
                       "--password-file", _secret(root, "paula"))
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    approved = cli("approve", "--year", "1", "--by", "alice", "--password-file", _secret(root, "alice"),
                       "--db", db)
    assert approved.returncode == 0, approved.stderr
    return out


@pytest.fixture
def copy(deal, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(deal, out)
    return out


def _events(out: Path, kind: str) -> list:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.events(kinds=(kind,))


def test_a_new_user_starts_with_init_and_the_ledger_records_who_made_each_account(deal):
    added = _events(deal, "user_added")
    assert [(e.data["name"], e.data["role"], e.data["by"]) for e in added] == [
        ("ada", "admin", "ada"), ("paula", "preparer", "ada"), ("alice", "approver", "ada")]


def test_the_preparer_is_proven_by_her_password_and_recorded(deal):
    [issued] = _events(deal, "instructed")
    assert issued.data["prepared_by"] == "paula"


def test_the_approver_cannot_prepare_as_someone_else(copy, tmp_path):
    """alice knows only her own password: preparing "as paula" with it is refused, and nothing is written."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    done = cli("run", str(inbox), "--out", str(copy), "--as-of", "2027-01-21", "--by", "paula",
                   "--password-file", _secret(tmp_path, "alice"))
    one_error_line(done, "--by", "paula: no active account with that password")


def test_without_by_a_ledger_with_accounts_reads_and_prepares_nothing(copy, tmp_path):
    before = len(_events(copy, "instructed"))
    (tmp_path / "empty").mkdir()
    done = cli("run", str(tmp_path / "empty"), "--out", str(copy), "--as-of", "2027-01-21")
    assert done.returncode == 0, done.stderr
    assert "No documents were prepared" in done.stdout
    assert len(_events(copy, "instructed")) == before


def test_a_preparer_cannot_change_accounts(copy, tmp_path):
    """paula may not revoke alice, nor add an "alice" with her own password to approve her own documents."""
    db = str(copy / "ledger.sqlite")
    revoke = cli("users", "revoke", "alice", "--by", "paula", "--by-password-file", _secret(tmp_path, "paula"),
                     "--db", db)
    one_error_line(revoke, "paula is a preparer", "only an admin may manage accounts")
    add = cli("users", "add", "alice2", "--role", "approver", "--by", "paula", "--by-password-file",
                  _secret(tmp_path, "paula"), "--password-file", _secret(tmp_path, "paula"), "--db", db)
    one_error_line(add, "only an admin may manage accounts")
    assert [e.data["name"] for e in _events(copy, "user_revoked")] == []


def test_an_account_change_needs_the_administrators_password(copy, tmp_path):
    db = str(copy / "ledger.sqlite")
    done = cli("users", "add", "mallory", "--role", "approver", "--by", "ada", "--by-password-file",
                   _secret(tmp_path, "paula"), "--password-file", _secret(tmp_path, "paula"), "--db", db)
    one_error_line(done, "ada: no active account with that password")


def test_a_second_administrator_cannot_be_made_with_init(copy, tmp_path):
    done = cli("init", "--out", str(copy), "--admin", "eve", "--password-file", _secret(tmp_path, "paula"))
    one_error_line(done, "already has an administrator (ada)")


def test_a_draft_cannot_be_signed_into_the_ledger(copy, tmp_path):
    pki = make_test_pki(tmp_path / "pki")
    draft = copy / "year-1" / "joint-instruction.pdf"
    done = cli("sign", str(draft), "--field", "PartyA_Signature", "--key", str(pki.party_a_p12),
                   "--passphrase-file", str(pki.passphrase_file), "--db", str(copy / "ledger.sqlite"),
                   "--on", "2027-01-21")
    one_error_line(done, "DRAFT joint-instruction awaiting approval", "compliance approve --year 1")
    assert _events(copy, "document_signed") == []
    assert not (copy / "year-1" / "joint-instruction.signed.pdf").exists()


def test_the_approved_final_is_signed_and_the_signature_recorded_against_it(copy, tmp_path):
    pki = make_test_pki(tmp_path / "pki")
    final = copy / "year-1" / "approved" / "joint-instruction.pdf"
    done = cli("sign", str(final), "--field", "PartyA_Signature", "--key", str(pki.party_a_p12),
                   "--passphrase-file", str(pki.passphrase_file), "--db", str(copy / "ledger.sqlite"),
                   "--on", "2027-01-21")
    assert done.returncode == 0, done.stderr
    [signed] = _events(copy, "document_signed")
    assert signed.data["approval"] >= 1 and signed.data["field"] == "PartyA_Signature"
    assert signed.data["signed_file"] == "year-1/approved/joint-instruction.signed.pdf"
    second = cli("sign", str(copy / "year-1" / "approved" / "joint-instruction.signed.pdf"), "--field",
                     "PartyB_Signature", "--key", str(pki.party_b_p12), "--passphrase-file",
                     str(pki.passphrase_file), "--db", str(copy / "ledger.sqlite"), "--on", "2027-01-22")
    assert second.returncode == 0, second.stderr
    assert [(e.data["order"], e.data["field"]) for e in _events(copy, "document_signed")] == [
        (1, "PartyA_Signature"), (2, "PartyB_Signature")]


def test_from_nothing_to_a_served_desk_with_init_and_serve(tmp_path, monkeypatch):
    import uvicorn
    from starlette.testclient import TestClient
    from typer.testing import CliRunner

    from compliance.cli import app

    out = tmp_path / "deal"
    started = invoke("init", "--out", str(out), "--admin", "ada", "--password-file", _secret(tmp_path, "ada"))
    assert started.returncode == 0 and "ada administers the accounts" in started.stdout
    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: apps.append(asgi))
    served = CliRunner().invoke(app, ["serve", "--out", str(out)])
    assert served.exit_code == 0, served.output
    assert TestClient(apps[-1], base_url="http://127.0.0.1").get("/login").status_code == 200


def test_a_release_is_recorded_only_under_a_proven_name(copy, tmp_path):
    db = str(copy / "ledger.sqlite")
    release = ("record", "released", "--year", "1", "--date", "2027-01-25", "--db", db)
    one_error_line(cli(*release), "say who records this with --by NAME")
    one_error_line(cli(*release, "--by", "paula", "--password-file", _secret(tmp_path, "alice")),
                   "paula: no active account with that password")
    done = cli(*release, "--by", "paula", "--password-file", _secret(tmp_path, "paula"))
    assert done.returncode == 0, done.stderr
    [released] = _events(copy, "released")
    assert released.data["by"] == "paula" and released.data["shares"] == 3_000_000


def test_a_person_changes_their_own_password_proving_the_old_one(copy, tmp_path):
    db = str(copy / "ledger.sqlite")
    new = _secret(tmp_path, "new", "paula's newer password")
    wrong = cli("users", "password", "paula", "--old-password-file", _secret(tmp_path, "alice"), "--password-file",
                new, "--db", db)
    one_error_line(wrong, "paula: no active account with that password")
    done = cli("users", "password", "paula", "--old-password-file", _secret(tmp_path, "paula"), "--password-file",
               new, "--db", db)
    assert done.returncode == 0, done.stderr
    [changed] = _events(copy, "password_changed")
    assert changed.data["name"] == "paula" and changed.data["by"] == "paula"
    with open_ledger(copy / "ledger.sqlite", create=False) as ledger:
        from compliance.operations.accounts import authenticate

        assert authenticate(ledger, "paula", "paula's newer password") is not None
        assert authenticate(ledger, "paula", PASSWORDS["paula"]) is None


def test_status_shows_who_signed_which_field_of_each_letter_in_order(copy, tmp_path):
    pki = make_test_pki(tmp_path / "pki")
    folder = copy / "year-1" / "approved"
    for pdf, field, key, day in ((folder / "joint-instruction.pdf", "PartyA_Signature", pki.party_a_p12, "2027-01-21"),
                                 (folder / "joint-instruction.signed.pdf", "PartyB_Signature", pki.party_b_p12,
                                  "2027-01-22")):
        done = cli("sign", str(pdf), "--field", field, "--key", str(key), "--passphrase-file",
                   str(pki.passphrase_file), "--db", str(copy / "ledger.sqlite"), "--on", day)
        assert done.returncode == 0, done.stderr
    status = cli("status", "--db", str(copy / "ledger.sqlite"), "--as-of", "2027-01-23")
    assert status.returncode in (0, 1), status.stderr
    lines = [line.strip() for line in status.stdout.splitlines() if line.strip().startswith("signed")]
    assert lines == [
        "signed      joint-instruction.signed.pdf: PartyA_Signature by Yi Yang on 2027-01-21 (signature 1)",
        "signed      joint-instruction.signed-2.pdf: PartyB_Signature by 王小明 on 2027-01-22 (signature 2)"]
