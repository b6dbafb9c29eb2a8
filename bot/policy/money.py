"""Money as ``Decimal`` cents: rounding, CSV parsing and the JSON/CLI string form.

Amounts are never floats. Every amount the policy produces is quantized to the cent, so
sums agree with what the database stores (``Numeric(14, 2)``) and what reports print.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# An optional sign, an optional "$", digits (plain or grouped by thousands with commas),
# an optional fraction. Anything else ("1e3", "nan", "1_000", "12,34") is not a number.
_MONEY = re.compile(
    r"""
    (?P<sign>[-+]?)\s*\$?\s*
    (?P<whole>\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))
    (?:\.(?P<fraction>\d*))?
    """,
    re.VERBOSE | re.ASCII,
)


def cents(value: Decimal) -> Decimal:
    """Rounds an amount to the cent, half up (the usual commercial rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_up(value: Decimal) -> Decimal:
    """Rounds an amount up to the next cent.

    Minimums ("at least 25 % of the past-due amount") round up, so a customer who pays the
    rounded minimum always pays at least the exact share.
    """
    return value.quantize(CENT, rounding=ROUND_CEILING)


def cents_down(value: Decimal) -> Decimal:
    """Rounds an amount down to the cent (used to split a sum into equal parts)."""
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def parse_money(text: str) -> Decimal:
    """Parses a money cell of an imported CSV file into a non-negative two-place ``Decimal``.

    Accepts what ERP exports and spreadsheets write: ``"1234.5"``, ``"1,234.50"``,
    ``"$1,250"``, ``" 12 "``. Trailing zeros beyond the cent (``"12.500"``) are accepted
    because they change nothing; any other third decimal would silently lose money.

    Raises:
        ValueError: with a short reason — ``"not a number"``,
            ``"more than two decimal places"`` or ``"negative amount"``.
    """
    cleaned = text.strip()
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting notation for < 0
        cleaned, negative = cleaned[1:-1].strip(), True
    match = _MONEY.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["fraction"]):
        raise ValueError("not a number")
    fraction = (match["fraction"] or "").rstrip("0")
    if len(fraction) > 2:
        raise ValueError("more than two decimal places")
    value = Decimal(f"{match['whole'].replace(',', '') or '0'}.{fraction or '0'}")
    if value != 0 and (negative or match["sign"] == "-"):
        raise ValueError("negative amount")
    return cents(value)


def format_money(value: Decimal) -> str:
    """Formats an amount as SPEC §3 JSON wants it: two places, no separators (``"1234.50"``)."""
    rounded = cents(value)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.00"
    return f"{rounded:f}"
