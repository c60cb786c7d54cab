"""Issue 28, case 7: a --calendar file never silently replaces a published year. A file may add a year that no
published schedule covers; replacing a published one needs --override-published (on `deadlines` and `penalty`,
the commands that take --calendar) and is stated in every output that used it; a year with no holidays is
refused in one sentence.

The case as found: a 2026 file with `holidays: []` moved the EA 3.2 window of documents received on Sunday
20 September 2026 (a make-up working day) from Saturday 10 October to Friday 2 October 2026, without a word."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from helpers.cli import REPO, invoke

from compliance.documents import Renderer
from compliance.documents.penalty_statement import penalty_statement_context
from compliance.rules.business_days import ScheduleFileError, agent_transfer_deadline, load_calendar
from compliance.rules.deadlines import deadline_rows, ics_bytes
from compliance.rules.penalty import compute_penalty
from compliance.values.prices import series_from_rows

D = dt.date.fromisoformat
RECEIVED = "1=2026-09-20"
# A replacement 2026 schedule that keeps New Year's Day only: the agent's window then ends on 2 October.
ONLY_NEW_YEAR_2026 = "year: 2026\nsource: a replacement schedule\nholidays: [2026-01-01]\n"
SCHEDULE_2027 = "year: 2027\nsource: test schedule 2027\nholidays: [2027-01-01]\n"


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_the_published_2026_window_is_10_october(contract):
    assert agent_transfer_deadline(contract, load_calendar(contract), D("2026-09-20")) == D("2026-10-10")


def test_a_year_with_no_holidays_is_refused_in_one_sentence(contract, files):
    empty = files("2026.yaml", "year: 2026\nsource: empty\nholidays: []\n")
    with pytest.raises(ScheduleFileError, match="the 2026 schedule lists no holidays"):
        load_calendar(contract, [empty], override_published=True)
    for flags in ((), ("--override-published",)):
        done = invoke("deadlines", "--as-of", "2026-09-21", "--received", RECEIVED, "--calendar", empty, *flags)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "lists no holidays" in done.stderr
        assert "02 October 2026" not in done.stdout
    unpublished = files("2027.yaml", "year: 2027\nholidays: []\n")  # an unpublished year without holidays too
    with pytest.raises(ScheduleFileError, match="the 2027 schedule lists no holidays"):
        load_calendar(contract, [unpublished])


def test_replacing_a_published_year_needs_override_published(contract, files):
    replacement = files("2026.yaml", ONLY_NEW_YEAR_2026)
    with pytest.raises(ScheduleFileError, match="2026 already has a published schedule") as caught:
        load_calendar(contract, [replacement])
    assert "--override-published" in str(caught.value)
    done = invoke("deadlines", "--as-of", "2026-09-21", "--received", RECEIVED, "--calendar", replacement)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "2026 already has a published schedule" in done.stderr and "--override-published" in done.stderr


def test_a_contracts_schedule_files_may_only_add_years(tmp_path, files):
    import yaml

    from compliance.contract import load_contract

    terms = yaml.safe_load((REPO / "compliance" / "contract" / "kaixin-spa-2025.yaml").read_text(encoding="utf-8"))
    terms["calendar"]["schedule_files"] = [files("2026.yaml", ONLY_NEW_YEAR_2026)]
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScheduleFileError, match="a contract's schedule files may only add a year"):
        load_calendar(load_contract(path), override_published=True)


def test_a_file_may_add_a_year_no_published_schedule_covers(contract, files):
    calendar = load_calendar(contract, [files("2027.yaml", SCHEDULE_2027)])
    assert calendar.overrides == {} and not calendar.is_working_day(D("2027-01-01"))
    done = invoke("deadlines", "--as-of", "2027-01-10", "--received", "1=2027-01-04", "--calendar",
                  files("2027.yaml", SCHEDULE_2027))
    assert done.returncode == 0, done.stderr
    assert "Note:" not in done.stdout


def test_an_allowed_override_is_stated_in_the_deadlines_output_and_the_ics(files, tmp_path):
    ics = tmp_path / "deadlines.ics"
    done = invoke("deadlines", "--as-of", "2026-09-21", "--received", RECEIVED, "--calendar",
                  files("2026.yaml", ONLY_NEW_YEAR_2026), "--override-published", "--ics", str(ics))
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "02 October 2026" in said
    assert "Note: The PRC holiday schedule used for 2026 is not the published one" in said
    assert "replaced by the calendar file 2026.yaml (a replacement schedule)" in said
    unfolded = ics.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "The PRC holiday schedule used for 2026 is not the published one" in unfolded


def test_an_override_no_computed_date_reaches_is_not_stated(contract, files):
    calendar = load_calendar(contract, [files("2026.yaml", ONLY_NEW_YEAR_2026)], override_published=True)
    rows = deadline_rows(contract, D("2026-09-21"), calendar, {1: D("2026-09-20")})
    assert rows[0].calendar_overrides and all(not row.calendar_overrides for row in rows[1:])
    assert b"not the published one" not in ics_bytes(contract, rows[1:], D("2026-09-21"))


def test_the_penalty_statement_states_an_override_its_window_used(contract, files):
    calendar = load_calendar(contract, [files("2026.yaml", ONLY_NEW_YEAR_2026), files("2027.yaml", SCHEDULE_2027)],
                             override_published=True)
    prices = series_from_rows([(D("2027-01-29"), Decimal("2.00"))])
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-02-10"), prices=prices,
                             documents_received_on=D("2026-12-24"), calendar=calendar)
    assert len(result.calendar_overrides) == 1 and "2026" in result.calendar_overrides[0]
    assert result.to_json()["calendar_overrides"] == list(result.calendar_overrides)
    context = penalty_statement_context(contract, result, as_of=D("2027-02-10"), prices_source="vendor.csv",
                                        outstanding=False)
    html = Renderer().render_html("penalty-statement", context, as_of=D("2027-02-10"))
    assert "Holiday schedule overridden." in html and "is not the published one" in html
    later = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-02-10"), prices=prices,
                            documents_received_on=D("2027-01-04"), calendar=calendar)  # the window is all 2027
    assert later.calendar_overrides == ()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """Year 1 determined on 20 January 2027; the escrow agent held both documents from 22 January 2027."""
    base = tmp_path_factory.mktemp("override")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf", inbox)
    assert invoke("run", str(inbox), "--out", str(base / "out"), "--as-of", "2027-01-20").returncode == 0
    db = str(base / "out" / "ledger.sqlite")
    assert invoke("record", "received", "--year", "1", "--date", "2027-01-22", "--db", db).returncode == 0
    return db


def test_the_penalty_command_needs_override_published_too(ledger, files):
    prices = REPO / "fixtures" / "prices" / "kxin-sample.csv"
    args = ("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-01", "--prices", str(prices),
            "--db", ledger, "--calendar", files("2026.yaml", ONLY_NEW_YEAR_2026), "--calendar",
            files("2027.yaml", SCHEDULE_2027))
    refused = invoke(*args)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--override-published" in refused.stderr
    allowed = invoke(*args, "--override-published", "--json")
    assert allowed.returncode == 0, allowed.stderr
    assert '"calendar_overrides": []' in allowed.stdout  # its window (from 22 January 2027) never reaches 2026
