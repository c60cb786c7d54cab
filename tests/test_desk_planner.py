"""The planner on the desk's year page (issue 33): the next open year shows what its revenue would release under
each reading, as a table and as a server-side SVG chart; other years do not. Through the ASGI test client, on
a real run of the year-1 fixture (year 1 met), and on a copy where year 1 is redetermined short of its target."""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from helpers.cli import invoke
from helpers.desk import AS_OF, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.contract import load_contract
from compliance.ledger import NewDetermination, open_ledger, writer_lock
from compliance.rules.earnout import assess_year
from compliance.rules.earnout_json import year_json

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("planner-base"), with_report=True)


def browser_on(out, contract) -> TestClient:
    browser = TestClient(desk_app(out, contract), base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, "victor").status_code == 303  # a viewer sees the planner too
    return browser


def panel(page: str) -> str:
    found = re.search(r'<section class="plan".*?</section>', page, re.S)
    assert found, "the page has no planner panel"
    return found.group(0)


def cells(table_html: str) -> dict[str, list[str]]:
    """Each row of the planner's table: its header -> its cells, as text."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table_html, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            label = re.sub(r"<[^>]+>", "", header.group(1)).strip()
            rows[label] = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                           for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


def test_the_next_open_year_shows_the_planner_table_and_chart(base, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(base[0], out)
    browser = browser_on(out, base[1])
    page = browser.get("/years/2")
    assert page.status_code == 200
    shown = panel(page.text)
    assert "<caption>Year 2: what its revenue would release, by reading</caption>" in shown
    assert re.findall(r'<th scope="col" class="num">([^<]+)</th>', shown) == [
        "spa (default)", "spa-excess-year-target", "6k-summary"]
    rows = cells(shown)
    assert rows["Revenue that meets the target (RMB)"] == ["732,000,000.00"] * 3
    assert rows["Shares deducted per RMB 1,000,000 below target SPA 5.2(1)"] == ["4,098.3607"] * 3  # 250000/61
    assert rows["Smallest revenue restoring them all (RMB)"] == ["nothing to restore"] * 3  # year 1 met its target
    assert '<img src="/charts/plan/2.svg"' in shown and 'alt="Two line charts' in shown
    assert "style=" not in shown and "<script" not in shown  # the CSP allows neither inline

    chart = browser.get("/charts/plan/2.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.headers["content-security-policy"].startswith("default-src 'none'")
    root = ET.fromstring(chart.content)
    assert root.get("role") == "img" and root[0].text == "Year 2: what its revenue releases"
    texts = {element.text for element in root.iter(f"{SVG}text")}
    assert {"Its own tranche", "Earlier shares restored", "Nothing deducted from earlier years"} <= texts

    for year in (1, 3):  # determined, or not the next open year: no planner
        assert 'class="plan"' not in browser.get(f"/years/{year}").text
        assert browser.get(f"/charts/plan/{year}.svg").status_code == 404


def test_a_year_short_of_its_target_shows_the_restoring_revenue_under_each_reading(base, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(base[0], out)
    contract = load_contract(base[1])
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        first = ledger.current_determination(1)
        revenues = {1: Decimal("600000000.00")}  # docs/contract-reading.md: 65,000,000 short, 293,234 deducted
        result = assess_year(contract, revenues, 1).result
        redetermined = NewDetermination(1, "f" * 64, "spa", first.contract_id, first.contract_sha256,
                                        first.report_sha256, revenues, first.reports, year_json(result),
                                        result.release_shares, AS_OF)
        with ledger.transaction():
            ledger.issue("instructed", year=1, as_of=AS_OF, documents=[], determination=redetermined)
    browser = browser_on(out, base[1])
    rows = cells(panel(browser.get("/years/2").text))
    assert rows["Shares still deducted from earlier years"] == ["293,234"] * 3
    # spa: 732,000,000 + 2 x 65,000,000; 6k-summary: the first fen above 150% of the target (section 5's table)
    assert rows["Smallest revenue restoring them all (RMB)"] == [
        "862,000,000.00", "none; the most from 862,000,000.00", "1,098,000,000.01"]
    # spa-excess-year-target: 65,000,000 / 732,000,000 x 3,000,000 = 266,393.44... restored; tranche 1's floor
    # rises from 2,706,766 to 2,973,160 (2,706,766.917... + 266,393.442...), by 266,394
    assert rows["Year's release at that revenue"] == ["3,293,234", "3,266,394", "3,293,234"]
    assert rows["Shares restored per RMB 1,000,000 of excess"] == ["2,255.6391", "2,049.1803", "–"]
    chart = ET.fromstring(browser.get("/charts/plan/2.svg").content)
    description = chart[1].text
    assert "spa: RMB 862,000,000.00 restores all deducted shares, +293,234" in description
    texts = {element.text for element in chart.iter(f"{SVG}text")}
    assert "spa: all from RMB 862.0m, +293,234" in texts and "target RMB 732.0m" in texts


def test_assess_plan_starts_from_the_revenues_the_ledger_records(base):
    out, contract = base
    ledger = str(out / "ledger.sqlite")
    plan = ("assess", "--plan", "--db", ledger, "--contract", str(contract))
    done = invoke(*plan, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["revenues"] == {"1": "702345678.90"}
    assert [item["year"] for item in data["open_years"]] == [2, 3, 4, 5]
    given = invoke(*plan, "--json", "--revenue", "2=700000000")
    assert json.loads(given.stdout)["revenues"] == {"1": "702345678.90", "2": "700000000.00"}
    other = invoke(*plan, "--revenue", "1=600000000")
    assert other.returncode == 2 and "the ledger has determined year 1" in other.stderr
