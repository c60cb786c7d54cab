"""Party A's daily closing prices (USD), read from a `date,close` CSV the user supplies (SPA 8.2).

SPA 8.2 values the shares not released at their "market value"; the product reads that as Party A's NASDAQ
close. The file has a `date,close` header and one row per trading day, dates ISO and strictly increasing,
closes positive decimals. Closes stay Decimal from the file to the statement: never float.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# A plain positive decimal: digits, optionally a point and more digits. No sign, exponent, grouping or NaN.
# ASCII digits only (\d would take Arabic-Indic and full-width digits), and a bounded length (a 4000-digit
# close is a broken file, and would need more precision than exact arithmetic keeps).
_PRICE = re.compile(r"^[0-9]{1,40}(\.[0-9]{1,20})?$")
_HEADER = ("date", "close")


class PriceFileError(ValueError):
    """A prices file (or a lookup in it) that cannot be used; str() is one plain line naming row and value."""


class PriceGapError(PriceFileError):
    """A gap in the closes longer than the contract tolerates, refused (--strict-prices)."""


@dataclass(frozen=True)
class PriceSeries:
    """Closes by trading day, dates strictly increasing. `source` names the file in messages."""

    dates: tuple[dt.date, ...]
    closes: tuple[Decimal, ...]
    source: str = "prices"

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.closes):
            raise PriceFileError(f"{self.source}: dates and closes must pair up one to one")
        if not self.dates:
            raise PriceFileError(f"{self.source} has no prices; it needs a 'date,close' row per trading day")
        for earlier, later in zip(self.dates, self.dates[1:], strict=False):
            if later <= earlier:
                raise PriceFileError(
                    f"{self.source}: date {later} is not after the previous date {earlier}; the prices must be"
                    " sorted with one close per date"
                )

    @property
    def first_date(self) -> dt.date:
        return self.dates[0]

    @property
    def last_date(self) -> dt.date:
        return self.dates[-1]

    def quote_on(self, day: dt.date) -> tuple[dt.date, Decimal]:
        """(trading day, close) of `day`, or of the last trading day before it when `day` has no close."""
        index = bisect.bisect_right(self.dates, day) - 1
        if index < 0:
            raise PriceFileError(
                f"{self.source} has no close on or before {day.isoformat()} (its first date is "
                f"{self.first_date.isoformat()}); add closes from {day.isoformat()} or earlier"
            )
        return self.dates[index], self.closes[index]

    def close_on(self, day: dt.date) -> Decimal:
        """The close of `day`, or the last earlier close (a weekend or market holiday takes Friday's)."""
        return self.quote_on(day)[1]


def market_days_after(last_close: dt.date, through: dt.date) -> int:
    """Market days (Monday to Friday; a US market holiday is not known here, so it counts) d with
    last_close < d <= through: how far a close is carried forward to `through`."""
    if through <= last_close:
        return 0
    days = (through - last_close).days
    weeks, rest = divmod(days, 7)
    start = last_close.weekday()  # the rest are the weekdays start+1 .. start+rest, mod 7
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (start + offset) % 7 < 5)


@dataclass(frozen=True)
class PriceGap:
    """Days valued at a close carried forward over more market days without a close than a tolerance."""

    last_close: dt.date  # the close the days take
    next_close: dt.date | None  # the file's next close; None when the file ends before the days
    market_days: int  # market days without a close from last_close to the last of the days
    days: tuple[dt.date, ...]  # the days valued across the gap

    @property
    def at_end(self) -> bool:
        return self.next_close is None

    def sentence(self, source: str, tolerance: int, *, refused: bool = False) -> str:
        """The gap in one sentence: where the closes stop, the days it values and by how far it exceeds (and,
        when `refused`, that --strict-prices refuses it)."""
        where = (f"{source} ends on {self.last_close.isoformat()}" if self.next_close is None else
                 f"{source} has no close between {self.last_close.isoformat()} and {self.next_close.isoformat()}")
        first, last = self.days[0].isoformat(), self.days[-1].isoformat()
        valued = f"{first} takes" if len(self.days) == 1 else f"the {len(self.days)} days from {first} to {last} take"
        return (f"{where}: {valued} the close of {self.last_close.isoformat()}, carried over {self.market_days} "
                f"market days without a close, more than the {tolerance} the contract tolerates"
                + (", so --strict-prices refuses it" if refused else "") + "; add the missing closes if they exist")


