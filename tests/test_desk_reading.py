"""An upload that takes longer than the desk waits (a scan read by OCR) answers with a page that shows where
the reading stands, page by page, and refreshes itself; the Inbox then says what became of each file. A second
upload made meanwhile waits its turn instead of failing (issue 29; issue 31 point 6)."""

from __future__ import annotations

import shutil
import threading

import pytest
from helpers.desk import PASSWORD, YEAR_1_REPORT, FakeMonotonic, csrf_of, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.desk import DeskSettings, create_app
from compliance.desk import reading as desk_reading
from compliance.desk.reading import progress_sentence
from compliance.ledger import open_ledger


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("reading-base"), with_report=False)


class SlowToolkit:
    """The real extraction, after telling the desk where a scan's OCR stands and waiting to be let go."""

    let_go = threading.Event()
    told = threading.Event()

    def extract(self, paths, contract, *, evidence_dir, workers, progress, page_progress=None):
        from compliance.operations.run import Toolkit

        for done in (1, 2, 3):
            page_progress(str(paths[0]), "finding", done, 63)
        page_progress(str(paths[0]), "reading", 12, 1)
        SlowToolkit.told.set()
        assert SlowToolkit.let_go.wait(30)
        return Toolkit().extract(paths, contract, evidence_dir=evidence_dir, workers=workers, progress=progress)


@pytest.fixture
def slow_desk(base, tmp_path, monkeypatch):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    SlowToolkit.let_go.clear()
    SlowToolkit.told.clear()
    monkeypatch.setattr(desk_reading, "Toolkit", SlowToolkit)
    app = create_app(DeskSettings(out_dir=copy, contract_path=contract, upload_wait_seconds=0.2,
                                  monotonic=FakeMonotonic()))
    yield copy, app
    SlowToolkit.let_go.set()


def _signed_in(app, name: str) -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name, PASSWORD).status_code == 303
    return browser


def _upload(browser: TestClient, name: str):
    token = csrf_of(browser.get("/inbox").text)
    return browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=False,
                        files={"reports": (name, YEAR_1_REPORT.read_bytes(), "application/pdf")})


def test_progress_is_said_in_one_plain_sentence_per_stage():
    assert progress_sentence("finding", 40, 63) == ("This is a scan: looking through the tops of its pages for the "
                                                    "report and its statements (40 of 63 pages looked through).")
    assert progress_sentence("reading", 12, 1) == "Reading page 12 in full (1 page read in full so far)."
    assert progress_sentence("reading", 20, 3) == "Reading page 20 in full (3 pages read in full so far)."


def test_a_slow_upload_shows_its_progress_then_the_inbox_says_what_became_of_it(slow_desk):
    out, app = slow_desk
    browser = _signed_in(app, "paula")
    answered = _upload(browser, "scan.pdf")
    assert answered.status_code == 303 and answered.headers["location"].startswith("/inbox/reading/")
    page_address = answered.headers["location"]
    assert SlowToolkit.told.wait(10)
    page = browser.get(page_address)
    assert page.status_code == 200 and page.headers["refresh"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "scan.pdf" in page.text and "Reading page 12 in full (1 page read in full so far)." in page.text

    other = _signed_in(app, "alice")  # another person's session does not see this upload's page
    assert other.get(page_address, follow_redirects=False).headers["location"] == "/inbox"

    SlowToolkit.let_go.set()
    for _ in range(100):
        done = browser.get(page_address, follow_redirects=False)
        if done.headers.get("location") == "/inbox":
            break
        threading.Event().wait(0.1)
    inbox = browser.get("/inbox")
    assert "scan.pdf: accepted (year 1)" in inbox.text
    assert browser.get(page_address, follow_redirects=False).headers["location"] == "/inbox"  # shown once
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert len(ledger.reports()) == 1
    assert not list((out / ".desk-uploads").iterdir())  # the spooled upload is gone once recorded


def test_a_second_upload_during_a_slow_one_waits_its_turn_and_is_recorded(slow_desk):
    out, app = slow_desk
    first, second = _signed_in(app, "paula"), _signed_in(app, "alice")
    assert _upload(first, "scan.pdf").status_code == 303
    assert SlowToolkit.told.wait(10)
    waiting = _upload(second, "copy.pdf")
    page = second.get(waiting.headers["location"])
    assert "Waiting for the files of an earlier upload to be read." in page.text
    SlowToolkit.let_go.set()
    for _ in range(100):
        if second.get(waiting.headers["location"], follow_redirects=False).headers.get("location") == "/inbox":
            break
        threading.Event().wait(0.1)
    assert "copy.pdf: accepted (year 1)" in second.get("/inbox").text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert len(ledger.reports()) == 1  # the same bytes: one report, two names
        assert {"scan.pdf", "copy.pdf"} <= set(ledger.report_names(ledger.reports()[0]["sha256"]))
