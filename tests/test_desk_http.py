"""The review desk through the ASGI test client: every route, and every rule of issue 15's point 4 (sessions,
roles, CSRF, four eyes, ledger-only downloads, upload limits, headers, the sign-in throttle).

The ledger is a real run on the year-1 fixture (real extractor and renderer) with every open item filled,
made once for the module; each test works on a copy of its output folder."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import threading
from pathlib import Path

import pytest
from helpers.desk import PASSWORD, YEAR_1_REPORT, YEAR_1_REVENUE, FakeMonotonic, csrf_of, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import revoke_user

PAGES = ["/overview", "/inbox", "/years/1", "/years/2", "/documents", "/documents/1", "/charts/tranches.svg",
         "/files/deadlines.ics", "/files/documents/1.pdf", "/files/documents/1.docx", "/files/pages/1/1.png"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Year 1 prepared by alice, an approver (so that her approving it is the four-eyes refusal)."""
    return make_ledger(tmp_path_factory.mktemp("desk-base"), with_report=True, prepared_by="alice")


@pytest.fixture
def desk(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    clock = FakeMonotonic()
    return copy, contract, clock, desk_app(copy, contract, monotonic=clock)


@pytest.fixture
def short_lock_wait(monkeypatch):
    """The desk waits up to 10 s for another writer before its plain answer; the tests that hold the writer lock
    for longer than that get the same answer after 0.2 s."""
    from compliance.desk import requests as desk_requests

    opened = desk_requests.open_to_write

    def open_to_write(*args, **kwargs):
        return opened(*args, **{**kwargs, "wait": 0.2})

    monkeypatch.setattr(desk_requests, "open_to_write", open_to_write)


def read_letters(browser) -> str:
    """The Year 1 page after opening each of its letters (the approval screen's rule: an approver approves only the
    letters they opened), as an approver about to approve has it."""
    html = browser.get("/years/1").text
    for number in re.findall(r'<details class="letter" id="letter-([0-9]+)"', html):
        assert browser.get(f"/documents/{number}").status_code == 200
    return browser.get("/years/1").text


def approval_form(html: str) -> dict:
    """The Approve form's hidden fields as the Year page rendered them: the CSRF token and the determination."""
    found = re.search(r'name="determination" value="([0-9]+)"', html)
    assert found, "the page has no Approve form"
    return {"csrf": csrf_of(html), "determination": found.group(1)}


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def signed_in(app, name: str) -> TestClient:
    browser = client(app)
    assert sign_in(browser, name).status_code == 303
    return browser


def report_sha(out: Path) -> str:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.reports()[0]["sha256"]


# --- no session: the sign-in page ---------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_every_page_leads_to_the_sign_in_page(desk, path):
    response = client(desk[3]).get(path)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


def test_the_sign_in_page_has_its_form_and_a_strict_session_cookie(desk):
    response = client(desk[3]).get("/login")
    assert response.status_code == 200 and 'name="password"' in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie


# --- every route for a signed-in user ---------------------------------------------------------------------
def test_a_viewer_sees_every_page_with_the_figures(desk):
    out, _, _, app = desk
    browser = signed_in(app, "victor")
    for path in PAGES + [f"/reports/{report_sha(out)}", f"/files/evidence/{report_sha(out)}.png"]:
        assert browser.get(path).status_code == 200, path
    assert YEAR_1_REVENUE in browser.get(f"/reports/{report_sha(out)}").text
    year = browser.get("/years/1").text
    assert "29 January 2027" in year and "9 days left" in year and "3,000,000" in year and "SPA 5.2(1)" not in year
    assert "awaiting approval" in year and "prepared by alice" in year
    assert browser.get("/files/documents/1.pdf").content.startswith(b"%PDF-")
    assert browser.get("/files/pages/1/1.png").content.startswith(b"\x89PNG")
    assert b"BEGIN:VCALENDAR" in browser.get("/files/deadlines.ics").content
    assert "<svg" in browser.get("/charts/tranches.svg").text
    assert "intact" in browser.get("/overview").text


def test_preparing_or_approving_a_year_the_contract_does_not_have_is_404(desk):
    browser = signed_in(desk[3], "alice")
    token = csrf_of(browser.get("/inbox").text)
    for action in ("prepare", "approve"):
        assert browser.post(f"/years/9/{action}", data={"csrf": token, "password": PASSWORD}).status_code == 404


def test_an_unknown_year_report_or_document_is_404(desk):
    browser = signed_in(desk[3], "victor")
    for path in ["/years/9", "/reports/" + "0" * 64, "/reports/nothex", "/documents/999", "/files/documents/999.pdf",
                 "/files/documents/1.exe", "/files/pages/1/99.png", "/files/final/1/0.pdf", "/charts/penalty/1.svg"]:
        assert browser.get(path).status_code == 404, path


# --- roles ---------------------------------------------------------------------------------------------
def test_a_viewer_may_not_upload_prepare_or_approve(desk):
    browser = signed_in(desk[3], "victor")
    token = csrf_of(browser.get("/inbox").text)
    assert browser.post("/years/1/prepare", data={"csrf": token}).status_code == 403
    assert browser.post("/years/1/approve", data={"csrf": token, "password": PASSWORD}).status_code == 403
    refused = browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token},
                           files={"reports": ("r.pdf", YEAR_1_REPORT.read_bytes(), "application/pdf")})
    assert refused.status_code == 403 and "only an approver or a preparer may upload" in refused.text


