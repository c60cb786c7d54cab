"""The penalty statement (SPA 8.2) as rendered: the figures in its PDF and DOCX text; `penalty --db`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest
from helpers.cli import REPO, invoke
from helpers.document_text import docx_text, pdf_text, squash

from compliance.documents import Renderer
from compliance.documents.penalty_statement import penalty_statement_context
from compliance.rules.penalty import Period, compute_penalty
from compliance.values.prices import load_prices

PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def statement(tmp_path_factory, contract):
    """Year 1 released on 1 March 2027 (31 days late), a dispute 10-20 February excluded (EA 3.3)."""
    prices = load_prices(PRICES)
    result = compute_penalty(contract, year=1, shares=3_000_000, released_on=D("2027-03-01"), prices=prices,
                             excluded=[Period(D("2027-02-10"), D("2027-02-20"), "dispute")])
    context = penalty_statement_context(contract, result, as_of=D("2027-03-01"), prices_source="kxin-sample.csv",
        outstanding=True)
    out = tmp_path_factory.mktemp("statement") / "year-1" / "penalty-statement"
    rendered = Renderer().render("penalty-statement", context, out, as_of=D("2027-03-01"))
    return result, squash(pdf_text(rendered.pdf_path)), squash(docx_text(rendered.docx_path))


def test_spa_8_2_statement_carries_the_computed_figures_in_pdf_and_docx(statement):
    result, pdf, docx = statement
    assert result.days_late == 31 and result.days_counted == 20
    payable = f"USD {result.penalty_rounded:,}"  # the exposure figure on the stated assumptions
    for text in (pdf, docx):
        assert "SPA 8.2 Exposure Computation" in text
        assert "29 January 2027" in text  # the SPA 5.1 date
        assert payable in text
        assert "3,000,000" in text
        assert "8.2" in text and "585" in text  # the clause and the PRC Civil Code note
        assert "Party D" in text and "Party A" in text  # as SPA 8.2 names them, quoted


def test_spa_8_2_statement_gives_the_total_in_words(statement):
    from num2words import num2words

    result, pdf, _ = statement
    dollars = int(result.penalty_rounded)
    assert num2words(dollars).replace(" and ", " ").replace(",", "") in pdf.replace(",", "")


def test_ea_3_3_excluded_dispute_days_are_stated(statement):
    result, pdf, docx = statement
    assert len(result.excluded) == 11
    assert "11" in pdf and "20" in pdf and "EA 3.3" in pdf


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A ledger holding year 1 (determined 20 January 2027) and a recorded dispute 10-20 February 2027."""
    base = tmp_path_factory.mktemp("ledger")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf", inbox)
    assert invoke("run", str(inbox), "--out", str(base / "out"), "--as-of", "2027-01-20").returncode == 0
    db = str(base / "out" / "ledger.sqlite")
    assert invoke("record", "dispute", "--year", "1", "--date", "2027-02-10", "--db", db).returncode == 0
    assert invoke("record", "settled", "--year", "1", "--date", "2027-02-20", "--db", db).returncode == 0
    return db


def test_ea_3_3_penalty_db_excludes_the_recorded_dispute(ledger):
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-01",
                   "--prices", str(PRICES), "--db", ledger, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["days_late"] == 31 and len(data["daily"]) == 20
    assert data["excluded_days"][0] == "2027-02-10" and data["excluded_days"][-1] == "2027-02-20"
    assert data["attribution"]["party_a_days"] == 20 and data["attribution"]["party_d_days"] == 0
    without = json.loads(invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-01",
                                 "--prices", str(PRICES), "--json").stdout)
    assert Decimal(without["penalty"]) > Decimal(data["penalty"])


def test_penalty_db_that_does_not_exist_is_one_line_exit_2(tmp_path):
    done = invoke("penalty", "--year", "1", "--shares", "3000000", "--released-on", "2027-03-01",
                   "--prices", str(PRICES), "--db", str(tmp_path / "none.sqlite"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no ledger" in done.stderr