def price_gaps(series: PriceSeries, days: Sequence[dt.date], tolerance: int) -> list[PriceGap]:
    """The gaps the given days are valued across, where a day reaches back over more than `tolerance` market
    days without a close, in date order. Raises PriceFileError for a day before the file's first close."""
    by_close: dict[dt.date, list[dt.date]] = {}
    for day in days:
        by_close.setdefault(series.quote_on(day)[0], []).append(day)
    gaps = []
    for close_date, valued in sorted(by_close.items()):
        reach = market_days_after(close_date, max(valued))
        if reach > tolerance:
            index = bisect.bisect_right(series.dates, close_date)
            following = series.dates[index] if index < len(series.dates) else None
            gaps.append(PriceGap(close_date, following, reach, tuple(sorted(valued))))
    return gaps


def series_from_rows(rows: Sequence[tuple[dt.date, Decimal]], source: str = "prices") -> PriceSeries:
    """A series from (date, close) pairs already parsed, e.g. in tests. Sorted and validated like a file."""
    for _, close in rows:
        if close <= 0:
            raise PriceFileError(f"{source}: close {close} is not positive")
    return PriceSeries(tuple(day for day, _ in rows), tuple(close for _, close in rows), source)


def _parse_row(fields: list[str], where: str) -> tuple[dt.date, Decimal]:
    if len(fields) != 2:
        raise PriceFileError(
            f"{where}: expected two values 'date,close' but found {len(fields)}: {','.join(fields)!r}"
        )
    date_text, close_text = (field.strip() for field in fields)
    try:
        day = dt.date.fromisoformat(date_text)
    except ValueError:
        raise PriceFileError(f"{where}: date {date_text!r} is not a date; write it as YYYY-MM-DD") from None
    if close_text.startswith("-"):
        raise PriceFileError(f"{where}: close {close_text} on {day} is negative; a close must be above zero")
    if not _PRICE.match(close_text):
        raise PriceFileError(
            f"{where}: close {close_text!r} on {day} is not a price; write a plain decimal such as 4.12"
        )
    close = Decimal(close_text)
    if close == 0:
        raise PriceFileError(f"{where}: close {close_text} on {day} is zero; a close must be above zero")
    return day, close


def load_prices(path: str | Path) -> PriceSeries:
    """Read and validate a `date,close` CSV; the first problem raises PriceFileError naming line and value."""
    file = Path(path)
    name = str(path)
    if file.exists() and not file.is_dir() and not file.is_file():  # a FIFO or a device would block or never end
        raise PriceFileError(f"{name}: not a regular file (expected a CSV file with 'date,close' rows)")
    try:
        text = file.read_text(encoding="utf-8-sig")  # -sig: a spreadsheet's byte-order mark is not a value
    except FileNotFoundError:
        raise PriceFileError(f"{name}: no such prices file") from None
    except IsADirectoryError:
        raise PriceFileError(f"{name}: is a directory, not a prices file") from None
    except UnicodeDecodeError:
        raise PriceFileError(f"{name}: not a text file (expected UTF-8 CSV with 'date,close' rows)") from None
    except OSError as exc:
        raise PriceFileError(f"{name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None

    rows: list[tuple[dt.date, Decimal]] = []
    header_seen = False
    seen_on_line: dict[dt.date, int] = {}
    for number, fields in enumerate(csv.reader(text.splitlines()), start=1):
        if not fields or all(not field.strip() for field in fields):
            continue  # blank lines carry nothing
        where = f"{name} line {number}"
        if not header_seen:
            header = tuple(field.strip().lower() for field in fields)
            if header != _HEADER:
                raise PriceFileError(
                    f"{where}: the first line must be the header 'date,close' but is {','.join(fields)!r}"
                )
            header_seen = True
            continue
        day, close = _parse_row(fields, where)
        if day in seen_on_line:
            raise PriceFileError(f"{where}: date {day} appears twice (first on line {seen_on_line[day]})")
        if rows and day < rows[-1][0]:
            raise PriceFileError(
                f"{where}: date {day} is not after the previous date {rows[-1][0]}; the file must be sorted"
            )
        seen_on_line[day] = number
        rows.append((day, close))
    if not header_seen:
        raise PriceFileError(f"{name}: the file is empty; it needs a 'date,close' header and one row per day")
    if not rows:
        raise PriceFileError(f"{name}: the file has a header but no prices")
    return PriceSeries(tuple(day for day, _ in rows), tuple(close for _, close in rows), name)
