"""Money parsing, rounding and formatting (bot.policy.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.money import CENT, cents, cents_down, cents_up, format_money, parse_money


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("$1,250", "1250.00"),
        (" 12 ", "12.00"),
        ("0", "0.00"),
        ("0.01", "0.01"),
        (".5", "0.50"),
        ("5.", "5.00"),
        ("12.500", "12.50"),
        ("+7", "7.00"),
        ("$ 3.10", "3.10"),
        ("1,000,000.99", "1000000.99"),
        ("-0", "0.00"),
    ],
    ids=[
        "one-decimal",
        "thousands-separator",
        "dollar-sign",
        "surrounding-spaces",
        "zero",
        "one-cent",
        "leading-point",
        "trailing-point",
        "trailing-zero-third-place",
        "plus-sign",
        "dollar-space",
        "millions",
        "negative-zero-is-zero",
    ],
)
def test_parse_money_reads_good_cells_as_two_place_decimals(cell: str, expected: str) -> None:
    value = parse_money(cell)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("", "not a number"),
        ("   ", "not a number"),
        ("abc", "not a number"),
        ("nan", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("1e3", "not a number"),
        ("1_000", "not a number"),
        ("12,34", "not a number"),
        ("1,2345", "not a number"),
        ("1.2.3", "not a number"),
        (".", "not a number"),
        ("$", "not a number"),
        ("12 34", "not a number"),
        ("\u0661\u0662", "not a number"),
        ("1.234", "more than two decimal places"),
        ("0.001", "more than two decimal places"),
        ("-5", "negative amount"),
        ("-$1,250.00", "negative amount"),
        ("(12.00)", "negative amount"),
    ],
    ids=[
        "empty",
        "blank",
        "letters",
        "nan",
        "nan-mixed-case",
        "inf",
        "negative-infinity",
        "exponent",
        "underscore",
        "bad-grouping",
        "bad-grouping-long",
        "two-points",
        "lone-point",
        "lone-dollar",
        "inner-space",
        "non-ascii-digits",
        "three-places",
        "a-tenth-of-a-cent",
        "negative",
        "negative-dollars",
        "accounting-parentheses",
    ],
)
def test_parse_money_rejects_bad_cells_with_a_short_reason(cell: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_money(cell)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.005"), Decimal("1.01")),
        (Decimal("1.004"), Decimal("1.00")),
        (Decimal("-1.005"), Decimal("-1.01")),
        (Decimal("2"), Decimal("2.00")),
    ],
    ids=["half-rounds-up", "below-half-rounds-down", "negative-half-away-from-zero", "integer"],
)
def test_cents_rounds_half_up_to_two_places(value: Decimal, expected: Decimal) -> None:
    assert str(cents(value)) == str(expected)


def test_cents_up_rounds_any_fraction_of_a_cent_up() -> None:
    assert cents_up(Decimal("2.501")) == Decimal("2.51")


def test_cents_down_drops_any_fraction_of_a_cent() -> None:
    assert cents_down(Decimal("2.509")) == Decimal("2.50")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), "1234.50"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("0"), "0.00"),
        (Decimal("-0.001"), "0.00"),
        (Decimal("-12.5"), "-12.50"),
        (Decimal("1234567.891"), "1234567.89"),
    ],
    ids=["pads-cents", "no-exponent", "zero", "no-negative-zero", "credit", "no-separator"],
)
def test_format_money_writes_two_places_without_separators(value: Decimal, expected: str) -> None:
    assert format_money(value) == expected


@settings(max_examples=100)
@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_format_then_parse_gives_back_the_same_amount(value: Decimal) -> None:
    assert parse_money(format_money(value)) == value


@settings(max_examples=100)
@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_parse_accepts_thousands_separators_and_dollar_sign(value: Decimal) -> None:
    assert parse_money(f"${value:,.2f}") == value


def test_cent_is_one_hundredth() -> None:
    assert Decimal(100) * CENT == 1
