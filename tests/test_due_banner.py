"""Issue 31, what is due: the latest days to send a joint instruction so that the agent keeps its ten PRC business
days (EA 3.2) before the SPA 5.1 date, by courier (deemed given on the third day, SPA 11.3) or by e-mail; the banner
every signed-in desk page carries (the next year not released, its days left, what holds it up in plain words);
badges that never show an overdue, blocked year as done; and the same dates in `compliance status` and
`compliance deadlines`."""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re
import shutil

import pytest
from helpers.cli import invoke
from helpers.contracts import TEST_CALENDAR, filled_contract
from helpers.desk import NOW, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.contract import load_contract
from compliance.desk import DeskSettings, create_app
from compliance.rules.business_days import agent_transfer_deadline, load_calendar
from compliance.rules.sending import latest_sending_days

SEND = "send the instruction by courier by 14 January or by e-mail by 15 January"
PASSED = " (both days have passed: the agent no longer has its ten business days before the release date)"
YEAR_1 = f"Year 1: release due 29 January 2027 (9 days left); {SEND}{PASSED}"  # on the desk's 20 January 2027


# --- the rule ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    return load_contract(filled_contract(tmp_path_factory.mktemp("due-contract") / "filled.yaml"))


def test_the_latest_sending_days_leave_the_agent_its_ten_business_days(filled):
    calendar = load_calendar(filled)
    found = latest_sending_days(filled, calendar, dt.date(2027, 1, 29))
    # courier Thursday 14 January, deemed given Sunday 17 January (SPA 11.3: the third day after sending); an
    # e-mail on the last business day before: Friday 15 January; 18-22 and 25-29 January are the ten business days
    assert (found.courier_by, found.email_by, found.received_by) == \
        (dt.date(2027, 1, 14), dt.date(2027, 1, 15), dt.date(2027, 1, 17))
    for year in filled.assessment_years:
        due = filled.release_deadline(year.number)
        found = latest_sending_days(filled, calendar, due)
        assert calendar.is_working_day(found.email_by)
        assert agent_transfer_deadline(filled, calendar, found.email_by) <= due  # received the day it is sent
        following = calendar.add_business_days(found.email_by, 1)  # the next day an e-mail counts as received
        assert agent_transfer_deadline(filled, calendar, following) > due


def test_without_the_years_prc_schedule_the_latest_days_are_never_guessed():
    from compliance.operations.due import sending_days

    contract = load_contract(None)  # the built-in contract: no 2027 schedule (the package publishes up to 2026)
    sending = sending_days(contract, load_calendar(contract), contract.release_deadline(1))
    assert not sending.known and sending.missing_year == 2027 and sending.courier_by is None
    assert sending.words() == ("the latest day to send the instruction cannot be computed until the 2027 PRC "
                               "holiday schedule is given")


# --- the desk's banner -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("due-prepared"), with_report=True, prepared_by="paula")


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("due-empty"), with_report=False)


def browser_on(app, name: str = "alice") -> TestClient:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def banner(html: str) -> str:
    found = re.search(r'<aside class="due ([a-z]+)"[^>]*data-field="due">\s*<p><strong>(.*?)</strong>', html, re.S)
    assert found, "the page has no due banner"
    return f"{found.group(1)}: {html_module.unescape(found.group(2))}"


def test_every_signed_in_page_carries_the_due_banner(prepared, tmp_path):
    out, contract = prepared
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    browser = browser_on(desk_app(copy, contract))
    expected = f"late: {YEAR_1}; awaiting an approver."
    for path in ["/overview", "/inbox", "/years/1", "/years/3", "/documents", "/documents/1"]:
        assert banner(browser.get(path).text) == expected, path
    missing = browser.get("/documents/999")  # an error page too
    assert missing.status_code == 404 and banner(missing.text) == expected
    assert 'data-field="due"' not in TestClient(desk_app(copy, contract), base_url="http://127.0.0.1").get(
        "/login").text  # not before signing in


