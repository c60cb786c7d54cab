"""`compliance render` writes previews (issue 30, point 2): PREVIEW on every page of the PDF and in the DOCX,
and no signature field a party could sign in; the letters a run prepares keep their fields.

Read as a user would: the PDF's text page by page (PDFium), the DOCX's text and footer (python-docx), the
PDF's AcroForm through pyHanko's reader.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers.cli import invoke
from helpers.document_text import docx_text, squash

from compliance.documents import Renderer
from compliance.documents.environment import DocumentError
from compliance.documents.renderer import preview_html

REVENUES = ["1=702345678.90", "2=1000000000", "3=1", "4=1", "5=1"]


def pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [squash(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def acroform_fields(path: Path) -> list:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    with open(path, "rb") as file:
        reader = PdfFileReader(file)
        form = reader.root.get("/AcroForm")
        fields = list(form.get_object().get("/Fields", [])) if form is not None else []
        return fields + list(enumerate_sig_fields(reader))


def _render(tmp_path: Path, kind: str, *args: str) -> tuple[Path, Path, str]:
    done = invoke("render", kind, *args, "--as-of", "2031-03-31", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    year = "5" if kind == "cancellation-instruction" else args[args.index("--year") + 1]
    base = tmp_path / f"year-{year}" / kind
    return base.with_suffix(".pdf"), base.with_suffix(".docx"), done.stdout


@pytest.fixture(scope="module")
def cancellation(tmp_path_factory):
    args = [a for revenue in REVENUES for a in ("--revenue", revenue)]
    return _render(tmp_path_factory.mktemp("cancel"), "cancellation-instruction", *args)


@pytest.mark.parametrize("kind", ["joint-instruction", "release-notice", "deduction-notice"])
def test_every_rendered_letter_is_a_preview_without_signature_fields(tmp_path, kind):
    pdf, docx, said = _render(tmp_path, kind, "--year", "2", "--revenue", "1=702345678.90",
                              "--revenue", "2=500000000")
    texts = pages(pdf)
    assert texts and all("PREVIEW" in text for text in texts)
    assert "PREVIEW: rendered from figures typed on the command line" in texts[0]
    assert acroform_fields(pdf) == []
    assert "PREVIEW" in docx_text(docx)
    assert "PREVIEW" in said


def test_a_rendered_cancellation_instruction_is_marked_on_every_page_and_cannot_be_signed(cancellation):
    pdf, docx, _ = cancellation
    texts = pages(pdf)
    assert len(texts) > 1 and all("PREVIEW" in text for text in texts)
    assert acroform_fields(pdf) == []
    assert "PREVIEW: not for signature" in " ".join(texts)  # where each signature would go


def test_the_preview_docx_marks_its_footer_and_its_signature_lines(cancellation):
    import docx as python_docx

    _, path, _ = cancellation
    document = python_docx.Document(str(path))
    footers = [p.text for section in document.sections for p in section.footer.paragraphs]
    assert any(text.startswith("PREVIEW") for text in footers)  # Word repeats it on every page
    text = docx_text(path)
    assert text.splitlines()[0].startswith("PREVIEW: rendered from figures typed on the command line")
    assert text.count("PREVIEW: not for signature") >= 2


def test_a_preview_is_byte_identical_for_the_same_inputs(tmp_path, cancellation):
    pdf, docx, _ = cancellation
    args = [a for revenue in REVENUES for a in ("--revenue", revenue)]
    again_pdf, again_docx, _ = _render(tmp_path, "cancellation-instruction", *args)
    assert again_pdf.read_bytes() == pdf.read_bytes() and again_docx.read_bytes() == docx.read_bytes()


def test_a_preview_is_pdf_a(cancellation):
    from helpers.pdfa import pdfa_problems

    pdf, _, _ = cancellation
    assert pdfa_problems(pdf) == []


def test_the_letters_a_run_prepares_keep_their_signature_fields(contract):
    from compliance.documents import year_documents
    from compliance.rules.earnout import assess_year

    context = year_documents(contract, assess_year(contract, {1: __import__("decimal").Decimal("702345678.90")}, 1),
                             as_of=dt.date(2027, 1, 20))["joint-instruction"]
    renderer = Renderer()
    html = renderer.render_html("joint-instruction", context, as_of=dt.date(2027, 1, 20), awaiting_approval=True)
    assert "PREVIEW" not in html and "data-signature-field" in html
    previewed = renderer.render_html("joint-instruction", context, as_of=dt.date(2027, 1, 20), preview=True)
    assert "data-signature-field" not in previewed and "PREVIEW" in previewed


def test_a_signature_line_the_preview_cannot_strip_is_refused():
    with pytest.raises(DocumentError, match="must not carry a signature field"):
        preview_html('<p data-signature-field="X">sign here</p>')
