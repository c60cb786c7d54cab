"""The rules of a confirmation by hand (operations.confirming), one by one, on recorded extractions made up for
the purpose (no PDF is read): the figure typed blind must be one the product read, in the statement's unit; a
figure the product did not find needs its page; a typed period must be an Assessment Year; a modified opinion
needs the approver's written reason; a ledger without accounts has no four eyes to give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.contract import load_contract
from compliance.ledger import open_ledger
from compliance.operations.accounts import add_user
from compliance.operations.confirmation import confirmed_extraction, in_force, report_revenue, to_confirm
from compliance.operations.confirming import ConfirmationError, confirm, countersign
from compliance.operations.planning import YearStatus, plan_year

PASSWORD = "correct horse battery"
ON = dt.date(2028, 3, 31)
CONTRACT = load_contract()


def _problem(code: str, message: str = "a problem", **extra) -> dict:
    return {"code": code, "severity": "review", "message": message, **extra}


def _extraction(sha: str, problems: list[dict], **fields) -> dict:
    base = {"file": f"{sha[:4]}.pdf", "sha256": sha, "status": "needs_review", "entity": "Zhejiang Ordinary Smile",
            "period_start": "2026-12-01", "period_end": "2027-11-30", "assessment_year": 2,
            "operating_revenue": "731250000.00", "currency": "CNY", "unit": "元", "auditor": "A firm",
            "opinion": "unqualified", "report_date": "2028-01-20", "report_number": "No. 1", "evidence": None,
            "problems": problems, "sources": {}, "ocr": {}}
    return {**base, **fields}


@pytest.fixture
def ledger(tmp_path):
    with open_ledger(tmp_path / "ledger.sqlite") as opened:
        for name, role in (("paula", "preparer"), ("alice", "approver")):
            add_user(opened, name=name, role=role, password=PASSWORD, on=ON)
        yield opened


def _record(ledger, extraction: dict) -> str:
    with ledger.transaction():
        ledger.add_report(extraction["sha256"], 100, extraction["file"], extraction)
    return extraction["sha256"]


def _confirm(ledger, sha: str, values: dict, pages: dict | None = None, by: str = "paula"):
    return confirm(ledger, CONTRACT, report=sha, values=values, pages=pages or {}, by=by, password=PASSWORD, on=ON)


def test_two_revenue_lines_the_figure_typed_must_be_one_of_them_in_the_statements_unit(ledger):
    sha = _record(ledger, _extraction("a" * 64, [_problem("ambiguous_revenue", field="operating_revenue",
                                                          readings=["731250000.00", "731520000.00"])],
                                      operating_revenue=None, unit="万元", evidence={"page": 7}))
    wanted = to_confirm(ledger.extraction(sha))
    assert [row.field for row in wanted.fields] == ["operating_revenue"]
    assert wanted.fields[0].read_as is None  # typed blind: nothing to copy
    with pytest.raises(ConfirmationError, match="you typed 73,215.00 万元 .732,150,000.00 yuan.*731,250,000.00 yuan or "
                                                "731,520,000.00 yuan"):
        _confirm(ledger, sha, {"operating_revenue": "73,215.00"})
    event = _confirm(ledger, sha, {"operating_revenue": "７３，１５２．００"})  # full-width, as a scan may print it
    entry = event.data["fields"]["operating_revenue"]
    assert (entry["value"], entry["unit"], entry["page"]) == ("731520000.00", "万元", 7)
    assert entry["read_as"] == ["731250000.00", "731520000.00"]
    countersign(ledger, report=sha, by="alice", password=PASSWORD, on=ON)
    assert report_revenue(ledger, sha) == Decimal("731520000.00")
    assert plan_year(ledger, 2).status == YearStatus.READY


def test_a_figure_the_product_did_not_find_is_typed_with_its_page(ledger):
    sha = _record(ledger, _extraction("b" * 64, [_problem("revenue_not_found")], operating_revenue=None))
    with pytest.raises(ConfirmationError, match="say on which page"):
        _confirm(ledger, sha, {"operating_revenue": "702,345,678.90"})
    event = _confirm(ledger, sha, {"operating_revenue": "702,345,678.90"}, {"operating_revenue": 12})
    assert event.data["fields"]["operating_revenue"]["page"] == 12
    assert event.data["fields"]["operating_revenue"]["read_as"] == []


def test_a_unit_not_printed_is_typed_with_the_figure(ledger):
    sha = _record(ledger, _extraction("c" * 64, [_problem("unit_not_found")], unit=None,
                                      evidence={"page": 3}))
    assert [row.field for row in to_confirm(ledger.extraction(sha)).fields] == ["operating_revenue", "unit"]
    with pytest.raises(ConfirmationError, match="not a unit"):
        _confirm(ledger, sha, {"operating_revenue": "731,250.00", "unit": "dozens"}, {"unit": 3})
    event = _confirm(ledger, sha, {"operating_revenue": "731,250.00", "unit": "千元"}, {"unit": 3})
    assert event.data["fields"]["operating_revenue"]["value"] == "731250000.00"


def test_a_period_typed_by_hand_must_be_an_assessment_year_and_decides_which(ledger):
    sha = _record(ledger, _extraction("d" * 64, [_problem("period_not_found")], period_start=None, period_end=None,
                                      assessment_year=None))
    pages = {"period_start": 1, "period_end": 1}
    with pytest.raises(ConfirmationError, match="not an Assessment Year"):
        _confirm(ledger, sha, {"period_start": "2027-01-01", "period_end": "2027-12-31"}, pages)
    event = _confirm(ledger, sha, {"period_start": "2026-12-01", "period_end": "2027-11-30"}, pages)
    assert event.year == 2
    countersign(ledger, report=sha, by="alice", password=PASSWORD, on=ON)
    assert confirmed_extraction(ledger, sha)["assessment_year"] == 2
    assert plan_year(ledger, 2).report_sha256 == sha


def test_a_modified_opinion_needs_the_approvers_written_reason(ledger):
    sha = _record(ledger, _extraction("e" * 64, [_problem("opinion_modified")], opinion="qualified",
                                      sources={"opinion": "auditor's report, page 2"}))
    _confirm(ledger, sha, {"opinion": "保留意见"})
    with pytest.raises(ConfirmationError, match="write the reason.*modified"):
        countersign(ledger, report=sha, by="alice", password=PASSWORD, on=ON)
    countersign(ledger, report=sha, by="alice", password=PASSWORD, on=ON,
                reason="Counsel advises the qualification does not touch revenue (memo of 2 April 2028).")
    assert in_force(ledger)[sha].approver_reason.startswith("Counsel advises")
    assert confirmed_extraction(ledger, sha)["opinion"] == "qualified"


def test_only_the_fields_left_unproven_are_confirmed(ledger):
    sha = _record(ledger, _extraction("f" * 64, [_problem("ocr_unconfirmed")], evidence={"page": 5}))
    with pytest.raises(ConfirmationError, match="Accounting firm: the report proves this"):
        _confirm(ledger, sha, {"operating_revenue": "731,250,000.00", "auditor": "Another firm"})
    with pytest.raises(ConfirmationError, match="Operating revenue .* is missing"):
        _confirm(ledger, sha, {})


def test_no_accounts_no_confirmation(tmp_path):
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        sha = _record(ledger, _extraction("9" * 64, [_problem("ocr_unconfirmed")], evidence={"page": 5}))
        with pytest.raises(ConfirmationError, match="two authenticated people"):
            _confirm(ledger, sha, {"operating_revenue": "731,250,000.00"})


@settings(max_examples=40, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10**13))
def test_a_typed_figure_is_accepted_exactly_when_it_is_a_reading(tmp_path_factory, cents):
    typed = Decimal(cents) / 100
    with open_ledger(tmp_path_factory.mktemp("property") / "ledger.sqlite") as ledger:
        add_user(ledger, name="paula", role="preparer", password=PASSWORD, on=ON)
        sha = _record(ledger, _extraction("7" * 64, [_problem("ocr_unconfirmed")], evidence={"page": 5}))
        try:
            event = _confirm(ledger, sha, {"operating_revenue": f"{typed:,.2f}"})
        except ConfirmationError:
            assert typed != Decimal("731250000.00")
        else:
            assert typed == Decimal("731250000.00")
            assert event.data["fields"]["operating_revenue"]["value"] == "731250000.00"
