"""Server-side SVG charts for the review desk: the five tranches of the escrow, and a year's accrued penalty.

matplotlib is imported inside the functions, so importing the desk stays cheap, and only its object API is
used (a Figure per chart, never pyplot's global state), because the server is multi-threaded. The bytes are
the same for the same inputs in every process (fixed hash salt, no date, a bundled font); text stays text,
so tests and screen readers can read it; every number printed is formatted from the exact int or Decimal.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from compliance.values.money import group, usd

# Okabe-Ito: told apart with every common colour-vision deficiency; the hatch also tells retained in greyscale.
RELEASED_COLOUR = "#009E73"
RETAINED_COLOUR = "#D55E00"
RETAINED_HATCH_COLOUR = "#7A3600"
IN_ESCROW_COLOUR = "#56B4E9"
PENALTY_COLOUR = "#0072B2"
CAP_COLOUR = "#333333"
SIZE_INCHES = (8.0, 3.6)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STYLE = {
    "svg.hashsalt": "compliance-desk-charts",  # the ids of clip paths and hatches, otherwise random per run
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],  # bundled with matplotlib: the layout never depends on the system
    "font.size": 9.5,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.axisbelow": True,
    "hatch.linewidth": 1.0,
}
# rc_context swaps the global rcParams while a chart is drawn: one chart at a time, or two threads would save
# and restore each other's settings and leave ours behind for other code.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class TrancheBar:
    """One Assessment Year's tranche of 3,000,000 shares: where its shares are now."""

    year: int
    released: int
    retained: int
    in_escrow: int
    deadline: dt.date | None = None


@dataclass(frozen=True)
class PenaltyPoint:
    """The late-release penalty accrued (USD) up to and including `on`."""

    on: dt.date
    accrued: Decimal


def day_text(day: dt.date, *, with_year: bool = True) -> str:
    """'29 Jan 2027' (or '29 Jan'), the same in every locale."""
    short = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{short} {day.year}" if with_year else short


def tranche_chart(bars: Sequence[TrancheBar], *, title: str) -> str:
    """A stacked bar per Assessment Year: released, retained and still in escrow, each labelled with its shares."""
    segments = (  # (legend, field, colour, hatch)
        ("Released to the seller", "released", RELEASED_COLOUR, None),
        ("Retained (deducted)", "retained", RETAINED_COLOUR, "///"),
        ("Still in escrow", "in_escrow", IN_ESCROW_COLOUR, None),
    )

    def draw(figure) -> None:
        axes = figure.add_subplot()
        top = max([bar.released + bar.retained + bar.in_escrow for bar in bars] + [1])
        positions = list(range(len(bars)))
        bottoms = [0] * len(bars)
        for legend, field, colour, hatch in segments:
            shares = [getattr(bar, field) for bar in bars]
            axes.bar(positions, [float(n) for n in shares], bottom=[float(b) for b in bottoms], width=0.6,
                     color=colour, hatch=hatch, hatchcolor=RETAINED_HATCH_COLOUR if hatch else None,
                     edgecolor="white", linewidth=1, label=legend)
            for position, count, bottom in zip(positions, shares, bottoms, strict=True):
                if count and count / top >= 0.09:  # tall enough for one line of text
                    backing = {"boxstyle": "round,pad=0.2", "facecolor": colour, "edgecolor": "none"}
                    axes.text(position, float(bottom) + count / 2, group(count), ha="center", va="center",
                              fontsize=8.5, bbox=backing if hatch else None)
            bottoms = [b + n for b, n in zip(bottoms, shares, strict=True)]
        axes.set_xticks(positions, [_year_label(bar) for bar in bars])
        axes.set_xlim(-0.6, max(len(bars), 1) - 0.4)
        axes.set_ylim(0, float(top))
        _grouped_y_axis(axes)
        axes.tick_params(axis="x", length=0)
        axes.set_ylabel("Shares")
        axes.set_xlabel("Assessment Year")
        _legend_above(axes, columns=3)

    summary = "; ".join(f"Year {bar.year}: {group(bar.released)} released, {group(bar.retained)} retained, "
                        f"{group(bar.in_escrow)} in escrow" for bar in bars)
    return _render(draw, title=title, description=summary or "No tranches.")