def test_a_preparer_may_not_approve(desk):
    browser = signed_in(desk[3], "paula")
    token = csrf_of(browser.get("/years/1").text)
    response = browser.post("/years/1/approve", data={"csrf": token, "password": PASSWORD})
    assert response.status_code == 403 and "paula, a preparer" in response.text


# --- CSRF ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/logout", "/inbox/upload", "/inbox/resolve", "/years/1/prepare",
                                  "/years/1/approve"])
def test_a_form_without_the_sessions_csrf_token_is_refused(desk, path):
    browser = signed_in(desk[3], "alice")
    for data in ({}, {"csrf": "forged"}):
        response = browser.post(path, data={**data, "password": PASSWORD, "year": "1"})
        assert response.status_code == 403, (path, data)
        assert "security token" in response.text
    assert browser.get("/overview").status_code == 200  # still signed in: the forged logout did nothing


def test_the_sign_in_form_without_its_csrf_token_is_refused(desk):
    browser = client(desk[3])
    browser.get("/login")
    response = browser.post("/login", data={"name": "alice", "password": PASSWORD})
    assert response.status_code == 403


# --- four eyes -------------------------------------------------------------------------------------------
def test_the_approver_who_prepared_the_documents_cannot_approve_them(desk):
    out, _, _, app = desk
    browser = signed_in(app, "alice")
    form = approval_form(signed_in(app, "bob").get("/years/1").text)  # alice's page has no Approve form
    form["csrf"] = csrf_of(browser.get("/years/1").text)
    response = browser.post("/years/1/approve", data={**form, "password": PASSWORD}, follow_redirects=True)
    assert "Not approved: alice prepared year 1" in response.text
    assert not (out / "year-1" / "approved").exists()


def test_a_different_approver_approves_with_their_password_and_the_final_downloads(desk):
    out, _, _, app = desk
    browser = signed_in(app, "bob")
    form = approval_form(read_letters(browser))
    wrong = browser.post("/years/1/approve", data={**form, "password": "not the password"}, follow_redirects=True)
    assert "Not approved: the password is not right" in wrong.text
    done = browser.post("/years/1/approve", data={**form, "password": PASSWORD}, follow_redirects=True)
    assert "Year 1 approved by bob (prepared by alice)" in done.text
    assert (out / "year-1" / "approved" / "joint-instruction.pdf").is_file()
    final = browser.get("/files/final/1/0.pdf")
    assert final.status_code == 200 and final.content.startswith(b"%PDF-")
    assert b"DRAFT" not in final.content[:2000]
    assert "approved by bob" in browser.get("/documents/1").text


def test_an_approval_form_for_documents_prepared_again_since_is_refused(desk):
    out, _, _, app = desk
    browser = signed_in(app, "bob")
    form = approval_form(read_letters(browser))
    stale = browser.post("/years/1/approve", data={**form, "determination": "999", "password": PASSWORD},
                         follow_redirects=True)
    assert "were prepared again (determination 1)" in stale.text
    assert not (out / "year-1" / "approved").exists()


