"""Issue 28, case 12: control and bidirectional characters in a PDF's *text* (an auditor's name with U+202E, which
prints the rest of a line backwards) never reach a field, the ledger or a letter. The extractor removes them
before it reads anything, and keeps the raw line only as escaped evidence (sources["raw"], a warning naming the
characters)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import layouts
from helpers.cli import invoke
from helpers.reports import FIRM_CN, FIRM_EN, ChineseReport, _cn_font, write_chinese

from compliance.extract import extract_file
from compliance.values.text import HIDDEN, escaped, without_hidden


def _english_report(path: Path, firm: str, monkeypatch) -> Path:
    """The English layout of helpers/layouts.py, signed by `firm`, drawn in a CID font (Helvetica would print a
    character it lacks as a box): the text layer carries exactly the characters given."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    monkeypatch.setattr(layouts, "FIRM_EN", firm)
    spec = layouts.Layout()
    values = layouts._defaults(spec)
    font = _cn_font()
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    layouts._text_page(canvas, font, layouts._report(spec, values))
    layouts._statements(canvas, font, spec, values)
    layouts._text_page(canvas, font, layouts._revenue_note(spec, values))  # the second place (issue 29)
    canvas.save()
    return path


def test_without_hidden_removes_controls_and_bidi_but_keeps_line_ends():
    assert without_hidden("Ernst\u202e & \u2066Young\u2069\x07\x1b[0m\r\nLLP\t") == "Ernst & Young[0m\r\nLLP\t"
    assert without_hidden("天健会计师事务所（特殊普通合伙）") == "天健会计师事务所（特殊普通合伙）"


def test_escaped_shows_every_hidden_character_and_doubles_backslashes():
    assert escaped("a\\u202e\u202eb\x07") == "a\\\\u202e\\u202eb\\x07"
    assert not HIDDEN.search(escaped("".join(chr(code) for code in range(0x00, 0xA0)) + "\u202e\u2066\u061c"))


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200f", "\x07", "\x1b"])
def test_an_auditor_name_with_a_hidden_character_is_read_clean(tmp_path, monkeypatch, contract, hidden):
    pdf = _english_report(tmp_path / "report.pdf", f"Ernst & Young {hidden}Hua Ming LLP", monkeypatch)
    result = extract_file(pdf, contract)
    assert result.status == "accepted", result.problems
    assert result.auditor == FIRM_EN
    record = json.dumps(result.to_json(), ensure_ascii=False)
    assert not HIDDEN.search(record)  # nothing stored or shown holds it ...
    assert result.sources["raw"] == f"page 1: /s/ Ernst & Young {escaped(hidden)}Hua Ming LLP"  # ... but the evidence
    noted = [p for p in result.problems if p.code == "hidden_characters"]
    assert len(noted) == 1 and noted[0].severity == "warning"
    assert f"U+{ord(hidden):04X}" in noted[0].message and "page 1" in noted[0].message


def test_a_chinese_firm_name_broken_by_an_override_is_found_and_cleaned(tmp_path, contract):
    pdf = write_chinese(tmp_path / "report.pdf", ChineseReport(auditor="天健\u202e会计师事务所（特殊普通合伙）"))
    result = extract_file(pdf, contract)
    assert result.status == "accepted", result.problems
    assert result.auditor == FIRM_CN
    assert "天健\\u202e会计师事务所" in result.sources["raw"]


def test_a_clean_report_has_no_raw_note(tmp_path, monkeypatch, contract):
    result = extract_file(_english_report(tmp_path / "report.pdf", FIRM_EN, monkeypatch), contract)
    assert "raw" not in result.sources
    assert "hidden_characters" not in [p.code for p in result.problems]


def test_extract_json_prints_the_clean_name_and_the_escaped_evidence(tmp_path, monkeypatch):
    pdf = _english_report(tmp_path / "report.pdf", "Ernst & Young \u202eHua Ming LLP", monkeypatch)
    done = invoke("extract", "--json", str(pdf))
    assert done.returncode == 0, done.stderr
    assert "\u202e" not in done.stdout
    [record] = json.loads(done.stdout)
    assert record["auditor"] == FIRM_EN
    assert "\\u202e" in record["sources"]["raw"]
