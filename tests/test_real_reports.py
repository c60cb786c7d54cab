"""The real published reports in ../shared/real-reports/ (issue 11), read as a careful reader reads them by hand
(truth.json there): every field right, and nothing ever accepted with a wrong field.

The comparison is fixtures/score_real.py's (`make score-real` prints the same table), so the two never
disagree. The reports are not in the repository (their licences are not stated): without them these tests
are skipped, saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.scripts import load_script
from helpers.shared import computed_once

ROOT = Path(__file__).resolve().parents[1]


score = load_script(ROOT / "fixtures" / "score_real.py")
AVAILABLE = (score.REAL_REPORTS / "truth.json").exists()
TRUTH = score.load_truth() if AVAILABLE else []
BY_FILE = {entry["file"]: entry for entry in TRUTH}
pytestmark = pytest.mark.skipif(not AVAILABLE, reason=f"the real reports are not at {score.REAL_REPORTS} "
                                                      "(../shared/real-reports beside the clone)")


def _short(name: str) -> str:
    return name.split("__")[1] if "__" in name else Path(name).stem


# Fields not read yet, as (file, field): each is expected to fail, strictly, so the suite says so the day one is
# read right. None today: the Hong Kong results announcement in Traditional Chinese (disclaimer of opinion) and
# the annual-report summary with no audit report are read in every field since issue 29.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _case(name: str, field: str):
    gap = KNOWN_GAPS.get((name, field))
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(name, field, id=f"{_short(name)}-{field}", marks=marks)


CASES = [_case(entry["file"], field) for entry in TRUTH for field in score.FIELDS]


def _fully_read(name: str) -> bool:
    return not any(file == name for file, _ in KNOWN_GAPS)


# Each set of readings is made once per session; both xdist workers read the same results (helpers/shared.py).
@pytest.fixture(scope="module")
def builtin(tmp_path_factory) -> dict:
    return computed_once(tmp_path_factory, "real-reports-builtin",
                         lambda: score.extract_all(TRUTH, score.builtin_contract()))


@pytest.fixture(scope="module")
def calendar(tmp_path_factory) -> dict:
    return computed_once(tmp_path_factory, "real-reports-calendar",
                         lambda: score.extract_all(TRUTH, score.calendar_contract(TRUTH)))


def _fitted() -> dict:
    results = {}
    for entry in TRUTH:
        contract = score.fitted_contract(entry)
        if contract is not None:
            results.update(score.extract_all([entry], contract))
    return results


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> dict:
    return computed_once(tmp_path_factory, "real-reports-fitted", _fitted)


@pytest.mark.parametrize(("name", "field"), CASES)
def test_every_field_is_read_as_a_careful_reader_reads_it(calendar, name, field) -> None:
    [result] = [r for r in score.compare(calendar[name], BY_FILE[name]) if r.field == field]
    assert result.right, f"{field}: expected {result.expected!r}, read {result.got!r}"


def test_none_of_them_is_accepted_under_the_built_in_contract(builtin) -> None:
    # None is the Target Company and none covers an Assessment Year (README of the real reports).
    assert {name: str(r.status) for name, r in builtin.items() if r.status == "accepted"} == {}
    for result in builtin.values():
        assert result.problems and all(p.message for p in result.problems)


def test_under_a_contract_naming_them_whatever_is_accepted_is_right_in_every_field(calendar, fitted) -> None:
    for results in (calendar, fitted):
        for name, extraction in results.items():
            if extraction.status == "accepted":
                wrong = [r.field for r in score.compare(extraction, BY_FILE[name]) if not r.right]
                assert wrong == [], f"{name} accepted with wrong {wrong}"


def test_a_report_read_right_is_accepted_under_a_contract_fitted_to_it(fitted) -> None:
    assert {name: [p.code for p in r.problems if p.severity != "warning"]
            for name, r in fitted.items() if r.status != "accepted"} == {}


def test_the_scanned_letter_gets_no_revenue_and_names_what_is_missing(calendar) -> None:
    [letter] = [r for name, r in calendar.items() if "scanned letter" in BY_FILE[name]["kind"]]
    assert letter.status != "accepted" and letter.operating_revenue is None
    assert {"audit_report_not_found", "revenue_not_found"} <= {p.code for p in letter.problems}


def test_firm_and_date_come_from_the_signature_block_and_say_so(calendar) -> None:
    for name, extraction in calendar.items():
        if BY_FILE[name]["auditor"] is None or not _fully_read(name):
            continue
        if BY_FILE[name]["report_date"] is None:  # an extract of the report (an announcement): no signature block
            assert extraction.sources["auditor"].startswith("auditor named in the text, page"), name
            assert "report_date" not in extraction.sources and extraction.status != "accepted", name
            continue
        assert extraction.sources["auditor"].startswith("signature block, page"), name
        assert extraction.sources["report_date"].startswith("signature block, page"), name
        assert extraction.sources["revenue"] == f"income statement, page {BY_FILE[name]['page']}", name


def test_spa_4_1_a_summary_page_figure_is_never_the_audited_figure(calendar) -> None:
    # 四方科技 prints the same revenue in 主要会计数据 on p11; the audited figure is the statement's on p63.
    for name, extraction in calendar.items():
        entry = BY_FILE[name]
        if entry["page"] is not None and _fully_read(name):
            assert extraction.evidence is not None and extraction.evidence.page == entry["page"], name
