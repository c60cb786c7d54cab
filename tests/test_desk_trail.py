"""Issue 31, the readable audit trail: sign-ins, refused sign-ins and uploads recorded in the hash chain with who
and when (never a password); the desk's Trail page in plain sentences with the chain check at its top,
filtered by year and by person, exported as CSV a spreadsheet cannot run; `compliance ledger trail` over the
same operation; and a scanned report's fields labelled OCR with their page, never "text layer"."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import threading
import time
from html import unescape

import pytest
from helpers.cli import invoke
from helpers.desk import PASSWORD, YEAR_1_REPORT, csrf_of, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.ledger import Event, open_ledger, writer_lock
from compliance.operations.audit_trail import sentence, trail, trail_csv
from compliance.operations.field_sources import field_source


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A ledger with the accounts and no report: the desk's upload brings the year-1 report in."""
    return make_ledger(tmp_path_factory.mktemp("trail-base"), with_report=False)


@pytest.fixture
def desk(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy, contract, desk_app(copy, contract)


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def events(out, kind: str | None = None) -> list[Event]:
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        return ledger.events(kinds=(kind,) if kind else ())


def upload(browser, name: str = "y1.pdf"):
    token = csrf_of(browser.get("/inbox").text)
    return browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=True,
                        files={"reports": (name, YEAR_1_REPORT.read_bytes(), "application/pdf")})


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def cycle(desk):
    """A refused sign-in, paula's sign-in and her upload of the year-1 report, bob's sign-in."""
    out, contract, app = desk
    browser = client(app)
    assert sign_in(browser, "paula", "not her password").status_code == 401
    assert sign_in(browser, "paula").status_code == 303
    assert upload(browser).status_code == 200
    other = client(app)
    assert sign_in(other, "bob").status_code == 303
    return out, contract, app, browser


def test_sign_ins_refusals_and_uploads_are_in_the_hash_chain_with_who_and_when(cycle):
    out, _, _, _ = cycle
    signed = events(out, "signed_in")
    assert [e.data["by"] for e in signed] == ["paula", "bob"]
    assert all(e.data["at"] == "2027-01-20T09:30:00+00:00" for e in signed)
    refused = events(out, "sign_in_refused")
    assert len(refused) == 1 and refused[0].data["name"] == "paula"
    uploaded = events(out, "uploaded")
    assert len(uploaded) == 1
    assert uploaded[0].data["by"] == "paula" and uploaded[0].data["name"] == "y1.pdf" and uploaded[0].year == 1
    assert uploaded[0].data["at"] == "2027-01-20T09:30:00+00:00"
    everything = json.dumps([e.data for e in events(out)])
    assert "not her password" not in everything and PASSWORD not in everything  # never a password
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert ledger.verify().ok


def test_the_trail_page_says_who_did_what_and_when_under_the_chain_check(cycle):
    out, _, _, browser = cycle
    page = browser.get("/trail")
    assert page.status_code == 200
    text = text_of(page.text)
    total = len(events(out))
    first = text.index("checks out")
    assert f"The ledger's chain of {total} events checks out" in text
    assert first < text.index("What happened")  # the check comes first
    assert "A sign-in as paula was refused" in text
    assert "paula signed in" in text and "bob signed in" in text
    assert "paula uploaded y1.pdf, read as year 1" in text
    assert "20 January 2027, 09:30 UTC" in text
    assert "{" not in text and "'rows'" not in text  # sentences, not dictionaries


def test_the_trail_is_filtered_by_year_and_by_person(cycle):
    _, _, _, browser = cycle
    by_bob = text_of(browser.get("/trail", params={"by": "bob"}).text)
    assert "bob signed in" in by_bob and "paula signed in" not in by_bob
    year_1 = text_of(browser.get("/trail", params={"year": "1"}).text)
    assert "paula uploaded y1.pdf" in year_1 and "signed in" not in year_1
    both = text_of(browser.get("/trail", params={"year": "1", "by": "PAULA"}).text)
    assert "paula uploaded y1.pdf" in both and "read as year 1's report: accepted" not in both
    assert browser.get("/trail", params={"year": "9"}).status_code == 400


