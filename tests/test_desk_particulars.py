"""Issue 31: the Particulars page — a preparer fills a particular in, an approver other than that person
approves it with their password, the page shows who did what, and the letters prepared next use it."""

from __future__ import annotations

import shutil

import pytest
from helpers.desk import PASSWORD, csrf_of, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.ledger import open_ledger


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("particulars-base"), with_report=True)


@pytest.fixture
def desk(base, tmp_path):
    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy, desk_app(copy, contract)


def _browser(app, name: str) -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def test_a_preparer_sets_a_particular_and_another_person_approves_it(desk):
    out, app = desk
    paula = _browser(app, "paula")
    page = paula.get("/particulars")
    assert page.status_code == 200 and "Party B’s registered Chinese name" in page.text
    token = csrf_of(page.text)
    done = paula.post("/particulars/set", data={"csrf": token, "key": "parties.party_b.chinese_name",
                                                "value": "浙江开心汽车有限公司"})
    assert done.status_code == 303
    page = paula.get("/particulars").text
    assert "recorded by paula" in page and "awaiting approval: 浙江开心汽车有限公司 (set by paula)" in page
    assert 'action="/particulars/approve"' not in page  # a preparer does not approve

    alice = _browser(app, "alice")
    token = csrf_of(alice.get("/particulars").text)
    wrong = alice.post("/particulars/approve", data={"csrf": token, "password": "not her password"})
    assert "the password is not right; nothing was approved" in alice.get(wrong.headers["location"]).text
    alice.post("/particulars/approve", data={"csrf": token, "password": PASSWORD})
    page = alice.get("/particulars").text
    assert "Approved by alice: Party B’s registered Chinese name" in page
    assert "浙江开心汽车有限公司<br><small>approved by alice</small>" in page
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        kinds = [event.kind for event in ledger.events(kinds=("particular_set", "particulars_approved"))]
        assert kinds == ["particular_set", "particulars_approved"] and ledger.verify().ok


def test_an_approver_cannot_approve_a_value_they_set(desk):
    _, app = desk
    alice = _browser(app, "alice")
    token = csrf_of(alice.get("/particulars").text)
    alice.post("/particulars/set", data={"csrf": token, "key": "parties.party_b.signatories", "name": "Wang Fang",
                                         "title": "Legal Representative"})
    refused = alice.post("/particulars/approve", data={"csrf": token, "password": PASSWORD})
    assert "alice set Party B’s signatory and cannot also approve it" in alice.get(refused.headers["location"]).text


def test_a_bad_value_and_a_forged_form_are_refused(desk):
    _, app = desk
    paula = _browser(app, "paula")
    token = csrf_of(paula.get("/particulars").text)
    bad = paula.post("/particulars/set", data={"csrf": token, "key": "shares.restrictive_legend", "value": "maybe"})
    assert "Not recorded: The Release Shares’ restrictive legend: choose one of retained, removed" in \
        paula.get(bad.headers["location"]).text
    forged = paula.post("/particulars/set", data={"csrf": "forged", "key": "parties.party_b.address", "value": "x"})
    assert forged.status_code == 403


# --- the PRC holiday schedule of a year the `holidays` package does not publish -----------------------------------
@pytest.fixture
def desk_without_2027(base, tmp_path):
    """The desk over a contract that gives no 2027 PRC holiday schedule (the filled one without its schedule file)."""
    import yaml

    out, contract = base
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    terms = yaml.safe_load(contract.read_text(encoding="utf-8"))
    terms["calendar"]["schedule_files"] = []
    bare = tmp_path / "no-2027.yaml"
    bare.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy, desk_app(copy, bare)


# A test schedule for 2027 (not the State Council's): tests/helpers/calendar-2027-2031.yaml's, the Spring Festival as
# a range, and Tuesday 26 January a holiday too so that Year 1's dates are not those of the test calendar.
SCHEDULE = {"key": "calendar.schedules", "year": "2027", "source": "State Council notice 国办发明电〔2026〕7号 (test)",
            "holidays": "2027-01-01\r\n2027-01-26\r\n2027-02-05\r\n2027-02-08 to 2027-02-11",
            "working_days": "2027-02-13"}


def test_a_prc_schedule_set_at_the_desk_and_approved_by_another_gives_year_1_its_sending_days(desk_without_2027):
    out, app = desk_without_2027
    paula = _browser(app, "paula")
    page = paula.get("/particulars").text
    assert "cannot be computed until the 2027 PRC holiday schedule is given" in page
    assert 'href="/particulars#calendar.schedules">Give the PRC holiday schedule on the Particulars page' in page
    assert "The PRC holiday schedule of a year not yet published" in page and 'name="working_days"' in page
    done = paula.post("/particulars/set", data={"csrf": csrf_of(page), **SCHEDULE})
    page = paula.get(done.headers["location"]).text
    assert "The PRC holiday schedule of a year not yet published: recorded by paula" in page
    assert "awaiting approval (set by paula): <span>2027 (State Council notice 国办发明电〔2026〕7号 (test)): 7 " \
           "holidays (2027-01-01, 2027-01-26, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11); make-up " \
           "working days 2027-02-13</span>" in page
    assert "cannot be computed until the 2027 PRC holiday schedule is given" in page  # not approved yet

    alice = _browser(app, "alice")
    alice.post("/particulars/approve", data={"csrf": csrf_of(alice.get("/particulars").text), "password": PASSWORD})
    page = alice.get("/overview").text
    # by hand: the agent's ten PRC business days before Friday 29 January, 26 January a holiday, are 15, 18-22, 25 and
    # 27-29 January, so it must receive the instruction by Thursday 14 January: by courier sent on Monday 11 January
    # (deemed given on the third day, SPA 11.3), by e-mail on the 14th itself (a business day)
    assert "Year 1: release due 29 January 2027 (9 days left); send the instruction by courier by 11 January or by " \
           "e-mail by 14 January (both days have passed" in page
    assert "Give the PRC holiday schedule" not in page
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        set_by, approved_by = (event.data["by"] for event in ledger.events(kinds=("particular_set",
                                                                                   "particulars_approved")))
        assert (set_by, approved_by) == ("paula", "alice") and ledger.verify().ok


def test_bad_lines_of_a_prc_schedule_are_refused_at_the_desk_each_in_a_sentence(desk_without_2027):
    out, app = desk_without_2027
    paula = _browser(app, "paula")
    token = csrf_of(paula.get("/particulars").text)
    bad = paula.post("/particulars/set", data={"csrf": token, **SCHEDULE, "holidays": "2027-01-01\nFeb 5\n2027-13-01",
                                               "working_days": "2027-01-01"})
    page = paula.get(bad.headers["location"]).text
    assert ("Not recorded: The PRC holiday schedule of a year not yet published: Holidays, line 2 (“Feb 5”) is not "
            "a date: write YYYY-MM-DD, or a range as 2027-02-06 to 2027-02-12; Holidays, line 3 (“2027-13-01”) is not "
            "a real day; 2027-01-01 is both a holiday and a make-up working day; 2027-01-01 is a weekday, and a "
            "make-up working day is a Saturday or Sunday.") in page
    published = paula.post("/particulars/set", data={"csrf": token, **SCHEDULE, "year": "2026",
                                                     "holidays": "2026-01-01"})
    assert "2026 already has a published PRC holiday schedule, which is used" in \
        paula.get(published.headers["location"]).text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        assert not ledger.events(kinds=("particular_set",))
