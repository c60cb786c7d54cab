"""The assessment as tables a lawyer can read (rich)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rich.console import Console
from rich.table import Table

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import days_text, literal
from compliance.operations.facade import Assessment, Contract, exact_shares
from compliance.values.money import group


def print_assessment(
    contract: Contract, assessment: Assessment, readings: Mapping[str, Assessment], as_of: dt.date | None,
    console: Console | None = None,
) -> None:
    console = console or make_console()
    title = f"{literal(contract.title)}\nReading: {assessment.reading}"
    title += f" · as of {as_of:%d %B %Y}" if as_of else ""
    table = Table(title=title, title_justify="left")
    table.add_column("Year", justify="right")
    table.add_column("Revenue (RMB)", justify="right")
    table.add_column("Determination")
    table.add_column("Release (shares)", justify="right")
    table.add_column("Deadline (SPA 5.1)")
    for year in assessment.years:
        if year.met:
            determination = f"Met; excess {group(year.excess)}"
        else:
            # the same figures, at the same precision, as the letters print (documents.words.exact_shares)
            determination = (f"Short {group(year.shortfall)};\n"
                             f"{exact_shares(year.deductible_exact)} Deductible Shares (SPA 5.2(1));\n"
                             f"{group(year.retained_shares)} whole shares withheld")
        for use in year.offsets:
            determination += f"\nRestores year {use.to_year}: +{group(use.additional_shares)} (SPA 5.2(2))"
        release = group(year.release_shares)
        if year.offsets:
            parts = " + ".join(
                group(n) for n in [year.tranche_release_shares, *(use.additional_shares for use in year.offsets)]
            )
            release += f"\n({parts})"
        deadline = f"{year.release_deadline:%d %b %Y}"
        if as_of is not None:
            deadline += f"\n{days_text((year.release_deadline - as_of).days)}"
        table.add_row(str(year.year), f"{group(year.actual)}\ntarget {group(year.target)}", determination,
                      release, deadline)
    console.print(table)
    console.print(
        f"Released {group(assessment.released_shares)} · retained for cancellation "
        f"{group(assessment.retained_shares)} (SPA 5.2(1)) · not yet assessed {group(assessment.unassessed_shares)}"
        f" · total {group(assessment.consideration_shares)}"
    )
    if assessment.cancelled_at_expiry is not None:
        console.print(f"Returned to Party A for cancellation at expiry: {group(assessment.cancelled_at_expiry)}")
    others = Table(title="The same revenues under each reading", title_justify="left")
    others.add_column("Reading")
    for year in assessment.years:
        others.add_column(f"Year {year.year}", justify="right")
    others.add_column("Released", justify="right")
    others.add_column("Retained", justify="right")
    for name, other in readings.items():
        label = name + (" (default)" if name == contract.default_reading else "")
        others.add_row(label, *(group(y.release_shares) for y in other.years),
                       group(other.released_shares), group(other.retained_shares))
    console.print(others)