def test_after_the_contract_file_changes_the_old_drafts_cannot_be_approved(desk):
    out, contract, _, app = desk
    changed = out.parent / "changed.yaml"
    changed.write_text(contract.read_text(encoding="utf-8").replace("E12345678", "E99999999"), encoding="utf-8")
    moved = desk_app(out, changed)
    browser = signed_in(moved, "bob")
    form = approval_form(read_letters(browser))
    response = browser.post("/years/1/approve", data={**form, "password": PASSWORD}, follow_redirects=True)
    assert "the contract file differs from the one year 1" in response.text
    assert not (out / "year-1" / "approved").exists()


def test_a_ledger_busy_with_another_writer_gets_a_plain_answer(desk, short_lock_wait):
    out, _, _, app = desk
    browser = signed_in(app, "bob")
    form = approval_form(read_letters(browser))
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(out / "ledger.sqlite", what="another run"):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        response = browser.post("/years/1/approve", data={**form, "password": PASSWORD})
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503 and "Try again in a moment" in response.text
    assert "Traceback" not in response.text


# --- downloads: the ledger's files only --------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/files/documents/../../ledger.sqlite",
                                  "/files/documents/..%2F..%2Fledger.sqlite.pdf",
                                  "/files/evidence/..%2F..%2Fledger.sqlite.png", "/files/pages/../ledger.sqlite",
                                  "/static/../ledger.sqlite", "/static/..%2F..%2Fapp.py"])
def test_a_path_in_a_download_request_never_reaches_the_file_system(desk, path):
    browser = signed_in(desk[3], "victor")
    response = browser.get(path)
    assert response.status_code == 404, path
    assert b"SQLite format" not in response.content and b"create_app" not in response.content


def test_a_document_changed_on_disk_after_issue_is_not_served(desk):
    out, _, _, app = desk
    (out / "year-1" / "joint-instruction.pdf").write_bytes(b"%PDF-1.7 forged")
    response = signed_in(app, "victor").get("/files/documents/1.pdf")
    assert response.status_code == 409 and "differs from the file the ledger recorded" in response.text


# --- uploads -----------------------------------------------------------------------------------------------
def test_a_report_uploaded_is_read_recorded_once_and_kept_in_the_desk_inbox(desk):
    out, _, _, app = desk
    browser = signed_in(app, "paula")
    token = csrf_of(browser.get("/inbox").text)
    for _ in range(2):
        upload = {"reports": ("../../年度审计报告.pdf", YEAR_1_REPORT.read_bytes(), "application/pdf")}
        response = browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=True,
                                files=upload)
        assert "年度审计报告.pdf: accepted (year 1)" in response.text
    assert (out / "inbox" / "年度审计报告.pdf").is_file() and not (out.parent / "年度审计报告.pdf").exists()
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert len(ledger.reports()) == 1  # the same content as the run's report: one report, one more name
        assert "年度审计报告.pdf" in ledger.report_names(ledger.reports()[0]["sha256"])


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_recorded(desk):
    out, _, _, app = desk
    browser = signed_in(app, "paula")
    token = csrf_of(browser.get("/inbox").text)
    response = browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=True,
                            files={"reports": ("report.pdf", b"PK\x03\x04 a Word file", "application/pdf")})
    assert "report.pdf is not a PDF" in response.text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert len(ledger.reports()) == 1
    assert not (out / "inbox" / "report.pdf").exists()


def _raw_post(app, path: str, headers: list[tuple[bytes, bytes]], chunks: int, chunk: bytes,
              query: bytes = b"") -> tuple[int, int]:
    """POST straight to the ASGI app with a body of `chunks` chunks; (status, how many chunks the app read)."""
    read = 0
    statuses = []

    async def receive():
        nonlocal read
        if read >= chunks:  # the whole body was sent: the client goes away
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    return statuses[0], read


def test_a_300_mb_upload_is_refused_from_its_length_without_reading_the_body(desk):
    megabyte = b"\0" * (1024 * 1024)
    headers = [(b"content-type", b"multipart/form-data; boundary=x"),
               (b"content-length", str(300 * 1024 * 1024).encode())]
    status, read = _raw_post(desk[3], "/inbox/upload", headers, 300, megabyte)
    assert status == 413 and read == 0


