"""Exact money and shares: parsing typed-in RMB figures, exact arithmetic, and every way an amount is
printed (RMB, USD, exact or to the cent). Never float. The one module for money formats.

Rounding happens only for display, half up, and only where a function's name or docstring says so.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction

# ASCII digits only: \d would also take Arabic-Indic, full-width and other digits.
_PLAIN = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$")
_CENT = Decimal("0.01")
# Far above any revenue, and low enough that every figure derived from it stays within Decimal's 28 digits.
_MAX_INTEGER_DIGITS = 20
# Exact arithmetic: any product or sum that would need rounding raises instead of rounding silently.
EXACT = Context(prec=80, traps=[Inexact, InvalidOperation, Overflow])
_ROOMY = Context(prec=80)  # display rounding of an exact amount, whatever its size


class AmountError(ValueError):
    """A typed amount that is not a plain non-negative RMB figure."""


def parse_rmb(text: str) -> Decimal:
    """'665000000', '665,000,000.00' -> Decimal. Exponents, signs, spaces and fractions of a fen are refused."""
    raw = text.strip()
    if raw.startswith("-"):
        raise AmountError(f"'{text}' is negative; audited revenue cannot be below zero")
    if not (_PLAIN.match(raw) or _GROUPED.match(raw)):
        raise AmountError(
            f"'{text}' is not an amount in yuan; write digits with optional thousands commas and at most"
            " two decimals, e.g. 665000000 or 665,000,000.00"
        )
    amount = Decimal(raw.replace(",", ""))
    if amount.adjusted() >= _MAX_INTEGER_DIGITS:
        raise AmountError(f"'{text}' has more than {_MAX_INTEGER_DIGITS} digits before the decimal point; "
                          "no audited revenue is that large")
    return amount


# --- exact sums and products ---------------------------------------------------------------------------
def exact_sum(amounts) -> Decimal:
    total = Decimal(0)
    for amount in amounts:
        total = EXACT.add(total, amount)
    return total


def exact_product(*factors: Decimal | int) -> Decimal:
    result = Decimal(1)
    for factor in factors:
        result = EXACT.multiply(result, Decimal(factor))
    return result


# --- printing ------------------------------------------------------------------------------------------
def cents(amount: Decimal) -> str:
    """Decimal -> '665000000.00' (exact to the fen, as the JSON shows money)."""
    return str(amount.quantize(_CENT))


def round_cents(amount: Decimal) -> Decimal:
    """Display only: to the cent, half up (e.g. the total payable shown in the summary and the statement)."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP, context=_ROOMY)


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """An exact fraction shown to `places` decimals, half up (display only; the engine keeps the fraction)."""
    context = Context(prec=60)
    exact = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)


def fraction_text(value: Fraction) -> str:
    """Fraction(187500, 61) -> '187500/61'; a whole number prints as one."""
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def group(amount: Decimal | int, places: int = 2) -> str:
    """Thousands separators: 665000000 -> '665,000,000.00'; ints keep no decimals."""
    if isinstance(amount, int):
        return f"{amount:,}"
    return f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_ROOMY):,}"


def group_text(value: Decimal | str | None) -> str:
    """An amount, exact or as a decimal string ('702345678.9') -> '702,345,678.90'; None -> ''."""
    return group(Decimal(value)) if value is not None else ""


def decimal_json(value: Decimal | None) -> str | None:
    """An exact amount as JSON carries it: its decimal string, never a float; None stays null."""
    return None if value is None else str(value)


def rmb(amount: Decimal | int) -> str:
    """Decimal('665000000') -> 'RMB 665,000,000.00'."""
    return f"RMB {group(Decimal(amount))}"


def amount(value: Decimal | int) -> str:
    """Decimal('665000000') -> '665,000,000.00' (for table columns headed RMB)."""
    return group(Decimal(value))


def exact_text(amount: Decimal) -> str:
    """An exact amount as a plain decimal string with at least two decimals: '1230.00', '1237.266488'."""
    normal = amount.normalize(EXACT)
    if normal.as_tuple().exponent >= -2:
        return format(normal.quantize(_CENT, context=EXACT), "f")  # exact: at most two decimals
    return format(normal, "f")


def exact_grouped(amount: Decimal) -> str:
    """exact_text with thousands separators: Decimal('1237266.4880') -> '1,237,266.488'."""
    whole, _, fraction = exact_text(amount).partition(".")
    return f"{int(whole):,}.{fraction}"


def usd(amount: Decimal) -> str:
    """Display: 'USD 1,234.56' (to the cent, half up)."""
    return f"USD {round_cents(amount):,}"


def usd_exact(amount: Decimal) -> str:
    """'USD 1,237.266488': exact, as computed."""
    return f"USD {exact_grouped(amount)}"


def places_needed(amounts) -> int:
    """Decimals needed to show every amount of a column exactly (at least the cents)."""
    return max([2] + [-amount.normalize().as_tuple().exponent for amount in amounts])


def fixed(amount: Decimal, places: int) -> str:
    """Exact, grouped, with `places` decimals (only ever adds zeros when `places` comes from places_needed)."""
    return f"{amount.quantize(Decimal(1).scaleb(-places), context=EXACT):,}"
