"""Finance charge rules (bot.policy.finance_charges)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.policy.finance_charges import (
    ChargeRules,
    charge,
    charged_before,
    invoice_number,
    issue_and_due,
    last_closed_month,
    parse_month,
)

ON = ChargeRules(rate=Decimal("1.5"))


@pytest.mark.parametrize(
    ("open_", "rules", "expected"),
    [
        ("1000.00", ON, "15.00"),
        ("33.33", ON, "1.00"),  # 0.49995 → 0.50, raised to the minimum
        ("100.03", ChargeRules(rate=Decimal("1.5"), minimum=Decimal("0")), "1.50"),  # 1.50045
        ("100.30", ChargeRules(rate=Decimal("1.5"), minimum=Decimal("0")), "1.50"),  # 1.5045
        ("100.70", ChargeRules(rate=Decimal("1.5"), minimum=Decimal("0")), "1.51"),  # 1.5105
        ("0.00", ON, "0.00"),  # nothing due: no minimum either
        ("1000.00", ChargeRules(), "0.00"),  # rate 0: off
    ],
)
def test_the_charge_is_rate_percent_half_up_with_a_minimum(
    open_: str, rules: ChargeRules, expected: str
) -> None:
    assert charge(Decimal(open_), rules) == Decimal(expected)


def test_half_a_cent_rounds_up() -> None:
    assert charge(Decimal("1.00"), ChargeRules(rate=Decimal("50.5"), minimum=Decimal(0))) == (
        Decimal("0.51")  # 0.505
    )


def test_the_charge_invoice_is_numbered_issued_and_due_by_the_month() -> None:
    assert invoice_number("A-7", 2026, 2) == "FC-A-7-202602"
    assert issue_and_due(2026, 2) == (date(2026, 3, 1), date(2026, 3, 31))
    assert issue_and_due(2026, 12) == (date(2027, 1, 1), date(2027, 1, 31))


def test_only_invoices_more_than_the_grace_past_due_at_month_end_are_charged() -> None:
    # 2026-10-31 − 30 days = 2026-10-01: due 2026-09-30 is 31 days late, 2026-10-01 is 30
    assert charged_before(2026, 10, 30) == date(2026, 10, 1)


def test_the_last_closed_month_is_the_one_before_today() -> None:
    assert last_closed_month(date(2026, 11, 1)) == (2026, 10)
    assert last_closed_month(date(2027, 1, 15)) == (2026, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-01", "2026/01", "soon"])
def test_a_bad_month_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month"):
        parse_month(text)
