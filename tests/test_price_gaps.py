"""Issue 28, case 10: a gap inside the prices file is never silent. Closes missing for more market days than the
contract tolerates (penalty.price_gap_tolerance, our convention: SPA 8.2 is silent) are named in the penalty
statement, `status` and the desk (the penalty's note), or refused with --strict-prices (`penalty`, `run`); the
same gap at the end of the file keeps its note. Year 1's deadline is Friday 29 January 2027."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest
from helpers.cli import REPO, invoke

from compliance.documents import Renderer
from compliance.documents.penalty_statement import penalty_statement_context
from compliance.rules.penalty import compute_penalty
from compliance.values.prices import PriceFileError, PriceGapError, market_days_after, price_gaps, series_from_rows

D = dt.date.fromisoformat
DEADLINE = D("2027-01-29")
GAP = (D("2027-01-30"), D("2027-05-31"))  # no close in between: the file goes from 29 January to 1 June


def weekdays(first: dt.date, last: dt.date, skip: tuple[dt.date, dt.date] | None = None) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5 and not (skip and skip[0] <= d <= skip[1])]


def closes(first="2026-12-01", last="2027-08-31", skip=GAP, before="2.00", after="3.00"):
    rows = [(d, Decimal(before if d <= DEADLINE else after)) for d in weekdays(D(first), D(last), skip)]
    return series_from_rows(rows, "gap.csv")


def write_csv(path, series) -> str:
    path.write_text("date,close\n" + "".join(f"{d},{c}\n" for d, c in zip(series.dates, series.closes, strict=True)))
    return str(path)


def test_the_tolerance_is_a_contract_term_with_its_reference(contract):
    term = contract.penalty.price_gap_tolerance
    assert (term.value, term.reference) == (5, "SPA 8.2")


def test_market_days_are_monday_to_friday():
    assert market_days_after(D("2027-01-29"), D("2027-02-05")) == 5  # Fri -> next Fri
    assert market_days_after(D("2027-01-29"), D("2027-01-31")) == 0  # the weekend only
    assert market_days_after(D("2027-01-29"), D("2027-06-01")) == 87


def test_a_gap_inside_the_period_is_named_not_silent(contract):
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-06-30"), prices=closes())
    [gap] = result.price_gaps
    assert (gap.last_close, gap.next_close, gap.days[0], gap.days[-1]) == (DEADLINE, D("2027-06-01"), D("2027-01-30"),
                                                                            D("2027-05-31"))
    assert result.warnings[0].startswith("gap.csv has no close between 2027-01-29 and 2027-06-01: the 122 days from "
                                         "2027-01-30 to 2027-05-31 take the close of 2027-01-29")
    assert "more than the 5 the contract tolerates" in result.warnings[0]
    assert result.to_json()["price_gaps"] == [{"last_close": "2027-01-29", "next_close": "2027-06-01",
                                               "market_days": 86, "days": 122}]


def test_strict_prices_refuses_the_gap_in_one_sentence(contract):
    with pytest.raises(PriceGapError) as caught:
        compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-06-30"), prices=closes(),
                        strict_prices=True)
    message = str(caught.value)
    assert isinstance(caught.value, PriceFileError) and "\n" not in message
    assert "no close between 2027-01-29 and 2027-06-01" in message and "--strict-prices" in message


@pytest.mark.parametrize("missing, named", [(5, False), (6, True)])
def test_the_tolerance_is_the_boundary(contract, missing, named):
    skip_days = weekdays(D("2027-02-08"), D("2027-03-31"))[:missing]  # market days from Monday 8 February
    series = closes(skip=(skip_days[0], skip_days[-1]))
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-03-31"), prices=series)
    assert bool(result.price_gaps) is named
    assert bool(price_gaps(series, [D("2027-03-31")], 5)) is False  # a day past the gap takes its own close


def test_a_gap_at_the_end_keeps_its_note_once_and_strict_refuses_it(contract):
    series = closes(last="2027-01-29")
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-03-01"), prices=series)
    assert [gap.at_end for gap in result.price_gaps] == [True]
    assert len(result.warnings) == 1 and result.warnings[0].startswith("gap.csv ends on 2027-01-29: the 31 day(s)")
    with pytest.raises(PriceGapError, match="gap.csv ends on 2027-01-29"):
        compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-03-01"), prices=series,
                        strict_prices=True)
    within = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-02-05"), prices=series,
                             strict_prices=True)  # five market days: tolerated
    assert within.price_gaps == ()


def test_deadline_price_names_a_gap_the_deadline_falls_in(contract):
    series = closes(skip=(D("2027-01-15"), D("2027-02-26")))
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-03-05"), prices=series,
                             valuation="deadline-price")
    assert result.warnings[0].startswith("gap.csv has no close between 2027-01-14 and 2027-03-01: 2027-01-29 takes "
                                         "the close of 2027-01-14")


def test_the_statement_names_the_gap_beside_the_valuation(contract):
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=D("2027-06-30"), prices=closes())
    context = penalty_statement_context(contract, result, as_of=D("2027-06-30"), prices_source="gap.csv",
                                        outstanding=True)
    assert context["price_gaps"] == [result.warnings[0]] and context["warnings"] == []
    html = Renderer().render_html("penalty-statement", context, as_of=D("2027-06-30"))
    assert "Gap in the closing prices." in html and "no close between 2027-01-29 and 2027-06-01" in html


def test_penalty_command_notes_the_gap_and_refuses_it_with_strict_prices(tmp_path):
    prices = write_csv(tmp_path / "gap.csv", closes())
    args = ("penalty", "--year", "1", "--shares", "1000000", "--released-on", "2027-06-30", "--prices", prices)
    noted = invoke(*args)
    assert noted.returncode == 0, noted.stderr
    assert "no close between 2027-01-29 and 2027-06-01" in " ".join(noted.stdout.split())
    refused = invoke(*args, "--strict-prices")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("error: ") and "no close between 2027-01-29 and 2027-06-01" in refused.stderr


@pytest.fixture(scope="module")
def overdue(tmp_path_factory):
    """Year 1 determined on 20 January 2027 and never released; a prices file with the gap."""
    base = tmp_path_factory.mktemp("gap")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf", inbox)
    assert invoke("run", str(inbox), "--out", str(base / "out"), "--as-of", "2027-01-20").returncode == 0
    return base, write_csv(base / "gap.csv", closes())


def test_run_strict_prices_writes_no_statement_and_says_why(overdue):
    base, prices = overdue
    out = base / "out"
    done = invoke("run", str(base / "inbox"), "--out", str(out), "--as-of", "2027-06-30", "--prices", prices,
                  "--strict-prices")
    assert not list(out.glob("year-1/penalty-statement*")), done.stdout
    said = " ".join(done.stdout.split())
    assert "penalty statement not written" in said and "no close between 2027-01-29 and 2027-06-01" in said


def test_run_names_the_gap_in_the_statement_and_status_and_the_desk_in_the_note(overdue, contract):
    from helpers.document_text import pdf_text, squash

    from compliance.operations.access import open_to_read
    from compliance.operations.review import year_view

    base, prices = overdue
    out = base / "out"
    done = invoke("run", str(base / "inbox"), "--out", str(out), "--as-of", "2027-06-30", "--prices", prices)
    [statement] = out.glob("year-1/penalty-statement*.pdf")
    assert "no close between 2027-01-29 and 2027-06-01" in squash(pdf_text(statement)), done.stdout
    status = invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2027-06-30")
    assert status.returncode == 0, status.stderr
    assert "no close between 2027-01-29 and 2027-06-01" in " ".join(status.stdout.split())
    with open_to_read(out / "ledger.sqlite", contract) as ledger:
        view = year_view(ledger, contract, 1, D("2027-06-30"))
    # the figure is shown with what it rests on, as the statement does
    assert view.penalty is not None and "no close between 2027-01-29 and 2027-06-01" in view.penalty_note
    row = json.loads(invoke("status", "--db", str(out / "ledger.sqlite"), "--as-of", "2027-06-30", "--json").stdout)
    assert row["years"][0]["penalty"] is not None and "no close between" in row["years"][0]["penalty_note"]
