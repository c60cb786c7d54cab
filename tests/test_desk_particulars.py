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
