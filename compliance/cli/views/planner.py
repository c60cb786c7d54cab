"""`assess --plan` as tables: for each open year, the readings side by side (rich)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from rich.console import Console
from rich.table import Table

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import literal
from compliance.values.money import group, group_text


def _fraction(figure: dict) -> str:
    """'3,726.7081\n(600000/161)': the display figure to 4 decimals, and the exact one when they differ."""
    shown = group(Decimal(figure["shown"]), 4)
    return shown if Decimal(figure["shown"]) == Fraction(figure["exact"]) else f"{shown}\n({figure['exact']})"


def print_plan(data: dict, console: Console | None = None) -> None:
    console = console or make_console()
    known = ", ".join(f"year {year}: RMB {group_text(amount)}" for year, amount in data["revenues"].items())
    console.print(f"Planner for {literal(data['contract'])} · revenues known: {known or 'none'}")
    if not data["open_years"]:
        console.print("Every Assessment Year is determined: nothing is left to plan.")
        return
    for year in data["open_years"]:
        readings = year["readings"]
        table = Table(title=f"Assessment Year {year['year']} (not yet determined)", title_justify="left")
        table.add_column("")
        for name in readings:
            table.add_column(name + (" (default)" if name == data["default_reading"] else ""), justify="right")

        def row(label: str, cell, table=table, readings=readings) -> None:
            table.add_row(label, *(cell(plan) for plan in readings.values()))

        row("Meets the target (RMB, SPA 4.1)", lambda p: group_text(p["meets_target"]))
        row("Deducted per RMB 1,000,000 below target (shares, SPA 5.2(1))",
            lambda p: _fraction(p["deducted_per_million_below_target"]))
        row("Still deducted from earlier years (whole shares)", lambda p: f"{p['still_deducted_shares']:,}")
        row("Revenue restoring them all (RMB, SPA 5.2(2))",
            lambda p: group_text(p["restoring_revenue"]) if p["restores_all"] else
            ("nothing to restore" if not p["still_deducted_shares"] else "none" if not p["restoring_revenue"] else
             f"none; most from\n{group_text(p['restoring_revenue'])}"))
        row("Restored at that revenue (whole shares)",
            lambda p: f"{p['restored_shares']:,}" if p["restoring_revenue"] else "–")
        row("Year's release at that revenue (shares)",
            lambda p: f"{p['release_shares_at_restoring_revenue']:,}" if p["restoring_revenue"] else "–")
        row("Left deducted whatever the revenue", lambda p: f"{p['left_deducted_shares']:,}")
        row("Restored per RMB 1,000,000 of excess (shares)",
            lambda p: _fraction(p["restored_per_million_of_excess"]) if p["segments"] else "–")
        console.print(table)
        missing = [n for n in range(1, year["year"]) if n not in year["earlier_years_used"]]
        if missing:
            console.print(f"Year{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} without a revenue: "
                          "taken as exactly on target (no deduction, no pool) for this year's figures.")
        for name, plan in readings.items():
            console.print(f"{literal(name)}: {literal(plan['note'])}")
