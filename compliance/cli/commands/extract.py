"""`compliance extract`: read audit-report PDFs. Heavy imports stay inside the command function
so that `compliance --help` starts fast."""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.commands.common import ContractOption, contract_or_exit, usage_error


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_command(
        pdfs: list[Path] = typer.Argument(..., metavar="PDF...", help="Audit-report PDF files to read."),
        contract: Path | None = ContractOption,
        json_output: bool = typer.Option(False, "--json", help="Print a JSON array, one object per file."),
        evidence_dir: Path | None = typer.Option(
            None, "--evidence-dir", help="Write a PNG of each figure's place on its page, named <sha256>.png."),
        password: str | None = typer.Option(None, "--password", help="Password for encrypted PDFs."),
        max_mb: float = typer.Option(200, "--max-mb", min=0.001, help="Largest file read, in MB."),
        max_pages: int = typer.Option(2000, "--max-pages", min=1, help="Most pages read per file."),
        max_memory_mb: int = typer.Option(3072, "--max-memory-mb", min=64, max=1 << 20,
                                          help="Most memory a worker may use for one file, in MB."),
        timeout: float = typer.Option(120, "--timeout", min=1, help="Time limit per file in a batch, seconds."),
        workers: int = typer.Option(2, "--workers", min=0, max=16,
                                    help="Worker processes for a batch (0: read in this process, no time limit)."),
    ) -> None:
        """Read revenue, period, entity, auditor and opinion from audit reports; exit 0 when every file is
        accepted, 1 when any is not."""
        import json
        import sys

        from compliance.operations.facade import Limits, extract_batch

        terms = contract_or_exit(contract)
        if evidence_dir is not None:
            try:
                evidence_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                usage_error(f"--evidence-dir {evidence_dir} cannot be used as a folder "
                            f"({error.strerror or error.__class__.__name__})")

        limits = Limits.of(max_mb=max_mb, max_pages=max_pages, max_memory_mb=max_memory_mb)
        # One file runs in this process: no pool to start, and nothing else to wait for.
        pool = workers if len(pdfs) > 1 else 0
        kwargs = dict(password=password, evidence_dir=evidence_dir, limits=limits, workers=pool,
                      per_file_timeout=timeout)
        try:
            if sys.stderr.isatty() and len(pdfs) > 1:
                results = _with_progress(pdfs, terms, kwargs)
            else:
                results = extract_batch(pdfs, terms, **kwargs)
            if json_output:
                sys.stdout.write(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2) + "\n")
                sys.stdout.flush()
            else:
                from compliance.cli.views.extract import print_extractions

                print_extractions(results)
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
            sys.stdout = None  # nothing more can be written; keep the interpreter from complaining at exit
            raise typer.Exit(1) from None
        raise typer.Exit(0 if all(r.status == "accepted" for r in results) else 1)


def _with_progress(pdfs, terms, kwargs):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from compliance.operations.facade import extract_batch

    # Redrawn on each finished file rather than by rich's timer thread: the batch forks its workers, and a
    # process with no other threads forks safely.
    with Progress(TextColumn("Reading reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True, auto_refresh=False) as bar:
        task = bar.add_task("extract", total=len(pdfs))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done)
            bar.refresh()

        return extract_batch(pdfs, terms, progress=advance, **kwargs)
