"""Issue 13: the DOCX as a Word user sees it. LibreOffice (Debian's libreoffice-writer-nogui, installed by
`make install` when missing) opens each DOCX and prints it to PDF; the pages must carry the same text as
the PDF the product writes, in about as many pages, every line inside the margins. The page images are kept
in the test's folder (and under $DOCX_PAGES when set) for a person to look at.

The DOCX itself must be a firm's letter: Word's own clause numbering with REF fields for cross-references,
headings in the letter's fonts (no theme font, no coloured rule), and core properties naming the document
and the preparing party, with nothing left from python-docx's template.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers.document_text import docx_text, pdf_text
from helpers.examples import EXAMPLE_1 as WORKED_EXAMPLE_1
from helpers.shared import built_once

from compliance.documents import Renderer, render_year
from compliance.rules.earnout import assess_year

EXAMPLE_1 = WORKED_EXAMPLE_1.amounts()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (make install installs libreoffice-writer-nogui as root)"
)


@pytest.fixture(scope="module")
def letters(contract, tmp_path_factory) -> dict:
    """Year 2 (a shortfall: every kind of year letter) and year 5 with the cancellation confirmation."""
    out = tmp_path_factory.mktemp("letters")
    rendered = {}
    for year, as_of in ((2, dt.date(2028, 1, 20)), (5, dt.date(2031, 1, 20))):
        revenues = {k: v for k, v in EXAMPLE_1.items() if k <= year}
        for doc in render_year(contract, assess_year(contract, revenues, year), as_of=as_of, out_dir=out,
                               renderer=Renderer()):
            rendered[doc.slot] = doc
    return rendered


def _target(out: Path, docx: Path) -> Path:
    """Where LibreOffice prints a DOCX: a folder per folder of letters (their names repeat across years)."""
    return out / (docx.parent.name if docx.parent.name.startswith("year-") else "letters")


def _print_with_libreoffice(docx_files: list[Path], out: Path) -> None:
    """One LibreOffice per folder of letters, printing each of its DOCX to PDF (one start instead of one a file)."""
    profile = out / "profile"  # a profile of its own: a user's open LibreOffice does not block the conversion
    groups: dict[Path, list[Path]] = {}
    for docx in docx_files:
        groups.setdefault(_target(out, docx), []).append(docx)
    for target, files in groups.items():
        target.mkdir(parents=True)
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(target), *map(str, files)], check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def converted(letters, tmp_path_factory) -> dict:
    """Each DOCX printed to PDF by LibreOffice: slot -> that PDF. Printed once per session for these very DOCX
    bytes (both xdist workers render the same bytes, so one of them prints them)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    docx_files = [Path(doc.docx_path) for doc in letters.values()]
    digest = hashlib.sha256()
    for slot, doc in sorted(letters.items()):
        digest.update(f"{slot}\0".encode() + Path(doc.docx_path).read_bytes())
    out = built_once(tmp_path_factory, f"libreoffice-{digest.hexdigest()[:16]}",
                     lambda folder: _print_with_libreoffice(docx_files, folder))
    result = {slot: _target(out, Path(doc.docx_path)) / (Path(doc.docx_path).stem + ".pdf")
              for slot, doc in letters.items()}
    pages = os.environ.get("DOCX_PAGES")
    if pages:
        _save_pages(result, Path(pages))
    return result


def _save_pages(converted: dict, folder: Path) -> None:
    import pypdfium2

    folder.mkdir(parents=True, exist_ok=True)
    for slot, pdf in converted.items():
        document = pypdfium2.PdfDocument(str(pdf))
        for index, page in enumerate(document):
            page.render(scale=1).to_pil().save(folder / f"{slot.replace('/', '__')}-p{index + 1}.png")


def _words(text: str) -> list[str]:
    text = re.sub(r"Page\s*\d*\s*of\s*\d*", " ", text)
    return re.findall(r"[A-Za-z]+|\d[\d,]*(?:\.\d+)?|[\u3400-\u9fff]", text)


@needs_libreoffice
def test_libreoffice_shows_the_same_text_as_the_pdf(letters, converted):
    for slot, doc in letters.items():
        ours, theirs = _words(pdf_text(doc.pdf_path)), _words(pdf_text(converted[slot]))
        missing = set(ours) - set(theirs)
        extra = set(theirs) - set(ours)
        assert not missing and not extra, f"{slot}: missing {sorted(missing)[:10]}, extra {sorted(extra)[:10]}"
        # the same words as often, give or take the footer's repetition on each page
        assert abs(len(ours) - len(theirs)) <= 40 * max(len(pdf_pages(doc.pdf_path)), 1), slot


def pdf_pages(path: Path) -> list:
    import pypdfium2

    return list(pypdfium2.PdfDocument(str(path)))


@needs_libreoffice
def test_libreoffice_pages_about_as_many_as_the_pdf(letters, converted):
    for slot, doc in letters.items():
        ours, theirs = len(pdf_pages(doc.pdf_path)), len(pdf_pages(converted[slot]))
        assert abs(ours - theirs) <= 1, f"{slot}: the PDF has {ours} pages, Word users would see {theirs}"


