"""Issue 31, point 2: no desk page tells a person to type a command. Every page is rendered as each role sees
it, with the flashes and error pages a person can bring about (a refused upload, a password-protected report,
a wrong approval password, a missing file, a forbidden or unknown page), and none of their HTML holds a
command (`compliance run`) or a flag (`--by`); the operations' own sentences that name them are said in the
desk's words (desk/wording.py)."""

from __future__ import annotations

import re
import shutil

import pytest
from helpers.cli import REPO
from helpers.desk import PASSWORD, YEAR_1_REPORT, csrf_of, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.desk.wording import desk_words
from compliance.extract.problems import problem
from compliance.ledger import open_ledger

SHELL = re.compile(r"compliance [a-z]|(?<![\w-])--[a-z]")
ENCRYPTED = REPO / "fixtures" / "audit-reports" / "bad-encrypted.pdf"


def shell_words(html: str) -> list[str]:
    return [html[max(0, m.start() - 60):m.end() + 60] for m in SHELL.finditer(html)]


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def signed_in(app, name: str) -> TestClient:
    browser = client(app)
    assert sign_in(browser, name).status_code == 303
    return browser


def pages_of(out) -> list[str]:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        reports = [row["sha256"] for row in ledger.reports()]
        documents = [document.id for document in ledger.documents()]
    return (["/overview", "/inbox", "/documents", "/trail", "/trail?year=1", "/years/1", "/years/2", "/years/3",
             "/years/4", "/years/5", "/particulars"] + [f"/reports/{sha}" for sha in reports]
            + [f"/documents/{number}" for number in documents]
            + [f"/documents/{number}/signing" for number in documents])


OTHER_ROLES_ONLY = ("/settings/trust-roots",)  # an administrator's page: the others are refused it, in words


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("words-prepared"), with_report=True)


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("words-empty"), with_report=False)


def copied(base, tmp_path):
    out, contract = base
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "out", desk_app(tmp_path / "out", contract)


def check(response, where: str) -> None:
    found = shell_words(response.text)
    assert not found, f"{where} tells a person to type a command: {found}"


@pytest.mark.parametrize("name", ["paula", "alice", "victor"])
def test_no_page_of_a_prepared_year_names_a_command(prepared, tmp_path, name):
    out, app = copied(prepared, tmp_path)
    browser = signed_in(app, name)
    for path in pages_of(out):
        response = browser.get(path)
        assert response.status_code == 200, path
        check(response, f"{path} as {name}")
    for path in OTHER_ROLES_ONLY:
        check(browser.get(path), f"{path} as {name}")


def test_no_page_names_a_command_before_sign_in_or_on_an_error(prepared, tmp_path):
    _, app = copied(prepared, tmp_path)
    anonymous = client(app)
    check(anonymous.get("/login"), "the sign-in page")
    check(sign_in(anonymous, "paula", "wrong password!"), "a refused sign-in")
    viewer = signed_in(app, "victor")
    for path in ("/years/9", "/documents/999", "/reports/" + "0" * 64, "/nowhere", "/trail?year=x"):
        response = viewer.get(path)
        assert response.status_code in (400, 404), path
        check(response, path)
    token = csrf_of(viewer.get("/overview").text)
    check(viewer.post("/years/1/prepare", data={"csrf": token}), "a viewer's Prepare")
    check(viewer.post("/years/1/prepare", data={"csrf": "forged"}), "a forged form")


def test_no_flash_of_the_year_page_names_a_command(prepared, tmp_path):
    _, app = copied(prepared, tmp_path)
    paula = signed_in(app, "paula")
    token = csrf_of(paula.get("/years/1").text)
    check(paula.post("/years/1/prepare", data={"csrf": token}, follow_redirects=True), "Prepare, nothing new")
    check(paula.post("/years/1/approve", data={"csrf": token, "password": PASSWORD, "determination": "1"},
                     follow_redirects=True), "the preparer's Approve")
    bob = signed_in(app, "bob")
    token = csrf_of(bob.get("/years/1").text)
    check(bob.post("/years/1/approve", data={"csrf": token, "password": "not the password", "determination": "1"},
                   follow_redirects=True), "a wrong approval password")
    check(bob.post("/inbox/resolve", data={"csrf": token, "year": "1", "report": "abcdef", "reason": "why"},
                   follow_redirects=True), "resolving with a report the year does not have")


def test_a_missing_file_is_put_back_with_a_button_not_a_command(prepared, tmp_path):
    out, app = copied(prepared, tmp_path)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        document = ledger.documents()[0]
    (out / document.pdf_path).unlink()
    browser = signed_in(app, "victor")
    page = browser.get(f"/documents/{document.id}")
    check(page, "a document page whose file is missing")
    assert "Prepare button" in page.text
    download = browser.get(f"/files/documents/{document.id}.pdf")
    assert download.status_code == 404
    check(download, "the download of a missing file")


def test_uploads_and_a_year_ready_to_prepare_name_no_command(empty, tmp_path):
    out, app = copied(empty, tmp_path)
    paula = signed_in(app, "paula")
    token = csrf_of(paula.get("/inbox").text)
    for name, data in (("y1.pdf", YEAR_1_REPORT.read_bytes()), ("locked.pdf", ENCRYPTED.read_bytes()),
                       ("notes.pdf", b"not a pdf at all")):
        response = paula.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=True,
                              files={"reports": (name, data, "application/pdf")})
        check(response, f"the upload of {name}")
    for path in pages_of(out):
        check(paula.get(path), f"{path} before anything is prepared")


@pytest.mark.parametrize("sentence", [
    "run `compliance run` to issue its documents",
    "its inputs changed; run `compliance run` to issue the next version",
    "2 accepted reports with different figures (a.pdf, b.pdf); choose one with `compliance resolve --year 1 "
    "--report SHA256 --by NAME --reason TEXT`",
    "mallory has no active account; add one with `compliance users add mallory --role ...`",
    "year 2 has no joint instruction in this ledger yet, so the agent's receipt cannot be recorded; run "
    "`compliance run` on its audit report first",
    "no prices file recorded (run with --prices to see the penalty accrued)",
    "year 1's documents are not approved (a different approver than its preparer must approve it first: "
    "`compliance approve --year 1`); then sign",
    problem("encrypted", detail="The PDF is password-protected; supply the password with --password.").message,
    problem("too_many_pages", pages=900, limit=600).message,
    problem("too_large", size_mb=300, limit_mb=100).message,
    "--by: paula has no active account",
    "--report abc123 is not one of year 1's accepted reports: d4b9073f",
    "a gap of 9 days, so --strict-prices refuses it; add the missing closes if they exist",
    "something new: use `compliance frobnicate --all` to do it, or --wibble",
])
def test_the_operations_sentences_are_said_in_the_desks_words(sentence):
    said = desk_words(sentence)
    assert not shell_words(said), said
    assert "`" not in said


def test_a_token_a_hash_or_a_name_without_a_sentence_is_printed_as_it_is():
    from compliance.desk.wording import finalize

    for value in ("--by-xY3_tokenpart", "ab--report-x", "y1--zh.pdf", "0123abcd" * 8):
        assert finalize(value) == value
    assert finalize("Use --max-pages here") == "Use the max pages setting here"
