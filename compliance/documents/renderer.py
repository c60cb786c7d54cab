"""The Renderer: one template and one context give a PDF (WeasyPrint, PDF/A-2b with signature fields) and a
DOCX (python-docx) of the same letter. Heavy libraries load on first use, not on import.

A preview (`preview=True`, what `compliance render` writes from typed figures) is marked PREVIEW above its
letterhead and in the footer of every page, and has no signature field: each signature line says PREVIEW
instead of carrying a field, in the PDF and the DOCX alike."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from compliance.documents.environment import (
    BUILTIN_TEMPLATES,
    DocumentError,
    MissingValueError,
    make_environment,
    scoped,
    template_name,
)
from compliance.values.digest import sha256_hex
from compliance.values.files import atomic_write_bytes

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_SIGNATURE_LINE = re.compile(r'<div class="sig-line"([^>]*?) data-signature-field="[^"]*"([^>]*)></div>')
PREVIEW_SIGNATURE = '<span class="preview-note">PREVIEW: not for signature</span>'


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    slot: str  # its place in the output folder without version, e.g. 'year-2/joint-instruction'
    pdf_path: Path
    docx_path: Path
    pdf_sha256: str
    docx_sha256: str
    document_id: str
    open_items: tuple[str, ...] = ()  # what the letter still lacks; non-empty: it is marked DRAFT
    annexes: tuple[str, ...] = ()  # files written beside the PDF that it names (the penalty schedule CSV)


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
    def render_html(self, kind: str, context: Mapping, *, as_of: dt.date, awaiting_approval: bool = False,
                    preview: bool = False) -> str:
        return self.render_letter(kind, context, as_of=as_of, awaiting_approval=awaiting_approval,
                                  preview=preview)[0]

    def render_letter(self, kind: str, context: Mapping, *, as_of: dt.date, awaiting_approval: bool = False,
                      preview: bool = False) -> tuple[str, tuple[str, ...]]:
        """The letter's HTML and its open items. A letter with open items is rendered a second time, marked
        DRAFT with the items listed (documents.open_items); without any, once, as a letter to sign, unless it
        is `awaiting_approval` (prepared, not yet approved by a second person): then it is marked DRAFT too.
        The mark never changes the figures or the document ID (both come from the context alone). A `preview` is
        marked PREVIEW and its signature lines carry no field (`preview_html`)."""
        import jinja2

        from compliance.documents.open_items import collecting

        try:
            template = self.env.get_template(template_name(kind))
        except jinja2.TemplateNotFound:
            where = f"{self.templates_dir} or " if self.templates_dir else ""
            raise DocumentError(
                f"no template for '{kind}': expected {template_name(kind)} in {where}{BUILTIN_TEMPLATES}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise DocumentError(f"template {exc.filename or kind}, line {exc.lineno}: {exc.message}") from None
        values = dict(context)
        values.setdefault("document_id", content_id(context))
        values.setdefault("as_of", as_of)
        values.setdefault("kind", kind)
        values.update(draft=False, open_items=[], preview=preview)
        finish = preview_html if preview else (lambda text: text)
        try:
            with collecting() as items:
                html = template.render(scoped(values))
            if not items and not awaiting_approval:
                return finish(html), ()
            values.update(draft=True, open_items=list(items))
            with collecting():
                return finish(template.render(scoped(values))), tuple(items)
        except MissingValueError:
            raise
        except jinja2.TemplateError as exc:
            raise DocumentError(f"template for '{kind}' failed: {exc}") from None

    def pdf_bytes(self, html: str, *, as_of: dt.date, signature_fields: bool = True) -> bytes:
        from compliance.documents.cjk import mark_cjk
        from compliance.documents.pdf import PdfMaker, signature_spots
        from compliance.documents.signatures import add_signature_fields

        if self._pdf is None:
            self._pdf = PdfMaker()
        document = self._pdf.layout(mark_cjk(html), base_url=self._base_dir())
        spots = signature_spots(document) if signature_fields else []
        data = self._pdf.write(document, created=as_of, title=_title(html))
        return add_signature_fields(data, spots)

    def docx_bytes(self, html: str, *, as_of: dt.date) -> bytes:
        from compliance.documents.docx import DocxBuilder

        if self._docx is None:
            self._docx = DocxBuilder(self.reference_docx)
        return self._docx.build(html, created=as_of, title=_title(html), base_dir=self._base_dir())

    def render(self, kind: str, context: dict, out_base: Path, *, as_of: dt.date,
               slot: str | None = None, awaiting_approval: bool = False, preview: bool = False) -> RenderedDocument:
        """Write out_base.pdf and out_base.docx (each atomically). `slot` names the document's place in an
        output folder (default: the kind). A `preview` is marked PREVIEW on every page and has no signature
        field."""
        html, open_items = self.render_letter(kind, context, as_of=as_of, awaiting_approval=awaiting_approval,
                                              preview=preview)
        document_id = str(context.get("document_id") or content_id(context))
        pdf = self.pdf_bytes(html, as_of=as_of, signature_fields=not preview)
        docx = self.docx_bytes(html, as_of=as_of)
        out_base = Path(out_base)
        pdf_path, docx_path = out_base.with_suffix(".pdf"), out_base.with_suffix(".docx")
        atomic_write_bytes(pdf_path, pdf)
        atomic_write_bytes(docx_path, docx)
        return RenderedDocument(
            kind=kind,
            slot=slot or kind,
            pdf_path=pdf_path,
            docx_path=docx_path,
            pdf_sha256=sha256_hex(pdf),
            docx_sha256=sha256_hex(docx),
            document_id=document_id,
            open_items=open_items,
        )

    def _base_dir(self) -> Path:
        return self.templates_dir or BUILTIN_TEMPLATES


def preview_html(html: str) -> str:
    """A preview's HTML: every signature line says PREVIEW and carries no signature field. Refused (a
    DocumentError) when a field would survive, so that no preview can ever be signed."""
    html = _SIGNATURE_LINE.sub(lambda found: f'<div class="sig-line"{found.group(1)}{found.group(2)}>'
                                             f'{PREVIEW_SIGNATURE}</div>', html)
    if "data-signature-field" in html:
        raise DocumentError("a preview must not carry a signature field, and this template's signature line is "
                            'not the plain <div class="sig-line" data-signature-field="..."></div> it can remove')
    return html


def content_id(context: Mapping) -> str:
    """A short identifier derived from the context itself (when the caller supplies no document_id)."""
    digest = sha256_hex(repr(sorted((str(k), repr(v)) for k, v in context.items())))
    return digest[:12].upper()


def _title(html: str) -> str:
    match = _TITLE.search(html)
    return " ".join(html_lib.unescape(match.group(1)).split()) if match else ""
