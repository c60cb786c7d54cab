"""The committed audit-report fixtures: truth file complete, demo inbox sound, generator deterministic."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers.examples import EXAMPLE_1
from helpers.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
REPORTS = FIXTURES / "audit-reports"
TRUTH = yaml.safe_load((FIXTURES / "truth.yaml").read_text(encoding="utf-8"))

FIELDS = ["file", "status", "problems", "entity", "period_start", "period_end", "assessment_year",
          "operating_revenue", "currency", "unit", "auditor", "opinion", "report_date", "report_number",
          "evidence_page"]
REJECT = {"empty", "not_pdf", "corrupt", "encrypted", "no_text_layer", "too_large"}
REVIEW = {"entity_mismatch", "period_mismatch", "not_assessment_period", "opinion_modified",
          "auditor_not_approved", "currency_mismatch", "revenue_not_found", "ambiguous_revenue",
          "revenue_crosscheck_mismatch", "ocr_auditor_unverified", "ocr_unconfirmed",
          "statements_disagree", "unit_contradiction", "revenue_not_confirmed_in_report"}  # proven twice
# Worked example 1 (docs/contract-reading.md): the demo inbox holds exactly these accepted reports.
WORKED_EXAMPLE_1 = EXAMPLE_1.revenues


def load_generator():
    return load_script(FIXTURES / "make_fixtures.py")


def test_truth_names_every_fixture_file_and_nothing_else():
    named = [e["file"] for e in TRUTH]
    assert len(named) == len(set(named))
    assert sorted(named) == sorted(p.name for p in REPORTS.iterdir() if p.is_file())
    assert len(named) >= 17


def test_truth_entries_have_every_interface_field_in_order():
    for e in TRUTH:
        assert list(e)[: len(FIELDS)] == FIELDS, e["file"]
        assert e["status"] in ("accepted", "needs_review", "rejected")


def test_problem_codes_match_the_status():
    for e in TRUTH:
        codes = set(e["problems"])
        if e["status"] == "accepted":
            assert not codes, e["file"]
        elif e["status"] == "rejected":
            assert codes and codes <= REJECT, e["file"]
        else:
            assert codes and codes <= REVIEW, e["file"]


def test_every_listed_problem_code_has_a_fixture():
    seen = {code for e in TRUTH for code in e["problems"]}
    # (no_text_layer: a scan is now read by OCR; a page OCR finds nothing on is in test_extract_scans.py)
    wanted = {"empty", "not_pdf", "corrupt", "encrypted", "entity_mismatch",
              "period_mismatch", "not_assessment_period", "opinion_modified", "revenue_not_found",
              "currency_mismatch", "revenue_crosscheck_mismatch",
              "statements_disagree", "unit_contradiction", "revenue_not_confirmed_in_report"}  # proven twice
    assert wanted <= seen


def test_demo_inbox_holds_one_accepted_report_per_year_with_worked_example_1():
    accepted = [e for e in TRUTH if e["status"] == "accepted"]
    assert {e["assessment_year"]: e["operating_revenue"] for e in accepted} == WORKED_EXAMPLE_1
    assert len(accepted) == 5


def test_revenue_is_in_yuan_with_two_decimals_and_has_an_evidence_page():
    for e in TRUTH:
        if e["operating_revenue"] is None:
            continue
        assert Decimal(e["operating_revenue"]).as_tuple().exponent == -2, e["file"]
        assert isinstance(e["evidence_page"], int) and e["evidence_page"] >= 1, e["file"]


def test_encrypted_fixture_records_its_password():
    (enc,) = [e for e in TRUTH if e["problems"] == ["encrypted"]]
    assert enc["password"] == "kaixin2027"
    assert enc["with_password"]["operating_revenue"] == "702345678.90"


# Small fixtures from each producer: WeasyPrint, platypus (CID font and embedded TrueType), canvas,
# encryption, zip, empty. The 150-page report and the scan are left out to keep the test fast.
REGENERATED = ["y2-en-rmb-thousands.pdf", "y5-en-expressed-in-rmb.pdf", "review-period-mismatch.pdf",
               "review-other-entity-wanyuan.pdf", "review-crosscheck-mismatch.pdf", "bad-encrypted.pdf",
               "bad-word-document.pdf", "bad-empty.pdf"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    entries = load_generator().build(out, only=set(REGENERATED))
    return out, {e["file"]: e for e in entries}


@pytest.mark.parametrize("name", REGENERATED)
def test_regenerating_gives_byte_identical_files(regenerated, name):
    out, _ = regenerated
    assert (out / name).read_bytes() == (REPORTS / name).read_bytes()


@pytest.mark.parametrize("name", REGENERATED)
def test_regenerated_truth_matches_the_committed_truth(regenerated, name):
    _, entries = regenerated
    (committed,) = [e for e in TRUTH if e["file"] == name]
    assert entries[name] == committed
