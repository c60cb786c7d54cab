"""Law beside code: docs/clauses.md is current, every article the product cites has its verbatim text in the
contract file, and each of those texts is the filing's own words."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml
from helpers.scripts import load_script

from compliance.contract import BUILTIN_CONTRACT, ContractError, contract_from_mapping, load_contract

ROOT = Path(__file__).resolve().parents[1]
make_clauses = load_script(ROOT / "docs" / "make_clauses.py")
# The 6-K as filed, beside the clone (as ../shared/real-reports is); not in the repository.
FILING = ROOT.parent / "shared" / "seed" / "kaixin-6k-spa-escrow-2025-12-02.txt"
CLAUSES = load_contract().clauses


def test_docs_clauses_md_is_current():
    expected = make_clauses.render(ROOT)
    current = (ROOT / make_clauses.OUTPUT).read_text(encoding="utf-8")
    diff = list(difflib.unified_diff(current.splitlines(), expected.splitlines(), "docs/clauses.md", "regenerated",
                                     lineterm="", n=1))
    assert current == expected, "docs/clauses.md is not current: run `make clauses`\n" + "\n".join(diff[:40])


def test_every_article_the_code_cites_has_its_text_in_the_contract_file():
    contract, found = make_clauses.collect(ROOT)
    kept = {clause.reference for clause in contract.clauses.values()}
    missing = {article: sorted(found.code.get(article, set()) | found.templates.get(article, set())
                               | found.terms.get(article, set()))
               for article in found.articles_in_product() - kept}
    assert missing == {}, "add the verbatim text of these articles to `clauses` in the contract file"
    assert found.code and found.templates and found.terms and found.tests  # the scan did find citations


@pytest.mark.parametrize("text, articles", [
    ("(SPA 4.2, 5.1; EA 3.1(a))", ["SPA 4.2", "SPA 5.1", "EA 3.1(a)"]),
    ("the earn-out (SPA 4,\n5)", ["SPA 4", "SPA 5"]),
    ("Under SPA 5.2(2), 50% of the excess", ["SPA 5.2(2)"]),
    ("EA 3.1/3.2: the day", ["EA 3.1", "EA 3.2"]),
    ("SPA preamble, 1.2; EA preamble", ["SPA 1.2"]),
    ('"EA Article 2", "EA 3.2"', ["EA 2", "EA 3.2"]),
    ("Article 8.2 of the {{ spa.title }}; Article 5 of the SPA", ["SPA 8.2", "SPA 5"]),
    ("SPA 1.1, 2.2 and 3.1 fix it at 15 million", ["SPA 1.1", "SPA 2.2", "SPA 3.1"]),
    ("the SPA governs; EA speaks", []),
])
def test_citations_are_read_as_the_code_writes_them(text, articles):
    assert [article for _, article in make_clauses.cited(text)] == articles


@pytest.mark.parametrize("name, articles", [
    ("test_spa_5_2_1_deduction_notice", {"SPA 5.2(1)"}),
    ("test_ea_3_1_a_modified_opinion_needs_review", {"EA 3.1(a)"}),
    ("test_spa_4_1_a_summary_page_figure", {"SPA 4.1"}),  # there is no SPA 4.1(a): "a" is a word
    ("test_ea_3_1_joint_instruction", {"EA 3.1"}),
    ("test_spa_1_1_consideration_and_spa_5_1_tranche", {"SPA 1.1", "SPA 5.1"}),
    ("test_spa_3_2_dividends", {"SPA 3.2"}),  # not kept in the contract file: still read, and reported
    ("test_reading_spa_excess_year_target", set()),
])
def test_test_names_are_read_as_articles(name, articles):
    known = {clause.reference for clause in CLAUSES.values()}
    assert make_clauses.named_articles(name, known) == articles


def test_parts_follow_their_article_in_contract_order():
    ordered = sorted(["EA 3.1(a)", "SPA 5.2(1)", "SPA 10.1", "SPA 5", "EA 2", "SPA 5.2", "SPA 4.1"],
                     key=make_clauses.article_key)
    assert ordered == ["SPA 4.1", "SPA 5", "SPA 5.2", "SPA 5.2(1)", "SPA 10.1", "EA 2", "EA 3.1(a)"]
    assert [make_clauses.parent(ref) for ref in ("SPA 5.2(1)", "SPA 5.2", "SPA 5", "EA 3.1(a)")] == [
        "SPA 5.2", "SPA 5", None, "EA 3.1"]


def _with_clause(role: str, **fields) -> dict:
    data = yaml.safe_load(BUILTIN_CONTRACT.read_text(encoding="utf-8"))
    data["clauses"][role].update(fields)
    return data


@pytest.mark.parametrize("fields, words", [
    ({"reference": "SPA 5.2 (first sentence)"}, "key 'clauses.offset.reference': must name one article"),
    ({"reference": "SPA 5.2(1)"}, "clauses deduction and offset both hold SPA 5.2(1)"),
    ({"text": "  "}, "key 'clauses.offset.text': must hold the article's words"),
    ({"text": "First paragraph.\n\nSecond."}, "key 'clauses.offset.text': must not start or end with blanks"),
])
def test_a_clause_must_name_one_article_and_hold_its_words(fields, words):
    with pytest.raises(ContractError, match=re.escape(words)):
        contract_from_mapping(_with_clause("offset", **fields), "bad.yaml")


def test_a_clause_is_found_by_its_article(contract):
    assert contract.clause("SPA 8.2") is contract.clauses["late-release-penalty"]
    assert contract.clause("SPA 9.1") is None


_LABEL = re.compile(r"(?:- )?(ARTICLE \d+|\d+(?:\.\d+)+|\([0-9a-z]\)) (.*)")


def _filing_lines(agreement: str) -> list[str]:
    """The non-blank lines of one agreement in the filing, stripped: the SPA (Exhibit 99.1) or the EA (99.2)."""
    lines = FILING.read_text(encoding="utf-8").splitlines()
    spa, ea = lines.index("SECURITIES PURCHASE AGREEMENT"), lines.index("ESCROW AGREEMENT")
    part = lines[spa:ea] if agreement == "SPA" else lines[ea:]
    return [line.strip() for line in part if line.strip()]


def _label(number: str) -> str:
    """How the filing numbers an article: 'ARTICLE 4', '5.1', '(1)'."""
    sub = re.fullmatch(r"[\d.]+\(([0-9a-z])\)", number)
    if sub:
        return f"({sub.group(1)})"
    return number if "." in number else f"ARTICLE {number}"


@pytest.mark.skipif(not FILING.exists(), reason=f"the filing is not at {FILING}")
@pytest.mark.parametrize("role", sorted(CLAUSES))
def test_each_clause_is_the_filings_text_word_for_word(role):
    """The text is the article's consecutive lines in the filing (the first without its number), and the line
    after it starts the next article, section or sub-paragraph: nothing left out, nothing added."""
    clause = CLAUSES[role]
    agreement, number = clause.reference.split(" ", 1)
    filed = _filing_lines(agreement)
    text = clause.text.split("\n")
    starts = [index for index, line in enumerate(filed)
              if (match := _LABEL.fullmatch(line)) and match.group(1) == _label(number)]
    assert len(starts) == 1, f"{clause.reference} is numbered {len(starts)} times in the filing"
    start = starts[0]
    assert _LABEL.fullmatch(filed[start]).group(2) == text[0]
    assert filed[start + 1:start + len(text)] == text[1:]
    following = filed[start + len(text)]
    assert _LABEL.fullmatch(following) or following.startswith("["), f"{clause.reference} stops short: {following}"
