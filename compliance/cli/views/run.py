"""What `compliance run` and `compliance status` print: tables of years and files, the documents written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import days_text, literal, printable, styled
from compliance.cli.views.deadlines import sending_text
from compliance.values.money import group, group_text


def _shares(value: int | None) -> str:
    return f"{value:,}" if value is not None else ""


def print_run(result, as_of: dt.date, console: Console | None = None) -> None:
    console = console or make_console()
    console.print(f"As of {as_of.isoformat()}; ledger {literal(result.ledger_path)}")
    years = Table(title="Assessment Years", title_justify="left", box=box.SIMPLE_HEAD)
    years.add_column("Year", justify="right")
    years.add_column("Status", no_wrap=True, min_width=max((len(y.label) for y in result.years), default=6))
    years.add_column("Report", overflow="ellipsis", no_wrap=True, max_width=22)
    years.add_column("Revenue RMB", justify="right", no_wrap=True)
    years.add_column("Release", justify="right", no_wrap=True)
    for year in result.years:
        years.add_row(str(year.year), styled(year.label), literal(year.report_name or ""), group_text(year.revenue),
                      _shares(year.release_shares))
    console.print(years)
    for year in result.years:
        if year.note:
            console.print(f"  Year {year.year}: {literal(year.note)}")

    files = Table(title="Files", title_justify="left", box=box.SIMPLE_HEAD)
    files.add_column("File", overflow="fold")
    files.add_column("Status", no_wrap=True)
    files.add_column("Year", justify="right")
    files.add_column("Revenue (RMB)", justify="right", no_wrap=True)
    reasons = []  # the problems go under the table, with the full width for their plain sentences
    for item in result.files:
        confirmed = item.confirmed_by_hand
        status = styled(item.status) + (" · confirmed by hand" if confirmed else "")
        revenue = confirmed["fields"].get("operating_revenue", {}).get("value") if confirmed else None
        files.add_row(literal(item.name), status, str(item.year or ""), group_text(revenue or item.revenue))
        notes = [f"{p.code}: {p.message}" for p in item.problems if p.severity != "warning"]
        if confirmed:
            notes = [f"confirmed by hand by {confirmed['confirmed_by']} ({confirmed['confirmed_on']}), countersigned "
                     f"by {confirmed['countersigned_by']} ({confirmed['countersigned_on']}): "
                     f"{', '.join(entry['label'] for entry in confirmed['fields'].values())}"]
        if item.role and item.role != "decides_year":
            notes.insert(0, item.role.replace("_", " "))
        if item.also_named:
            notes.append(f"same file as {', '.join(item.also_named)}")
        reasons.extend(f"  {item.name}: {note}" for note in notes)
    console.print(files)
    if reasons:
        console.print("Problems (details in review/<file>.json):")
        for line in reasons:
            console.print(printable(line), markup=False)
    to_confirm = [f for f in result.files if f.status == "needs_review" and not f.confirmed_by_hand and f.sha256]
    if to_confirm:
        console.print(printable(f"To confirm by hand what a report could not prove (a second person countersigns): "
                                f"compliance confirm --report {to_confirm[0].sha256[:12]} --db "
                                f"{result.ledger_path} lists what to check on which page."), markup=False)

    for item in result.skipped:
        console.print(f"  skipped {literal(item.name)}: {item.reason}")
    for note in result.notes:
        console.print(f"[yellow]note:[/] {literal(note)}")
    documents = [path for path in result.written if path.endswith((".pdf", ".docx"))]
    others = [path for path in result.written if not path.endswith((".pdf", ".docx"))]
    if documents:
        console.print(f"Documents written ({len(documents)}):")
        for path in documents:
            console.print(f"  {literal(Path(result.out_dir) / path)}")
    elif any(year.status == "error" for year in result.years):  # a year that could not be issued (a full disk...)
        console.print("No new documents were written; see the years in error above.")
    else:
        console.print("No new documents: the ledger already holds everything this inbox leads to.")
    reviews = [path for path in others if path.startswith("review/")]
    rest = [path for path in others if not path.startswith("review/")]
    if reviews:
        console.print(f"Also written: {len(reviews)} review file(s) in {literal(Path(result.out_dir) / 'review')}")
    if rest:
        console.print(f"Also written: {literal(', '.join(str(Path(result.out_dir) / path) for path in rest))}")
    print_open_items(result.open_items, result.out_dir, console)
    counts = {status: sum(1 for f in result.files if f.status == status and not f.confirmed_by_hand)
              for status in ("accepted", "needs_review", "rejected")}
    by_hand = sum(1 for f in result.files if f.confirmed_by_hand)
    confirmed = f"{by_hand} confirmed by hand, " if by_hand else ""
    console.print(f"{len(result.files)} files: {counts['accepted']} accepted, {confirmed}{counts['needs_review']} need "
                  f"review, {counts['rejected']} rejected. Summary: {literal(Path(result.out_dir) / 'summary.json')}")


def print_open_items(open_items: dict[str, list[str]], out_dir, console: Console) -> None:
    """Every letter still marked DRAFT, and what it lacks (fill these in the contract file, then run again)."""
    if not open_items:
        return
    console.print(f"Open items: {len(open_items)} document(s) marked DRAFT until these are filled in the contract "
                  "file and the documents are prepared again:")
    for path, items in open_items.items():
        console.print(f"  {literal(Path(out_dir) / path)}:")
        for item in items:
            console.print(printable(f"    - {item}"), markup=False)


def print_status(report, console: Console | None = None, dues: list | None = None) -> None:
    """One block per year: a table would not fit the nine facts a year has in a terminal's width. `dues`
    (operations.due.YearDue per year) adds what is due next and each year's latest sending days, as the desk."""
    console = console or make_console()
    rows, as_of, ledger_path, prices_note = report.years, report.as_of, report.ledger_path, report.prices_note
    console.print(f"As of {as_of.isoformat()}; ledger {literal(ledger_path)}")
    due_of = {due.year: due for due in dues or []}
    upcoming = next((due for due in dues or [] if not due.released), None)
    if upcoming is not None:
        console.print(printable(f"Next due: {upcoming.sentence(as_of)}."), markup=False)
    for row in rows:
        fully = row.release_shares is not None and row.released_shares >= row.release_shares
        timing = f"released {row.last_released_on}" if fully else days_text(row.days_left)
        console.print(f"\n[bold]Year {row.year}[/]  {styled(row.status)}  deadline {row.deadline} ({timing})")
        if row.note:
            console.print(f"  note        {literal(row.note)}")
        due = due_of.get(row.year)
        if due is not None and not due.released:
            console.print(printable(f"  now         {due.blocker}"), markup=False)
            if due.sending is not None:
                sent = sending_text(due.sending, "calendar.schedule_files in the contract file")
                console.print(printable(f"  send by     {sent}"), markup=False)
        if row.report_sha256:
            console.print(f"  report      {literal(row.report_name)} ({row.report_sha256[:12]}), revenue RMB "
                          f"{group_text(row.revenue)}")
        if row.confirmed_by_hand:
            hand = row.confirmed_by_hand
            fields = "; ".join(f"{entry['label']} (page {entry['page']})" for entry in hand["fields"].values())
            console.print(printable(f"  by hand     confirmed by {hand['confirmed_by']} on {hand['confirmed_on']}, "
                                    f"countersigned by {hand['countersigned_by']} on {hand['countersigned_on']}: "
                                    f"{fields}"), markup=False)
        if row.release_shares is not None:
            released = f"{row.released_shares:,} released" if row.released_shares else "no release recorded"
            if row.last_released_on and not fully:
                released += f" (last on {row.last_released_on})"
            console.print(f"  instructed  {row.release_shares:,} shares; {released}")
        if row.over_released:
            console.print(f"  [bold red]over-released[/] {row.over_released:,} shares beyond the current instruction, "
                          "released under one since superseded: the escrow holds that many fewer than the "
                          "determinations need (record no further release without the parties' written agreement, "
                          "SPA 5.3)")
        if row.documents:
            folder = Path(row.documents[0]).parent
            names = ", ".join(Path(path).stem for path in row.documents)
            console.print(f"  documents   {literal(names)} (PDF and DOCX in {literal(folder)}/)")
        for path, items in row.open_items.items():
            console.print(f"  open items  {literal(Path(path).stem)} is a DRAFT until these are filled:")
            for item in items:
                console.print(printable(f"    - {item}"), markup=False)
        for signed in row.signatures:
            console.print(f"  signed      {literal(Path(signed['file']).name)}: {literal(signed['field'])} by "
                          f"{literal(signed['signer'])} on {signed['on']} (signature {signed['order']})")
        if row.penalty is not None or row.penalty_note:
            accrued = f"USD {group(Decimal(row.penalty))}" if row.penalty is not None else literal(row.penalty_note)
            console.print(f"  penalty     {accrued} (SPA 8.2, to {as_of})")
            if row.penalty is not None and row.penalty_note:  # the figure, and what it rests on
                console.print(printable(f"              {row.penalty_note}"), markup=False)
    if prices_note:
        console.print(f"\n{literal(prices_note)}")
