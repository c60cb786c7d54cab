"""Exact amounts: parsing typed-in RMB figures and printing Decimals and Fractions. Never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

_PLAIN = re.compile(r"^\d+(\.\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")
_CENT = Decimal("0.01")
# Far above any revenue, and low enough that every figure derived from it stays within Decimal's 28 digits.
_MAX_INTEGER_DIGITS = 20


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


def cents(amount: Decimal) -> str:
    """Decimal -> '665000000.00' (exact to the fen, as the JSON shows money)."""
    return str(amount.quantize(_CENT))


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """An exact fraction shown to `places` decimals, half up (display only; the engine keeps the fraction)."""
    context = Context(prec=60)
    exact = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def group(amount: Decimal | int, places: int = 2) -> str:
    """Thousands separators: 665000000 -> '665,000,000.00'; ints keep no decimals."""
    if isinstance(amount, int):
        return f"{amount:,}"
    return f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=80)):,}"