def penalty_chart(points: Sequence[PenaltyPoint], *, cap: Decimal | None, title: str,
                  payable: Decimal | None = None) -> str:
    """The penalty accrued day by day, the cap as a dashed line, and the latest amount to the cent (with what
    is payable, the engine's figure, when the cap makes it less)."""
    points = sorted(points, key=lambda point: point.on)

    def draw(figure) -> None:
        import matplotlib.dates as mdates
        from matplotlib.ticker import Formatter

        class _DayFormatter(Formatter):
            """'4 Feb'; the year only on the first tick and where it changes, so a tick never needs more room."""

            def __call__(self, value, pos=None) -> str:
                return day_text(mdates.num2date(value).date())

            def format_ticks(self, values) -> list[str]:
                days = [mdates.num2date(value).date() for value in values]
                return [day_text(day, with_year=index == 0 or day.year != days[index - 1].year)
                        for index, day in enumerate(days)]

        axes = figure.add_subplot()
        highest = max([point.accrued for point in points] + [cap or Decimal(0)])
        axes.set_ylim(0, max(float(highest) * 1.25, 1.0))
        if points:
            days = [point.on for point in points]
            amounts = [float(point.accrued) for point in points]
            axes.step(days, amounts, where="post", color=PENALTY_COLOUR, linewidth=1.8, label="Penalty accrued")
            axes.fill_between(days, amounts, step="post", color=PENALTY_COLOUR, alpha=0.12, linewidth=0)
            axes.plot(days[-1:], amounts[-1:], marker="o", color=PENALTY_COLOUR, markersize=5)
            latest = usd(points[-1].accrued)
            if payable is not None and payable != points[-1].accrued:
                latest = f"accrued {latest}; payable {usd(payable)}"
            axes.annotate(latest, (days[-1], amounts[-1]), xytext=(-6, 7),
                          textcoords="offset points", ha="right", va="bottom", fontweight="bold",
                          bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
            span = (days[-1] - days[0]).days
            widen = max(0, 6 - span)  # at least a week in view, centred, so the ticks fall on whole days
            margin = max(1, span // 20)
            before, after = widen // 2 + margin, span + widen - widen // 2 + margin  # days from the first point
            axes.set_xlim(days[0] - dt.timedelta(days=before), days[0] + dt.timedelta(days=after))
            if before + after <= 70:  # whole days, evenly spaced from the first point (no crowding at a month's end)
                stride = -(-(before + after) // 7)
                axes.set_xticks([days[0] + dt.timedelta(days=k * stride) for k in range(-(before // stride),
                                                                                        after // stride + 1)])
            else:
                axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
            axes.xaxis.set_major_formatter(_DayFormatter())
        else:
            axes.set_xticks([])
            axes.text(0.5, 0.5, "No penalty has accrued", transform=axes.transAxes, ha="center", va="center",
                      color="#555555")
        if cap is not None:
            axes.axhline(float(cap), color=CAP_COLOUR, linestyle=(0, (5, 3)), linewidth=1.2, label=f"cap {usd(cap)}")
        if points or cap is not None:
            _grouped_y_axis(axes)
            _legend_above(axes, columns=2)
        else:
            axes.set_yticks([])
        axes.set_ylabel("USD")
        axes.set_xlabel("Date")

    summary = (f"Penalty accrued from {day_text(points[0].on)} to {day_text(points[-1].on)}: "
               f"{usd(points[-1].accrued)}" if points else "No penalty has accrued")
    return _render(draw, title=title, description=summary + (f"; cap {usd(cap)}." if cap is not None else "."))


@dataclass(frozen=True)
class PlanCurve:
    """One reading's release for an open year against its revenue, at the points where the slope changes."""

    reading: str
    points: tuple[tuple[Decimal, int, int], ...]  # (revenue, own tranche released, released in all)
    restoring: Decimal | None  # the smallest revenue restoring every deducted share (or the most, when not all)
    restores_all: bool


# One colour and one line style per reading, so the lines part in greyscale too (Okabe-Ito).
_READING_STYLES = (("#0072B2", "-"), ("#E69F00", (0, (5, 2))), ("#CC79A7", (0, (1, 1.5))))


def _millions(amount: Decimal) -> str:
    return f"RMB {group(amount / 1_000_000, 1)}m"


def plan_chart(curves: Sequence[PlanCurve], *, target: Decimal, tranche: int, title: str) -> str:
    """Left, the year's own tranche against a revenue short of the target (SPA 5.2(1)); right, the earlier
    shares its excess restores (SPA 5.2(2)), a line per reading, the restoring revenue marked on each."""
    def draw(figure) -> None:
        left, right = figure.subplots(1, 2, width_ratios=[1, 1.6])
        own = [(float(r), t) for r, t, _ in curves[0].points if r <= target]
        left.plot([r / 1e6 for r, _ in own], [float(t) for _, t in own], color=RELEASED_COLOUR, linewidth=1.8)
        left.set_xlim(0, float(target) / 1e6 * 1.02)
        left.set_ylim(0, tranche * 1.08)
        left.set_title("Its own tranche", fontsize=10)
        left.set_ylabel("Shares released")
        left.set_xlabel("Revenue, RMB million")
        _grouped_y_axis(left)
        left.axvline(float(target) / 1e6, color=CAP_COLOUR, linestyle=(0, (5, 3)), linewidth=1.1)
        left.annotate(f"target {_millions(target)}", (float(target) / 1e6, tranche), xytext=(-4, 6),
                      textcoords="offset points", ha="right", va="bottom", fontsize=8.5)
        highest = max([restored for curve in curves for _, own_, total in curve.points
                       for restored in [total - own_]] + [0])
        right.set_title("Earlier shares restored", fontsize=10)
        right.set_xlabel("Revenue, RMB million")
        right.axvline(float(target) / 1e6, color=CAP_COLOUR, linestyle=(0, (5, 3)), linewidth=1.1,
                      label=f"target {_millions(target)}")
        if highest == 0:
            right.text(0.5, 0.5, "Nothing deducted from earlier years", transform=right.transAxes,
                       ha="center", va="center", color="#555555")
            right.set_yticks([])
        else:
            right.set_ylim(0, highest * 1.8)  # room above the lines for the legend
            _grouped_y_axis(right)
        ends = [float(point[0]) for curve in curves for point in curve.points]
        right.set_xlim(float(target) / 1e6 * 0.98, max(ends + [float(target)]) / 1e6)
        for index, curve in enumerate(curves):
            colour, style = _READING_STYLES[index % len(_READING_STYLES)]
            above = [(r, total - own_) for r, own_, total in curve.points if r >= target]
            if not highest:
                continue
            label = curve.reading
            if curve.restoring is not None:
                at = float(curve.restoring) / 1e6
                shares = next(n for r, n in above if r == curve.restoring)
                right.axvline(at, color=colour, linestyle=":", linewidth=0.9)
                right.plot([at], [float(shares)], marker="o", color=colour, markersize=5)
                how = "all" if curve.restores_all else "most"
                label += f": {how} from {_millions(curve.restoring)}, +{group(shares)}"
            right.plot([float(r) / 1e6 for r, _ in above], [float(n) for _, n in above], color=colour,
                       linestyle=style, linewidth=1.6, label=label)
        if highest:
            right.legend(loc="upper right", fontsize=8, frameon=False)

    parts = [f"Target {_millions(target)}: below it each tranche loses shares in proportion"]
    for curve in curves:
        if curve.restoring is None:
            parts.append(f"{curve.reading}: nothing to restore")
        else:
            restored = next(total - own for r, own, total in curve.points if r == curve.restoring)
            verb = "restores all deducted shares" if curve.restores_all else "restores the most it can"
            parts.append(f"{curve.reading}: RMB {group(curve.restoring)} {verb}, +{group(restored)}")
    return _render(draw, title=title, description="; ".join(parts) + ".")


def _year_label(bar: TrancheBar) -> str:
    return f"Year {bar.year}" + (f"\ndue {day_text(bar.deadline)}" if bar.deadline else "")


def _grouped_y_axis(axes) -> None:
    """Round ticks with thousands separators ('3,000,000') and a light grid to read the bars against."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{round(value):,}"))
    axes.yaxis.grid(True, color="#E3E3E3", linewidth=0.8)


def _legend_above(axes, *, columns: int) -> None:
    """In one row between the title and the plot, so it never covers a bar or the line."""
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=columns, frameon=False, borderaxespad=0.3)


def _render(draw: Callable, *, title: str, description: str) -> str:
    """Draw on a fresh Figure under our rcParams and return the SVG, with a <title> and <desc> for screen readers."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with _RENDER_LOCK, matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=SIZE_INCHES, layout="constrained")
        FigureCanvasSVG(figure)
        draw(figure)
        figure.suptitle(title, fontsize=11.5, fontweight="bold", parse_math=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue().decode("utf-8")
    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    opening = svg[start:end].replace("<svg", '<svg role="img"', 1)
    return f"{svg[:start]}{opening}\n <title>{escape(title)}</title>\n <desc>{escape(description)}</desc>{svg[end:]}"
