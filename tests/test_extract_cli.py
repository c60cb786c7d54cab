"""`compliance extract` as a user runs it (its entry point, called in the test's process): the JSON shape, the
table, exit codes 0 / 1 / 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import invoke
from helpers.reports import ChineseReport, write_chinese

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["file", "sha256", "status", "entity", "period_start", "period_end", "assessment_year", "operating_revenue",
        "currency", "unit", "auditor", "opinion", "report_date", "report_number", "evidence", "problems",
        "sources", "ocr"]


def run(*args: str) -> subprocess.CompletedProcess:
    """`compliance extract ARGS` through the command's entry point, in this process (helpers.cli.invoke)."""
    done = invoke("extract", *args, cwd=ROOT)
    assert "Traceback" not in done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return write_chinese(tmp_path_factory.mktemp("cli") / "year-1.pdf", ChineseReport())


def test_cli_json_one_object_per_file_in_input_order_exit_1_when_any_is_not_accepted(report: Path, tmp_path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    done = run("--json", str(empty), str(report), str(tmp_path / "missing.pdf"))
    assert done.returncode == 1
    results = json.loads(done.stdout)
    assert [list(r) for r in results] == [KEYS] * 3
    assert [(Path(r["file"]).name, r["status"]) for r in results] == [
        ("empty.pdf", "rejected"), ("year-1.pdf", "accepted"), ("missing.pdf", "rejected")]
    accepted = results[1]
    assert accepted["operating_revenue"] == "702345678.90" and accepted["report_date"] == "2027-01-15"
    assert list(accepted["evidence"]) == ["page", "bbox", "text", "png_path"] and len(accepted["evidence"]["bbox"]) == 4
    empty_problem = {"code": "empty", "severity": "reject", "message": "The file is empty (0 bytes)."}
    assert results[0]["problems"] == [empty_problem]


def test_cli_exit_0_when_every_file_is_accepted_and_evidence_written(report: Path, tmp_path) -> None:
    done = run("--json", "--evidence-dir", str(tmp_path / "png"), str(report))
    assert done.returncode == 0
    (result,) = json.loads(done.stdout)
    assert Path(result["evidence"]["png_path"]).is_file()


def test_cli_table_without_json(report: Path) -> None:
    done = run(str(report))
    assert done.returncode == 0
    assert "year-1.pdf" in done.stdout and "accepted" in done.stdout and "702,345,678.90" in done.stdout


@pytest.mark.parametrize("args", [[], ["--max-pages", "0", "x.pdf"], ["--contract", "no-such-contract.yaml", "x.pdf"],
                                  ["--bogus", "x.pdf"], ["--evidence-dir", "pyproject.toml/png", "x.pdf"]])
def test_cli_usage_errors_exit_2(args: list[str]) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stderr.strip()


def test_cli_limits_are_options(report: Path) -> None:
    done = run("--json", "--max-pages", "2", str(report))
    (result,) = json.loads(done.stdout)
    assert [p["code"] for p in result["problems"]] == ["too_many_pages"] and done.returncode == 1


def test_cli_module_imports_no_pdf_library_until_run() -> None:
    code = ("import sys, compliance.cli.commands.extract; "
            "print(any(m in sys.modules for m in ('pdfplumber', 'pypdfium2', 'PIL', 'weasyprint')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