def test_an_upload_that_hides_its_length_is_cut_off_at_the_limit(base, tmp_path):
    out, contract = base
    app = desk_app(out, contract, max_upload_mb=1)
    megabyte = b"\0" * (1024 * 1024)
    status, read = _raw_post(app, "/inbox/upload", [(b"content-type", b"multipart/form-data; boundary=x")], 300,
                             megabyte)
    assert status in (303, 413) and read <= 3  # (303: no session, sent to sign in before the body is read)


# --- sessions and sign-in ----------------------------------------------------------------------------------
def test_signing_out_ends_the_session_on_the_server(desk):
    browser = signed_in(desk[3], "victor")
    cookie = browser.cookies.get("desk_session-80")
    token = csrf_of(browser.get("/overview").text)
    assert browser.post("/logout", data={"csrf": token}).status_code == 303
    replay = client(desk[3])
    replay.cookies.set("desk_session-80", cookie)
    assert replay.get("/overview").status_code == 303  # the old cookie no longer opens anything


def test_a_revoked_account_is_signed_out_at_its_next_request(desk):
    out, _, _, app = desk
    browser = signed_in(app, "victor")
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        revoke_user(ledger, name="victor", on=dt.date(2027, 1, 20))
    assert browser.get("/overview").status_code == 303


def test_an_idle_session_ends(desk):
    _, _, clock, app = desk
    browser = signed_in(app, "victor")
    clock.now += 121 * 60
    assert browser.get("/overview").status_code == 303


def test_sign_in_attempts_are_limited_and_the_limit_lifts_after_its_window(desk):
    _, _, clock, app = desk
    browser = client(app)
    for _ in range(5):
        assert sign_in(browser, "alice", "wrong password!").status_code == 401
    blocked = sign_in(browser, "alice")
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
    clock.now += 16 * 60
    assert sign_in(browser, "alice").status_code == 303


def test_a_sign_in_never_redirects_to_another_site(desk):
    browser = client(desk[3])
    token = csrf_of(browser.get("/login").text)
    response = browser.post("/login", data={"csrf": token, "name": "victor", "password": PASSWORD,
                                            "next": "//evil.example/steal"})
    assert response.headers["location"] == "/overview"


# --- headers -------------------------------------------------------------------------------------------------
def test_every_response_carries_the_security_headers(desk):
    browser = signed_in(desk[3], "victor")
    for path in ["/login", "/overview", "/files/documents/1.pdf", "/nowhere"]:
        headers = browser.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    page = browser.get("/overview").text
    assert "<script>" not in page and " style=" not in page and "onclick" not in page  # nothing inline


# --- the command -------------------------------------------------------------------------------------------------
def test_serve_binds_to_this_machine_and_warns_on_any_other_address(desk, monkeypatch, capsys):
    import uvicorn
    from typer.testing import CliRunner

    from compliance.cli import app

    out = desk[0]
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: calls.append(options))
    local = CliRunner().invoke(app, ["serve", "--out", str(out), "--as-of", "2027-01-20"])
    assert local.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and "http://127.0.0.1:8000/" in local.output
    assert "warning" not in local.output
    wide = CliRunner().invoke(app, ["serve", "--out", str(out), "--host", "0.0.0.0"])
    assert wide.exit_code == 0 and calls[-1]["host"] == "0.0.0.0"
    assert "behind a TLS proxy" in wide.output
    missing = CliRunner().invoke(app, ["serve", "--out", str(out / "nowhere")])
    assert missing.exit_code == 2 and "no ledger.sqlite there" in missing.output


