"""`compliance render KIND`: one document from given figures, as PDF and DOCX: a preview, marked PREVIEW on every
page, with no signature field (only a prepared and approved letter is for signature).

Heavy imports (WeasyPrint, python-docx, pyHanko) stay inside the command so `compliance --help` is fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.commands.common import (
    AsOfOption,
    ContractOption,
    LanguageOption,
    as_of_or_today,
    contract_or_exit,
    parse_revenue_args,
    reading_or_exit,
    usage_error,
    with_language,
    year_or_exit,
)
from compliance.operations.facade import DETERMINATION_KINDS

RENDERABLE = DETERMINATION_KINDS  # the kinds a determination issues; the penalty statement needs prices


def render(
    kind: str = typer.Argument(..., help=f"The document: {', '.join(RENDERABLE)}.", show_default=False),
    year: int = typer.Option(
        None, "--year", help="Assessment Year the document is for (the last year for a cancellation).",
        show_default=False,
    ),
    revenue: list[str] = typer.Option(
        None, "--revenue", help="Audited revenue as YEAR=AMOUNT in RMB yuan, e.g. 1=702345678.90 (repeatable).",
        show_default=False,
    ),
    as_of: str = AsOfOption,
    out: Path = typer.Option(Path("output"), "--out", help="Folder to write DIR/year-N/KIND.pdf and .docx into."),
    reading: str = typer.Option(
        None, "--reading", help="spa (default), spa-excess-year-target or 6k-summary.", show_default=False
    ),
    templates: Path = typer.Option(
        None, "--templates", help="Folder of your own templates; they replace the built-in ones by file name.",
        show_default=False,
    ),
    reference_docx: Path = typer.Option(
        None, "--reference-docx", help="A DOCX whose styles and letterhead the DOCX output takes.",
        show_default=False,
    ),
    contract: Path = ContractOption,
    language: str = LanguageOption,
) -> None:
    """Preview one letter from given figures: DIR/year-N/KIND.pdf (PDF/A-2b) and KIND.docx, marked PREVIEW on
    every page and without signature fields; the letters to sign come from `run` and `approve`."""
    if kind == "penalty-statement":
        usage_error("penalty-statement needs prices: render it with `compliance penalty ... --prices FILE`")
    if kind not in RENDERABLE:
        usage_error(f"{kind}: not a document; choose one of {', '.join(RENDERABLE)}")
    terms = with_language(contract_or_exit(contract), language)
    reading_or_exit(reading)
    numbers = [item.number for item in terms.assessment_years]
    if year is None:
        if kind != "cancellation-instruction":
            usage_error(f"--year: say which Assessment Year the {kind} is for ({numbers[0]}-{numbers[-1]})")
        year = numbers[-1]
    year_or_exit(terms, year)
    revenues = parse_revenue_args(revenue, terms)
    if kind == "cancellation-instruction":
        missing = [number for number in numbers if number not in revenues]
        if missing:
            usage_error(
                "cancellation-instruction comes after the last Assessment Year: give --revenue for year "
                + ", ".join(str(number) for number in missing)
            )
    elif year not in revenues:
        usage_error(f"--revenue: give the audited revenue of year {year}, e.g. --revenue {year}=702345678.90")
    as_of_date = as_of_or_today(as_of)

    from compliance.operations.figures import DocumentError, LetterNotDue, render_letter

    try:
        document = render_letter(terms, kind, year=year, revenues=revenues, reading=reading, as_of=as_of_date,
                                 out_base=out / f"year-{year}" / kind, templates=templates,
                                 reference_docx=reference_docx)
    except (LetterNotDue, DocumentError) as exc:
        usage_error(str(exc))
    except OSError as exc:
        usage_error(f"{out}: cannot write the documents ({exc.strerror or exc.__class__.__name__})")
    except Exception as exc:  # never a traceback: one line naming what failed
        typer.echo(f"error: could not render {kind}: {exc.__class__.__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Document ID {document.document_id} (as of {as_of_date.isoformat()})")
    typer.echo(f"Wrote {document.pdf_path}")
    typer.echo(f"Wrote {document.docx_path}")
    typer.echo("PREVIEW: marked so on every page and without signature fields; the letters to sign come from "
               "`compliance run` and `compliance approve`.")


def register(app: typer.Typer) -> None:
    app.command("render")(render)
