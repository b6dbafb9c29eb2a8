"""Rules of paying in the chat: amounts, minor units, what pay_now offers, reversals, texts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.decision_notices import Addressee
from bot.policy.payments import (
    Allocation,
    Due,
    Purpose,
    amount_owed,
    from_minor_units,
    link_choices,
    receipt,
    reminder_link,
    reverse,
    to_minor_units,
)

D = Decimal
TODAY = date(2026, 11, 22)
BUSINESS = Addressee("sms", consumer=False, company="Acme")


@pytest.mark.parametrize(
    ("wanted", "collectible", "owed"),
    [("300", "1200", "300.00"), ("1500", "1200", "1200.00"), ("300", "0", "0.00"),
     ("-5", "100", "0.00"), ("99.999", "1000", "100.00")],
)  # fmt: skip
def test_a_link_asks_what_is_wanted_capped_by_the_collectible_balance(
    wanted: str, collectible: str, owed: str
) -> None:
    assert amount_owed(D(wanted), D(collectible)) == D(owed)


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_minor_units_go_there_and_back(amount: Decimal) -> None:
    assert from_minor_units(to_minor_units(amount)) == amount


def test_pay_now_offers_the_promise_and_the_installment_due_this_week_then_the_balance() -> None:
    promise = Due(Purpose.PROMISE, "1", date(2026, 11, 27), D("300.00"))
    soon = Due(Purpose.INSTALLMENT, "7", date(2026, 11, 29), D("200.00"))
    later = Due(Purpose.INSTALLMENT, "8", date(2026, 12, 29), D("200.00"))
    offered = link_choices(D("1200.00"), promise, [later, soon], TODAY)
    assert [(d.purpose, d.target) for d in offered] == [
        (Purpose.PROMISE, "1"),
        (Purpose.INSTALLMENT, "7"),
        (Purpose.BALANCE, None),
    ]


def test_pay_now_offers_the_balance_alone_or_nothing() -> None:
    later = Due(Purpose.INSTALLMENT, "8", date(2026, 12, 29), D("200.00"))
    assert [d.purpose for d in link_choices(D("50.00"), None, [later], TODAY)] == [Purpose.BALANCE]
    assert link_choices(D("0.00"), None, [], TODAY) == []


@pytest.mark.parametrize(
    ("amount", "credit", "taken_credit", "taken"),
    [
        ("500", "0", "0", [(3, "400"), (2, "100")]),
        ("50", "100", "50", []),
        ("150", "100", "100", [(3, "50")]),
        ("5000", "0", "0", [(3, "400"), (2, "300"), (1, "500")]),
    ],
)
def test_a_reversal_takes_back_the_credit_then_the_last_applied_first(
    amount: str, credit: str, taken_credit: str, taken: list[tuple[int, str]]
) -> None:
    applications = [(1, D("500")), (2, D("300")), (3, D("400"))]
    from_credit, back = reverse(D(amount), D(credit), applications)
    assert from_credit == D(taken_credit)
    assert back == [(i, D(a)) for i, a in taken]


def test_a_receipt_says_what_was_paid_and_what_is_left() -> None:
    text = receipt(D("600"), [Allocation("I-1", D("500")), Allocation("I-2", D("100"))],
                   D("0"), D("600"), BUSINESS)  # fmt: skip
    assert "we received your payment of $600.00" in text
    assert "It paid invoices I-1 ($500.00), I-2 ($100.00)." in text
    assert "You now owe $600.00." in text
    assert text.endswith("Reply STOP to opt out")


def test_a_consumers_receipt_names_no_invoice() -> None:
    consumer = Addressee("sms", consumer=True, company="Acme")
    text = receipt(D("100"), [Allocation("I-1", D("100"))], D("0"), D("0"), consumer)
    assert "I-1" not in text
    assert "It paid 1 invoice." in text


def test_reminders_carry_a_link_placeholder_only_for_promises_and_installments_with_stripe() -> (
    None
):
    base = "https://arbot.example"
    assert reminder_link("stripe", base, "", "ptp_reminder") == f"{base}/pay/…"
    assert reminder_link("stripe", base, "https://pay.example/x", "dunning") is None
    assert reminder_link("link", base, "https://pay.example/x", "ptp_reminder") == (
        "https://pay.example/x"
    )