# --- issue 26: a desk that resists abuse -------------------------------------------------------------------------
def test_a_forwarded_address_is_believed_only_from_a_named_proxy(desk, monkeypatch):
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: any local client could choose the address the
    sign-in throttle counts. The desk believes no forwarded header unless --proxy-headers names the proxy."""
    import uvicorn
    from typer.testing import CliRunner

    from compliance.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: calls.append(options))
    assert CliRunner().invoke(app, ["serve", "--out", str(desk[0])]).exit_code == 0
    assert calls[-1]["proxy_headers"] is False
    behind = CliRunner().invoke(app, ["serve", "--out", str(desk[0]), "--proxy-headers", "10.0.0.5"])
    assert behind.exit_code == 0 and calls[-1]["proxy_headers"] is True
    assert calls[-1]["forwarded_allow_ips"] == "10.0.0.5"


def test_a_request_naming_another_host_is_refused(desk):
    """DNS rebinding: a page of another site that resolves its name to 127.0.0.1 must not read the desk."""
    elsewhere = TestClient(desk[3], base_url="http://attacker.example", follow_redirects=False)
    assert elsewhere.get("/login").status_code == 400
    assert client(desk[3]).get("/login").status_code == 200


def test_the_hosts_serve_allows_are_this_machines_its_own_and_the_named_ones(desk, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from compliance.cli import app

    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: apps.append(asgi))
    done = CliRunner().invoke(app, ["serve", "--out", str(desk[0]), "--allowed-host", "desk.firm.example"])
    assert done.exit_code == 0
    named = TestClient(apps[-1], base_url="http://desk.firm.example", follow_redirects=False)
    assert named.get("/login").status_code == 200
    assert TestClient(apps[-1], base_url="http://other.example").get("/login").status_code == 400


def test_a_drafts_page_image_does_not_stay_in_the_browser_cache(desk):
    browser = signed_in(desk[3], "victor")
    response = browser.get("/files/pages/1/1.png")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_behind_tls_the_session_cookie_is_host_only_and_hsts_is_sent(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    app = desk_app(copy, contract, secure_cookie=True)
    browser = TestClient(app, base_url="https://127.0.0.1", follow_redirects=False)
    response = browser.get("/login")
    assert response.headers["set-cookie"].startswith("__Host-desk_login=")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    signed = sign_in(browser, "victor")
    cookie = next(value for key, value in signed.headers.multi_items()
                  if key == "set-cookie" and value.startswith("__Host-desk_session="))
    assert "secure" in cookie.lower() and "domain" not in cookie.lower() and "path=/" in cookie.lower()
    assert browser.get("/overview").status_code == 200
    assert "strict-transport-security" not in client(desk_app(copy, contract)).get("/login").headers


def test_a_busy_ledger_page_names_no_path_and_no_process(desk, short_lock_wait):
    out, _, _, app = desk
    browser = signed_in(app, "bob")
    form = approval_form(read_letters(browser))
    with writer_lock(out / "ledger.sqlite", what="another run"):
        response = browser.post("/years/1/approve", data={**form, "password": PASSWORD})
    assert response.status_code == 503 and "Try again in a moment" in response.text
    assert str(out) not in response.text and "pid" not in response.text.lower()


def test_a_resolve_reason_longer_than_the_limit_is_refused_by_the_server(desk):
    out, _, _, app = desk
    browser = signed_in(app, "paula")
    token = csrf_of(browser.get("/inbox").text)
    response = browser.post("/inbox/resolve", data={"csrf": token, "year": "1", "report": report_sha(out),
                                                    "reason": "x" * 3068})
    assert response.status_code == 400 and "at most 500" in response.text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert ledger.events(kinds=("resolved",)) == []


def test_a_rejected_upload_is_recorded_and_not_kept(desk):
    """A file with a PDF header and junk behind it is rejected: its sha256 and problem stay in the ledger, its
    bytes do not stay in the inbox (to be read again at every Prepare, for ever)."""
    out, _, _, app = desk
    junk = b"%PDF-1.7\n" + bytes(range(256)) * 400
    browser = signed_in(app, "paula")
    token = csrf_of(browser.get("/inbox").text)
    browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token},
                 files={"reports": ("junk.pdf", junk, "application/pdf")})
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        rejected = [r for r in ledger.reports() if r["status"] == "rejected"]
        assert len(rejected) == 1 and ledger.extraction(rejected[0]["sha256"])["problems"][0]["code"] == "corrupt"
    assert not (out / "inbox" / "junk.pdf").exists()


def _from(app, address: str) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False, client=(address, 50000))


def test_an_outsider_cannot_lock_a_named_person_out(desk):
    """Five wrong passwords for alice from one address stop that address guessing alice's password; alice,
    from her own address, still signs in."""
    app = desk[3]
    outsider = _from(app, "10.9.8.7")
    for _ in range(5):
        assert sign_in(outsider, "alice", "wrong password!").status_code == 401
    assert sign_in(outsider, "alice").status_code == 429
    assert sign_in(_from(app, "10.1.1.1"), "alice").status_code == 303


def test_one_address_cannot_guess_on_for_ever_whatever_the_names(desk):
    guesser = _from(desk[3], "10.9.8.7")
    for number in range(20):
        assert sign_in(guesser, f"user{number}", "wrong password!").status_code == 401
    assert sign_in(guesser, "alice").status_code == 429


def test_concurrent_wrong_passwords_are_counted_before_they_are_checked(desk, monkeypatch):
    """30 guesses at once for one name from one address: only the first five are evaluated."""
    from compliance.desk import actions

    checked = []
    real = actions.authenticate

    def counting(ledger, name, password):
        checked.append(name)
        return real(ledger, name, password)

    monkeypatch.setattr(actions, "authenticate", counting)
    app = desk[3]
    statuses: list[int] = []

    def guess():
        statuses.append(sign_in(_from(app, "10.9.8.7"), "alice", "wrong password!").status_code)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= 5 and statuses.count(429) >= 25


def test_the_approval_password_counts_against_the_same_limit(desk):
    out, _, _, app = desk
    browser = signed_in(app, "bob")
    form = approval_form(read_letters(browser))
    for _ in range(5):
        response = browser.post("/years/1/approve", data={**form, "password": "wrong password!"},
                                follow_redirects=True)
        assert "the password is not right" in response.text
    response = browser.post("/years/1/approve", data={**form, "password": PASSWORD}, follow_redirects=True)
    assert "too many wrong passwords" in response.text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert ledger.approvals() == []


def test_an_upload_with_a_wrong_token_is_refused_before_its_body_is_read(desk):
    app = desk[3]
    browser = signed_in(app, "paula")
    cookie = f"desk_session-80={browser.cookies.get('desk_session-80')}".encode()
    headers = [(b"cookie", cookie), (b"content-type", b"multipart/form-data; boundary=x"),
               (b"content-length", str(50 * 1024 * 1024).encode())]
    status, read = _raw_post(app, "/inbox/upload", headers, 50, b"\0" * (1024 * 1024), query=b"csrf=forged")
    assert status == 403 and read == 0


def test_no_server_side_session_is_made_before_sign_in(desk):
    """The sign-in form's token is a signed cookie: showing the form, or failing to sign in, stores nothing."""
    app = desk[3]
    for _ in range(50):
        TestClient(app, base_url="http://127.0.0.1").get("/login")
    browser = client(app)
    assert sign_in(browser, "alice", "wrong password!").status_code == 401
    assert len(app.state.desk.sessions) == 0
    forged = client(app)
    forged.get("/login")
    response = forged.post("/login", data={"csrf": "nonce.0123", "name": "victor", "password": PASSWORD})
    assert response.status_code == 403 and "security token" in response.text
    assert sign_in(browser, "victor").status_code == 303 and len(app.state.desk.sessions) == 1


def test_two_desks_in_one_browser_keep_their_own_sessions(base, tmp_path):
    """A browser sends a host's cookies to every port: each desk's cookie is named after its port, so signing
    in to the desk on 8002 does not sign the same browser out of the desk on 8001."""
    out, contract = base
    apps = []
    for number in (1, 2):
        copy = tmp_path / f"out-{number}"
        shutil.copytree(out, copy)
        apps.append(desk_app(copy, contract))
    first = TestClient(apps[0], base_url="http://127.0.0.1:8001", follow_redirects=False)
    assert sign_in(first, "victor").status_code == 303
    second = TestClient(apps[1], base_url="http://127.0.0.1:8002", follow_redirects=False)
    second.cookies = first.cookies  # one browser: one cookie jar for 127.0.0.1
    assert sign_in(second, "alice").status_code == 303
    first.cookies = second.cookies
    assert first.get("/overview").status_code == 200 and "victor" in first.get("/overview").text
    assert second.get("/overview").status_code == 200