def test_the_trail_downloads_as_csv_with_the_same_entries(cycle):
    _, _, _, browser = cycle
    response = browser.get("/trail.csv", params={"by": "paula"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="audit-trail-paula.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Event", "When", "Who", "Year", "What happened", "Kind", "Hash"]
    body = [row for row in rows[1:] if len(row) == 7]
    assert {row[2] for row in body} == {"paula"}
    assert any(row[5] == "uploaded" and row[1] == "20 January 2027, 09:30 UTC" for row in body)
    assert rows[-1][0].startswith("The ledger's chain of")
    page = browser.get("/trail", params={"by": "paula"}).text
    assert 'href="/trail.csv?by=paula"' in page


@pytest.mark.parametrize("tried", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_a_name_tried_that_a_spreadsheet_would_run_is_a_quoted_text_cell(desk, tried):
    _, _, app = desk
    browser = client(app)
    sign_in(browser, tried, "wrong password!")
    assert sign_in(browser, "victor").status_code == 303
    rows = list(csv.reader(io.StringIO(browser.get("/trail.csv").content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert f"'{tried}" in cells  # the name as the Who column shows it, made text


def test_a_name_tried_is_kept_without_control_characters_and_cut_to_the_forms_length(desk):
    out, _, app = desk
    sign_in(client(app), "mallory\u202e\u0007" + "x" * 80, "wrong password!")
    name = events(out, "sign_in_refused")[0].data["name"]
    assert name.startswith("mallory") and len(name) <= 40 and "\u202e" not in name and "\u0007" not in name


def test_the_trail_needs_a_signed_in_person(desk):
    _, _, app = desk
    response = client(app).get("/trail")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    viewer = client(app)
    sign_in(viewer, "victor")
    assert viewer.get("/trail").status_code == 200


def test_a_sign_in_while_the_ledger_is_busy_is_not_held_up_and_is_recorded_when_it_is_free(desk, monkeypatch):
    from compliance.desk import signins

    monkeypatch.setattr(signins, "FIRST_WAIT_SECONDS", 0.1)
    monkeypatch.setattr(signins, "RETRY_WAIT_SECONDS", 0.2)
    out, _, app = desk
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(out / "ledger.sqlite", what="a long upload"):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        started = time.monotonic()
        assert sign_in(client(app), "alice").status_code == 303
        assert time.monotonic() - started < 5
        assert events(out, "signed_in") == []
    finally:
        release.set()
        holder.join()
    give_up = time.monotonic() + 10
    while not events(out, "signed_in") and time.monotonic() < give_up:
        time.sleep(0.1)
    assert [e.data["by"] for e in events(out, "signed_in")] == ["alice"]


def test_a_sign_in_kept_while_the_ledger_is_busy_survives_a_stopped_desk_and_is_written_once(desk, monkeypatch):
    """The desk stops (the server is shut down) while the ledger is still busy: the sign-in waits in the spool
    beside the ledger, and the next desk writes it, once, however often it starts."""
    from compliance.desk import signins

    monkeypatch.setattr(signins, "FIRST_WAIT_SECONDS", 0.1)
    monkeypatch.setattr(signins, "_start_draining", lambda desk: None)  # the stopped desk's thread never runs
    out, contract, app = desk
    with writer_lock(out / "ledger.sqlite", what="a long upload"):
        assert sign_in(client(app), "alice").status_code == 303
        client(app).post("/login", data={"name": "mallory", "password": "wrong", "csrf": "x"})
    assert events(out, "signed_in") == [] and (out / signins.SPOOL_NAME).is_file()
    monkeypatch.undo()
    desk_app(out, contract)  # the desk started again
    desk_app(out, contract)
    assert [e.data["by"] for e in events(out, "signed_in")] == ["alice"]
    assert not (out / signins.SPOOL_NAME).exists()
    assert "alice signed in" in " ".join(entry.sentence for entry in trail(open_ledger(out / "ledger.sqlite",
                                                                                              create=False)).entries)


def test_an_event_kind_without_its_own_sentence_is_still_told_in_words():
    event = Event(7, "escrow_statement_filed", 1, dt.date(2027, 1, 21),
                  {"by": "alice", "at": "2027-01-21T10:00:00+00:00", "field": "Party D's address",
                   "rows": [{"hash": "ab" * 32}]}, "cd" * 32)
    said = sentence(event)
    assert said == "Escrow statement filed (year 1): field: Party D's address."
    assert "{" not in said and "ab" * 32 not in said


# --- the command line ---------------------------------------------------------------------------------------
def test_ledger_trail_prints_the_same_trail_and_its_csv(cycle):
    out, _, _, _ = cycle
    db = str(out / "ledger.sqlite")
    done = invoke("ledger", "trail", "--db", db, "--by", "paula")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("The ledger's chain of")
    flat = " ".join(done.stdout.split())
    assert "paula uploaded y1.pdf" in flat and "bob signed in" not in flat
    as_csv = invoke("ledger", "trail", "--db", db, "--year", "1", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        expected = trail(ledger, year=1)
    assert rows == list(csv.reader(io.StringIO(trail_csv(expected).removeprefix("\ufeff"))))
    assert {row[3] for row in rows[1:] if len(row) == 7} == {"1"}


# --- a scanned report's fields ------------------------------------------------------------------------------
SCANNED = {  # what the extractor recorded of a scan (fixtures' bad-scanned-image-only.pdf), in brief
    "operating_revenue": "731250000.00", "currency": "CNY", "unit": "元", "period_start": "2026-12-01",
    "period_end": "2027-11-30", "assessment_year": 2, "report_number": "雁源审字[2028]第0043号",
    "entity": "浙江平凡微笑汽车销售有限公司",
    "evidence": {"page": 5, "text": "营业收入合计 731,250,000.00", "png_path": "evidence/none.png"},
    "sources": {"revenue": "income statement, page 5", "report_number": "report title, page 2"},
    "ocr": {key: {"confidence": 0.99, "source": "ocr"} for key in
            ("operating_revenue", "period_end", "report_number", "entity")},
}


def test_a_scanned_reports_fields_say_ocr_and_their_page_never_text_layer():
    assert field_source(SCANNED, "currency") == ("OCR", 5, None)  # read on the revenue line's scanned page
    assert field_source(SCANNED, "unit") == ("OCR", 5, None)
    assert field_source(SCANNED, "period_start")[0] == "OCR"  # read with the period's end
    assert field_source(SCANNED, "report_number") == ("OCR", 2, 0.99)
    assert field_source(SCANNED, "auditor") == ("not found", None, None)
    text_report = {"currency": "CNY", "operating_revenue": "1.00", "ocr": {}}
    assert field_source(text_report, "currency") == ("text", None, None)


def test_the_report_page_of_a_scan_labels_its_fields_ocr_with_the_scanned_page(desk):
    out, _, app = desk
    sha = "ab" * 32
    extraction = {**SCANNED, "status": "needs_review", "file": "scan.pdf", "sha256": sha, "problems": [],
                  "auditor": None, "opinion": None, "report_date": None}
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        with ledger.transaction():
            ledger.add_report(sha, 1000, "scan.pdf", extraction)
    browser = client(app)
    sign_in(browser, "victor")
    page = browser.get(f"/reports/{sha}")
    assert page.status_code == 200
    row = re.compile(r'<th scope="row">([^<]+)</th>(.*?)</tr>', re.S)
    rows = {found.group(1): text_of(found.group(2)) for found in row.finditer(page.text)}
    assert "OCR (scanned page 5)" in rows["Currency"] and "OCR (scanned page 5)" in rows["Unit printed"]
    assert "OCR" in rows["Period from"] and "OCR (scanned page 2)" in rows["Report number"]
    assert "text layer" not in page.text


HASH = "ef" * 32


@pytest.mark.parametrize(("kind", "data", "said"), [
    ("documents_approved", {"approved_by": "alice", "prepared_by": "paula", "approved_at": "2027-01-20T09:30:00+00:00",
                            "documents": [{"slot": "year-1/joint-instruction", "pdf_sha256": HASH}]},
     "alice approved year 1's documents (prepared by paula): joint instruction."),
    ("document_signed", {"signer": "Yi Yang", "field": "PartyA", "signed_file": "year-1/joint-instruction.signed.pdf",
                         "by": "paula", "signed_sha256": HASH},
     "Yi Yang signed year-1/joint-instruction.signed.pdf (signature field PartyA; the signed copy was recorded by "
     "paula)."),
    ("letter_sent", {"kind": "joint-instruction", "how": "courier", "reference": "SF123", "by": "paula",
                     "signed_sha256": HASH}, "paula recorded the joint instruction of year 1 as sent by courier "
                                             "(reference SF123)."),
    ("particular_set", {"key": "party_d.address", "label": "Party D’s address", "value": "1 Harbour Road",
                        "by": "paula"}, "paula set the particular “Party D’s address”: 1 Harbour Road."),
    ("confirmed_by_hand", {"report": HASH, "name": "scan.pdf", "by": "paula", "fields": {"auditor": {}}},
     "paula confirmed by hand auditor of scan.pdf."),
    ("released", {"shares": 3000000, "by": "alice"}, "3,000,000 shares of year 1 were released to Party C "
                                                     "(recorded by alice)."),
])
def test_each_kind_of_event_is_one_plain_sentence_without_its_hashes(kind, data, said):
    event = Event(3, kind, 1, dt.date(2027, 1, 20), data, HASH)
    assert sentence(event) == said