def test_the_banner_says_what_holds_the_year_up_in_plain_words(empty, prepared):
    out, contract = empty
    assert banner(browser_on(desk_app(out, contract)).get("/overview").text) == \
        f"late: {YEAR_1}; waiting for the auditor's report."
    early = create_app(DeskSettings(out_dir=out, as_of=dt.date(2027, 1, 10), contract_path=contract,
                                    upload_wait_seconds=None, clock=lambda: NOW))
    assert banner(browser_on(early).get("/overview").text) == \
        f"pending: Year 1: release due 29 January 2027 (19 days left); {SEND}; waiting for the auditor's report."
    out, contract = prepared
    page = browser_on(desk_app(out, contract), "paula").get("/years/1").text
    deadline = html_module.unescape(page)  # the Year page's deadline section says it too
    assert "Send the instruction by courier by 14 January or by e-mail by 15 January" in deadline


def test_without_the_calendar_the_banner_says_the_latest_day_cannot_be_computed(empty):
    out, _ = empty
    app = create_app(DeskSettings(out_dir=out, as_of=dt.date(2027, 1, 20), upload_wait_seconds=None,
                                  clock=lambda: NOW))  # the built-in contract
    text = banner(browser_on(app).get("/inbox").text)
    assert "the latest day to send the instruction cannot be computed until the 2027 PRC holiday schedule is " \
           "given" in text


def test_an_overdue_blocked_year_never_shows_a_green_done_badge(prepared, tmp_path):
    out, contract = prepared
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    app = create_app(DeskSettings(out_dir=copy, as_of=dt.date(2031, 3, 31), contract_path=contract,
                                  upload_wait_seconds=None, clock=lambda: NOW))
    browser = browser_on(app)
    overview = browser.get("/overview").text
    assert banner(overview).startswith("late: Year 1: release due 29 January 2027 (1,522 days overdue); send the "
                                       "instruction by courier by 14 January or by e-mail by 15 January (both days "
                                       "have passed")
    badges = re.findall(r'<span class="badge ([a-z_]+)" data-field="standing">([^<]+)</span>', overview)
    assert badges[0] == ("late", "overdue: awaiting approval")
    assert all(tone == "late" for tone, _ in badges[:5])
    assert "documents prepared" not in overview and 'class="badge issued"' not in overview
    year = browser.get("/years/1").text
    assert '<span class="badge late" data-field="standing">overdue: awaiting approval</span>' in year


def test_past_the_sending_days_the_badge_is_late_before_the_release_date(prepared):
    out, contract = prepared
    app = create_app(DeskSettings(out_dir=out, as_of=dt.date(2027, 1, 27), contract_path=contract,
                                  upload_wait_seconds=None, clock=lambda: NOW))
    overview = browser_on(app).get("/overview").text
    assert '<span class="badge late" data-field="standing">late to send: awaiting approval</span>' in overview


# --- the command line: the same dates ----------------------------------------------------------------------------
def test_status_prints_the_banners_dates(prepared):
    out, contract = prepared
    done = invoke("status", "--db", str(out / "ledger.sqlite"), "--contract", str(contract), "--as-of", "2027-01-20")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert f"Next due: {YEAR_1}; awaiting an approver." in text
    assert "send by courier 14 January 2027; e-mail 15 January 2027" in text
    assert "now awaiting an approver" in text and "now waiting for the auditor's report" in text
    data = json.loads(invoke("status", "--db", str(out / "ledger.sqlite"), "--contract", str(contract), "--as-of",
                             "2027-01-20", "--json").stdout)
    due = data["years"][0]["due"]
    assert (due["send_by_courier"], due["send_by_email"], due["blocker"]) == ("2027-01-14", "2027-01-15",
                                                                              "awaiting an approver")


def test_deadlines_prints_the_latest_sending_days(prepared):
    _, contract = prepared
    done = invoke("deadlines", "--contract", str(contract), "--as-of", "2027-01-05", env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "courier 14 January 2027; e-mail 15 January 2027" in done.stdout
    unknown = invoke("deadlines", "--as-of", "2027-01-05", env={"COLUMNS": "200"})  # the built-in contract
    assert unknown.returncode == 0, unknown.stderr
    assert "needs the 2027 PRC holiday schedule (--calendar)" in unknown.stdout
    given = invoke("deadlines", "--as-of", "2027-01-05", "--calendar", str(TEST_CALENDAR), env={"COLUMNS": "200"})
    assert "courier 14 January 2027; e-mail 15 January 2027" in given.stdout
