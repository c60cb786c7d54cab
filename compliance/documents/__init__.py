"""Signed-ready letters: one Jinja template per document gives both the PDF and the DOCX.

    renderer = Renderer()                                   # one per batch: Jinja env + font config
    contexts = year_documents(contract, revenues, 2, as_of=date(2028, 1, 10))
    renderer.render("joint-instruction", contexts["joint-instruction"], out / "year-2" / "joint-instruction",
                    as_of=date(2028, 1, 10))

A new document needs only `templates/<kind>.html.j2` (extending `base.html.j2`, using `macros.html.j2`)
and a context dict; the Renderer finds signature lines (elements with data-signature-field) by itself.
Heavy libraries (WeasyPrint, python-docx, pyHanko) load on first use, not on import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from compliance.documents.context import (
    computation_id,
    render_cancellation_context,
    year_documents,
)
from compliance.documents.environment import (
    BUILTIN_TEMPLATES,
    DocumentError,
    MissingValueError,
    make_environment,
    scoped,
)

KINDS = (
    "joint-instruction",
    "release-notice",
    "deduction-notice",
    "assessment-report",
    "cancellation-instruction",
    "penalty-statement",
)

__all__ = [
    "KINDS",
    "DocumentError",
    "MissingValueError",
    "RenderedDocument",
    "Renderer",
    "computation_id",
    "render_cancellation",
    "render_year",
    "year_documents",
]

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    pdf_path: Path
    docx_path: Path
    pdf_sha256: str
    docx_sha256: str
    document_id: str


class Renderer:
    """Renders documents to PDF and DOCX; reuse one per batch (it holds the Jinja env and font config)."""

    def __init__(self, templates_dir: Path | None = None, reference_docx: Path | None = None):
        if templates_dir is not None and not Path(templates_dir).is_dir():
            raise DocumentError(f"{templates_dir}: no such templates folder")
        if reference_docx is not None and not Path(reference_docx).is_file():
            raise DocumentError(f"{reference_docx}: no such reference DOCX")
        if reference_docx is not None and not zipfile.is_zipfile(reference_docx):  # a DOCX is a zip package
            raise DocumentError(f"{reference_docx}: not a DOCX file (save it from Word as .docx)")
        self.templates_dir = Path(templates_dir) if templates_dir is not None else None
        self.reference_docx = Path(reference_docx) if reference_docx is not None else None
        self.env = make_environment(self.templates_dir)
        self._pdf = None
        self._docx = None

    # --- the three steps, public so that benchmarks and previews can time or use them alone ---------
    def render_html(self, kind: str, context: Mapping, *, as_of: dt.date) -> str:
        import jinja2

        try:
            template = self.env.get_template(f"{kind}.html.j2")
        except jinja2.TemplateNotFound:
            where = f"{self.templates_dir} or " if self.templates_dir else ""
            raise DocumentError(
                f"no template for '{kind}': expected {kind}.html.j2 in {where}{BUILTIN_TEMPLATES}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise DocumentError(f"template {exc.filename or kind}, line {exc.lineno}: {exc.message}") from None
        values = dict(context)
        values.setdefault("document_id", content_id(context))
        values.setdefault("as_of", as_of)
        values.setdefault("kind", kind)
        try:
            return template.render(scoped(values))
        except MissingValueError:
            raise
        except jinja2.TemplateError as exc:
            raise DocumentError(f"template for '{kind}' failed: {exc}") from None

    def pdf_bytes(self, html: str, *, as_of: dt.date) -> bytes:
        from compliance.documents.cjk import mark_cjk
        from compliance.documents.pdf import PdfMaker, signature_spots
        from compliance.documents.signatures import add_signature_fields

        if self._pdf is None:
            self._pdf = PdfMaker()
        document = self._pdf.layout(mark_cjk(html), base_url=self._base_dir())
        spots = signature_spots(document)
        data = self._pdf.write(document, created=as_of, title=_title(html))
        return add_signature_fields(data, spots)

    def docx_bytes(self, html: str, *, as_of: dt.date) -> bytes:
        from compliance.documents.docx import DocxBuilder

        if self._docx is None:
            self._docx = DocxBuilder(self.reference_docx)
        return self._docx.build(html, created=as_of, title=_title(html), base_dir=self._base_dir())

    def render(self, kind: str, context: dict, out_base: Path, *, as_of: dt.date) -> RenderedDocument:
        """Write out_base.pdf and out_base.docx (each atomically: a temporary name, then a rename)."""
        html = self.render_html(kind, context, as_of=as_of)
        document_id = str(context.get("document_id") or content_id(context))
        pdf = self.pdf_bytes(html, as_of=as_of)
        docx = self.docx_bytes(html, as_of=as_of)
        out_base = Path(out_base)
        pdf_path = _write_atomically(out_base.with_suffix(".pdf"), pdf)
        docx_path = _write_atomically(out_base.with_suffix(".docx"), docx)
        return RenderedDocument(
            kind=kind,
            pdf_path=pdf_path,
            docx_path=docx_path,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            docx_sha256=hashlib.sha256(docx).hexdigest(),
            document_id=document_id,
        )

    def _base_dir(self) -> Path:
        return self.templates_dir or BUILTIN_TEMPLATES


def render_year(
    contract,
    revenues: Mapping[int, Decimal],
    year: int,
    *,
    as_of: dt.date,
    out_dir: Path,
    renderer: Renderer,
    report: dict | None = None,
    reading: str | None = None,
) -> list[RenderedDocument]:
    """Every document due for `year`, written as DIR/year-N/<kind>.{pdf,docx}."""
    contexts = year_documents(contract, revenues, year, as_of=as_of, report=report, reading=reading)
    folder = Path(out_dir) / f"year-{year}"
    return [renderer.render(kind, context, folder / kind, as_of=as_of) for kind, context in contexts.items()]


def render_cancellation(
    contract, revenues: Mapping[int, Decimal], *, as_of: dt.date, out_dir: Path, renderer: Renderer,
    reading: str | None = None,
) -> RenderedDocument:
    """After year 5: the joint instruction returning retained shares to Party A (SPA 5.2(1))."""
    context = render_cancellation_context(contract, revenues, as_of=as_of, reading=reading)
    out = Path(out_dir) / "cancellation-instruction"
    return renderer.render("cancellation-instruction", context, out, as_of=as_of)


def content_id(context: Mapping) -> str:
    """A short identifier derived from the context itself (when the caller supplies no document_id)."""
    digest = hashlib.sha256(repr(sorted((str(k), repr(v)) for k, v in context.items())).encode()).hexdigest()
    return digest[:12].upper()


def _title(html: str) -> str:
    match = _TITLE.search(html)
    return " ".join(html_lib.unescape(match.group(1)).split()) if match else ""


def _write_atomically(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
