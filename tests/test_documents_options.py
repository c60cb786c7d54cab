"""Options around the letters: a user's own templates and reference DOCX, the `compliance render`
command, and start-up without the heavy libraries. Cheap: HTML and DOCX only, one PDF through the CLI."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from helpers.cli import invoke
from helpers.examples import EXAMPLE_1

from compliance.documents import DocumentError, Renderer, year_documents
from compliance.rules.earnout import assess_year

AS_OF = dt.date(2027, 1, 10)
YEAR_1 = EXAMPLE_1.amounts(last_year=1)


@pytest.fixture(scope="module")
def context(contract) -> dict:
    return year_documents(contract, assess_year(contract, YEAR_1, 1), as_of=AS_OF)["joint-instruction"]


def test_user_templates_replace_built_in_ones_by_file_name(tmp_path, contract, context):
    (tmp_path / "joint-instruction.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block title %}Our instruction{% endblock %}'
        "{% block content %}<p>OUR FORM: release {{ year.release_shares | shares }} shares</p>{% endblock %}",
        encoding="utf-8",
    )
    renderer = Renderer(templates_dir=tmp_path)
    html = renderer.render_html("joint-instruction", context, as_of=AS_OF)
    assert "OUR FORM: release three million (3,000,000) shares" in html
    assert "Document ID" in html  # the built-in base layout still frames it
    notice = year_documents(contract, assess_year(contract, YEAR_1, 1), as_of=AS_OF)["release-notice"]
    assert "Notice of Determination and Release" in renderer.render_html("release-notice", notice, as_of=AS_OF)


def test_unknown_document_and_missing_folder_are_plain_errors(tmp_path, context):
    with pytest.raises(DocumentError, match="no template for 'no-such-letter'"):
        Renderer().render_html("no-such-letter", context, as_of=AS_OF)
    with pytest.raises(DocumentError, match="no such templates folder"):
        Renderer(templates_dir=tmp_path / "missing")


def test_reference_docx_gives_styles_and_letterhead(tmp_path, context):
    import docx
    from docx.shared import Pt

    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "ACME LLP · LETTERHEAD"
    reference.styles["Normal"].font.name = "Arial"
    reference.styles["Normal"].font.size = Pt(11)
    reference.add_paragraph("template body that must not survive")
    path = tmp_path / "house.docx"
    reference.save(path)

    renderer = Renderer(reference_docx=path)
    html = renderer.render_html("joint-instruction", context, as_of=AS_OF)
    result = docx.Document(io.BytesIO(renderer.docx_bytes(html, as_of=AS_OF)))
    body = "\n".join(p.text for p in result.paragraphs)
    assert result.sections[0].header.paragraphs[0].text == "ACME LLP · LETTERHEAD"
    assert result.styles["Normal"].font.name == "Arial"
    assert "template body" not in body
    assert "KAIXIN HOLDINGS" not in body  # the house letterhead replaces ours
    assert "three million (3,000,000)" in body
    assert f"Document ID {context['document_id']}" in result.sections[0].footer.paragraphs[-1].text


def test_docx_zip_entries_carry_fixed_timestamps(context):
    import zipfile

    renderer = Renderer()
    html = renderer.render_html("joint-instruction", context, as_of=AS_OF)
    data = renderer.docx_bytes(html, as_of=AS_OF)
    stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert stamps == {(2027, 1, 10, 0, 0, 0)}
    assert renderer.docx_bytes(html, as_of=AS_OF) == data


def test_cli_render_writes_pdf_and_docx(tmp_path):
    result = invoke("render", "joint-instruction", "--year", "1", "--revenue", "1=702,345,678.90",
                     "--as-of", "2027-01-10", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "year-1" / "joint-instruction.pdf").stat().st_size > 0
    assert (tmp_path / "year-1" / "joint-instruction.docx").stat().st_size > 0
    assert "Document ID" in result.stdout


@pytest.mark.parametrize(
    "args, says",
    [
        (["no-such-letter", "--year", "1", "--revenue", "1=1"], "not a document"),
        (["deduction-notice", "--year", "1", "--revenue", "1=702345678.90"], "met its target"),
        (["joint-instruction", "--year", "1", "--revenue", "1=7e8"], "not an amount in yuan"),
        (["joint-instruction", "--revenue", "1=702345678.90"], "--year"),
        (["joint-instruction", "--year", "2", "--revenue", "1=702345678.90"], "revenue of year 2"),
        (["cancellation-instruction", "--revenue", "1=702345678.90"], "give --revenue for year 2, 3, 4, 5"),
        (["release-notice", "--year", "1", "--revenue", "1=1", "--reading", "lenient"], "not a reading"),
    ],
)
def test_cli_render_usage_errors_are_one_line_exit_2(tmp_path, args, says):
    result = invoke("render", *args, "--as-of", "2027-01-10", "--out", str(tmp_path))
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "year-1").exists()


def test_importing_the_cli_and_documents_loads_no_heavy_library():
    code = (
        "import sys, compliance.cli, compliance.documents;"
        "heavy = [m for m in ('weasyprint', 'docx', 'pyhanko', 'pdfplumber', 'lxml') if m in sys.modules];"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
