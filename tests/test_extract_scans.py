"""Scanned and stamped reports read by offline OCR (issue 12), against fixtures/scanned/truth.yaml. The scans
are made from the committed fixtures by fixtures/make_scans.py, here, for the files the tests need, once per
session (helpers/scans.py); RapidOCR reads each distinct page image once per session, and every test runs the
whole pipeline around it under its own contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers.reports import ChineseReport, write_chinese
from helpers.scans import ScanMaker, make_scans, remembered_ocr, scan_spec

from compliance.contract import load_contract
from compliance.extract import extract_file
from compliance.extract.numbers import parse_amount

ROOT = Path(__file__).resolve().parents[1]
TRUTH = yaml.safe_load((ROOT / "fixtures" / "scanned" / "truth.yaml").read_text(encoding="utf-8"))
BY_NAME = {entry["file"]: entry for entry in TRUTH}
CONTRACT = load_contract()
FIELDS = ("entity", "period_start", "period_end", "assessment_year", "operating_revenue", "currency", "unit",
          "auditor", "opinion", "report_date")
REAL_LETTER = ROOT.parent / "shared" / "real-reports" / "pr-136-example.pdf"


@pytest.fixture(scope="session")
def scan(tmp_path_factory) -> ScanMaker:
    return ScanMaker(tmp_path_factory)


@pytest.fixture(scope="module", autouse=True)
def _ocr_once_per_image(tmp_path_factory):
    with remembered_ocr(tmp_path_factory):
        yield


def _approving(entry: dict):
    return CONTRACT.model_copy(update={"approved_auditors": [entry["auditor"]]})


def test_truth_file_is_what_the_generator_says() -> None:
    assert make_scans.truth_entries() == TRUTH


@pytest.mark.parametrize("name", list(BY_NAME))
def test_each_scan_is_read_by_ocr_field_by_field(scan, name, tmp_path) -> None:
    entry = BY_NAME[name]
    result = extract_file(scan(name), _approving(entry), evidence_dir=tmp_path)
    got = {field: getattr(result, field) for field in FIELDS}
    got["operating_revenue"] = f"{got['operating_revenue']:.2f}" if got["operating_revenue"] is not None else None
    wrong = {field: (entry[field], str(got[field])) for field in FIELDS
             if field not in entry["misread"] and str(entry[field]) != str(got[field])}
    assert wrong == {}
    assert result.evidence.page == entry["evidence_page"]
    assert Path(result.evidence.png_path).exists()
    assert result.status == entry["with_firm_approved"], [p.code for p in result.problems]
    if entry["misread"]:  # a firm name OCR gets wrong is caught by the approved list, never accepted
        assert "auditor_not_approved" in {p.code for p in result.problems}
    assert result.ocr["auditor"]["source"] == "ocr" and 0 < result.ocr["auditor"]["confidence"] <= 1
    assert result.ocr["report_date"]["source"] == "ocr"
    if entry["ocr"] == "revenue and report":
        revenue = result.ocr["operating_revenue"]
        assert revenue["source"] == "ocr" and revenue["confirmed"] is True
        assert parse_amount(revenue["second_reading"]["text"]) * Decimal(
            {"元": 1, "千元": 1000}[entry["unit"]]) == Decimal(entry["operating_revenue"])
        _assert_box_on_the_scanned_figure(entry, result.evidence.bbox)
    else:  # the mixed file: the statement has a text layer, only the signature page is a scan
        assert "operating_revenue" not in result.ocr


def _assert_box_on_the_scanned_figure(entry: dict, bbox) -> None:
    """The evidence box sits on the figure as the scan shows it: the source fixture's figure, turned as the
    scanner turned the page (PIL: anticlockwise by `angle` about the centre), within 3 points."""
    import math

    import pdfplumber

    spec = scan_spec(entry["file"])
    page_number = spec.pages[entry["evidence_page"] - 1] if spec.pages else entry["evidence_page"]
    unit = Decimal({"元": 1, "千元": 1000}[entry["unit"]])
    with pdfplumber.open(ROOT / "fixtures" / "audit-reports" / spec.source, pages=[page_number]) as pdf:
        page = pdf.pages[0]
        [word] = [w for w in page.extract_words() if parse_amount(w["text"]) is not None
                  and parse_amount(w["text"]) * unit == Decimal(entry["operating_revenue"])][:1]
        centre_x, centre_y = float(page.width) / 2, float(page.height) / 2
    dx, dy = (word["x0"] + word["x1"]) / 2 - centre_x, (word["top"] + word["bottom"]) / 2 - centre_y
    angle = math.radians(spec.angle)
    expected = (centre_x + dx * math.cos(angle) + dy * math.sin(angle),
                centre_y - dx * math.sin(angle) + dy * math.cos(angle))
    found = ((float(bbox[0]) + float(bbox[2])) / 2, (float(bbox[1]) + float(bbox[3])) / 2)
    assert math.dist(found, expected) < 3, (found, expected)


@pytest.mark.parametrize("name", ["scan-y2-en-150dpi-grey.pdf", "mixed-y1-signature-page-scanned.pdf"])
def test_under_the_built_in_contract_an_ocr_firm_name_is_unverified(scan, name) -> None:
    result = extract_file(scan(name), CONTRACT)
    assert result.status == "needs_review"
    assert [p.code for p in result.problems if p.severity == "review"] == ["ocr_auditor_unverified"]


def test_an_ocr_figure_a_second_reading_does_not_confirm_is_never_accepted(scan, monkeypatch) -> None:
    from compliance.extract.ocr_pages import ScannedPages

    entry = BY_NAME["scan-y2-en-150dpi-grey.pdf"]
    original = ScannedPages.confirm
    monkeypatch.setattr(ScannedPages, "confirm", lambda self, index, box: (
        ("731,280", 0.97) if index == entry["evidence_page"] - 1 else original(self, index, box)))
    result = extract_file(scan("scan-y2-en-150dpi-grey.pdf"), _approving(entry))
    assert result.status == "needs_review"
    assert [p.code for p in result.problems if p.severity == "review"] == ["ocr_unconfirmed"]
    assert "731,280" in result.problems[0].message and result.ocr["operating_revenue"]["confirmed"] is False


def test_a_scan_with_nothing_to_read_is_rejected_as_no_text_layer(tmp_path) -> None:
    result = extract_file(write_chinese(tmp_path / "grey.pdf", ChineseReport(image_only=True)), CONTRACT)
    assert result.status == "rejected" and [p.code for p in result.problems] == ["no_text_layer"]


@pytest.mark.skipif(not REAL_LETTER.exists(), reason="../shared/real-reports is not beside the clone")
def test_the_junk_text_layer_of_the_scanned_letter_is_ocred_and_still_gives_no_revenue() -> None:
    import pypdfium2 as pdfium

    from compliance.extract.scan import needs_ocr

    document = pdfium.PdfDocument(str(REAL_LETTER))
    assert needs_ocr(document[0].get_textpage().get_text_range())  # 'ZOq5年', '20I5', '说阴'
    document.close()
    result = extract_file(REAL_LETTER, CONTRACT)
    assert result.status != "accepted" and result.operating_revenue is None


def test_ocr_runs_offline_with_no_model_cache(scan, tmp_path) -> None:
    # every socket refused, an empty home (no model cache): the models come from the rapidocr wheel
    (tmp_path / "sitecustomize.py").write_text(
        "import socket\n"
        "def _refuse(*args, **kwargs):\n    raise OSError('network unreachable (test)')\n"
        "socket.socket.connect = _refuse\nsocket.create_connection = _refuse\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    done = subprocess.run([sys.executable, "-m", "compliance", "extract", "--json",
                           str(scan("mixed-y1-signature-page-scanned.pdf"))],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    [result] = json.loads(done.stdout)
    assert result["report_date"] == "2027-01-15" and result["ocr"]["report_date"]["source"] == "ocr"
    assert not any(home.rglob("*.onnx"))