@needs_libreoffice
def test_every_line_sits_inside_the_margins_as_word_users_see_it(letters, converted):
    import pdfplumber

    for slot, pdf in converted.items():
        with pdfplumber.open(pdf) as document:
            for number, page in enumerate(document.pages, start=1):
                right = max((char["x1"] for char in page.chars), default=0)
                left = min((char["x0"] for char in page.chars), default=page.width)
                # 2.2 cm right and 2.4 cm left margins (62 pt and 68 pt), 3 pt of slack for rounding
                assert right <= page.width - 62 + 3, f"{slot} page {number}: text runs into the right margin"
                assert left >= 68 - 3, f"{slot} page {number}: text runs into the left margin"


@needs_libreoffice
def test_the_chop_and_seal_boxes_show_in_word(converted):
    text = " ".join(pdf_text(converted["year-2/joint-instruction"]).split())
    assert "Common seal (if any)" in text and "Company chop" in text


# --- the DOCX itself ---------------------------------------------------------------------------------------
def _part(docx_path: Path, name: str) -> str:
    with zipfile.ZipFile(docx_path) as package:
        return package.read(name).decode("utf-8")


def test_clauses_use_word_numbering_and_cross_references_are_ref_fields(letters):
    docx_path = letters["year-2/joint-instruction"].docx_path
    document = _part(docx_path, "word/document.xml")
    numbering = _part(docx_path, "word/numbering.xml")
    assert '<w:name w:val="Letter clauses"/>' in numbering and '<w:lvlText w:val="%1."/>' in numbering
    assert document.count("<w:numPr>") == 12  # clauses 1 to 12, numbered by Word
    assert not re.search(r"<w:t[^>]*>\d\.\t", document)  # no number typed as text
    assert 'w:name="_Ref_clause_report"' in document  # paragraph 3 is bookmarked...
    assert 'w:instr=" REF _Ref_clause_report \\r \\h "' in document  # ...and "paragraph 3" refers to it
    text = " ".join(docx_text(docx_path).split())
    assert "3. Accounting firm’s report." in text and "the report referred to in paragraph 3;" in text


def test_headings_use_the_letters_fonts_without_theme_fonts_or_the_blue_rule(letters):
    styles = _part(letters["year-2/joint-instruction"].docx_path, "word/styles.xml")
    title = re.search(r'<w:style w:type="paragraph" w:styleId="Title">.*?</w:style>', styles, re.S).group(0)
    assert "Theme" not in title and "theme" not in title and "<w:pBdr>" not in title and "4F81BD" not in title
    assert 'w:ascii="Times New Roman"' in title and 'w:eastAsia="Noto Serif CJK SC"' in title
    assert "majorHAnsi" not in styles and "minorHAnsi" not in styles


def test_core_properties_name_the_document_and_the_preparing_party(contract, letters):
    import docx

    for doc in letters.values():
        properties = docx.Document(str(doc.docx_path)).core_properties
        assert properties.author == contract.parties.party_a.name == properties.last_modified_by
        assert properties.title and properties.subject == contract.title
        assert doc.document_id in properties.keywords
        assert properties.comments == ""
        with zipfile.ZipFile(doc.docx_path) as package:
            names = package.namelist()
            app = package.read("docProps/app.xml").decode("utf-8")
        assert "Microsoft" not in app and "<Application>compliance</Application>" in app
        assert not [name for name in names if "thumbnail" in name or name.startswith("customXml/")]


def test_tables_fit_inside_the_margins_with_a_narrow_label_column(letters):
    import docx

    document = docx.Document(str(letters["year-2/joint-instruction"].docx_path))
    section = document.sections[0]
    text_width = int((section.page_width - section.left_margin - section.right_margin) / 635)
    meta = document.tables[0]
    widths = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in meta._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
    assert sum(widths) <= text_width and widths[0] < widths[1] / 3  # Date/To/From is not 50/50
    for table in document.tables:
        columns = table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))
        grid = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in columns]
        assert sum(grid) <= text_width + 2


def test_a_reference_docx_still_brings_its_styles(contract, letters, tmp_path):
    import docx

    reference = tmp_path / "firm.docx"
    firm = docx.Document()
    firm.styles["Normal"].font.name = "Garamond"
    firm.save(reference)
    revenues = {k: v for k, v in EXAMPLE_1.items() if k <= 2}
    rendered = render_year(contract, assess_year(contract, revenues, 2), as_of=dt.date(2028, 1, 20),
                           out_dir=tmp_path / "out", renderer=Renderer(reference_docx=reference))
    document = docx.Document(str(rendered[0].docx_path))
    assert document.styles["Normal"].font.name == "Garamond"
    assert "<w:numPr>" in _part(rendered[0].docx_path, "word/document.xml")  # numbering applies on top
