"""Cash application (bot.policy.allocation)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.allocation import OpenInvoice, allocate

JAN = date(2026, 1, 31)
FEB = date(2026, 2, 28)
MAR = date(2026, 3, 31)


def d(text: str) -> Decimal:
    return Decimal(text)


INVOICES = (
    OpenInvoice("INV-3", MAR, d("300.00")),
    OpenInvoice("INV-1", JAN, d("100.00")),
    OpenInvoice("INV-2", FEB, d("200.00")),
)


@pytest.mark.parametrize(
    ("amount", "named", "applied", "unapplied"),
    [
        (d("50.00"), None, {"INV-1": d("50.00")}, d("0.00")),
        (d("100.00"), None, {"INV-1": d("100.00")}, d("0.00")),
        (d("150.00"), None, {"INV-1": d("100.00"), "INV-2": d("50.00")}, d("0.00")),
        (
            d("700.00"),
            None,
            {"INV-1": d("100.00"), "INV-2": d("200.00"), "INV-3": d("300.00")},
            d("100.00"),
        ),
        (d("250.00"), "INV-3", {"INV-3": d("250.00")}, d("0.00")),
        (d("350.00"), "INV-3", {"INV-3": d("300.00"), "INV-1": d("50.00")}, d("0.00")),
        (d("80.00"), "INV-9", {"INV-1": d("80.00")}, d("0.00")),
        (d("0.00"), None, {}, d("0.00")),
    ],
    ids=[
        "part-of-the-oldest",
        "exactly-the-oldest",
        "oldest-then-next",
        "overpayment-leaves-a-credit",
        "named-invoice-first",
        "named-invoice-then-oldest",
        "unknown-name-falls-back-to-oldest",
        "zero-payment",
    ],
)
def test_payment_goes_to_the_named_invoice_then_oldest_due_first(
    amount: Decimal, named: str | None, applied: dict[str, Decimal], unapplied: Decimal
) -> None:
    assert allocate(amount, INVOICES, named) == (applied, unapplied)


def test_disputed_invoices_receive_nothing_unless_named() -> None:
    invoices = [OpenInvoice("INV-1", JAN, d("100.00"), disputed=True), INVOICES[2]]
    assert allocate(d("150.00"), invoices) == ({"INV-2": d("150.00")}, d("0.00"))


def test_a_named_disputed_invoice_is_paid_because_the_remitter_chose_it() -> None:
    invoices = [OpenInvoice("INV-1", JAN, d("100.00"), disputed=True)]
    assert allocate(d("60.00"), invoices, "INV-1") == ({"INV-1": d("60.00")}, d("0.00"))


def test_invoices_with_nothing_open_receive_nothing() -> None:
    invoices = [OpenInvoice("INV-0", JAN, d("0.00")), OpenInvoice("INV-2", FEB, d("20.00"))]
    assert allocate(d("50.00"), invoices, "INV-0") == ({"INV-2": d("20.00")}, d("30.00"))


def test_same_due_date_is_broken_by_invoice_number() -> None:
    invoices = [OpenInvoice("B", JAN, d("10.00")), OpenInvoice("A", JAN, d("10.00"))]
    assert allocate(d("15.00"), invoices) == ({"A": d("10.00"), "B": d("5.00")}, d("0.00"))


def test_no_open_invoices_leaves_the_whole_payment_unapplied() -> None:
    assert allocate(d("42.50"), []) == ({}, d("42.50"))


def test_a_negative_payment_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(d("-1.00"), INVOICES)


money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
open_invoices = st.lists(
    st.builds(
        OpenInvoice,
        invoice_number=st.text("ABC123", min_size=1, max_size=4),
        due_date=st.integers(0, 90).map(lambda n: JAN + timedelta(days=n)),
        open_amount=money,
        disputed=st.booleans(),
    ),
    max_size=8,
    unique_by=lambda i: i.invoice_number,
)


@given(amount=money, invoices=open_invoices, data=st.data())
def test_applied_plus_unapplied_is_the_payment_and_no_invoice_is_overpaid(
    amount: Decimal, invoices: list[OpenInvoice], data: st.DataObject
) -> None:
    names = [None] + [i.invoice_number for i in invoices]
    named = data.draw(st.sampled_from(names))
    applied, unapplied = allocate(amount, invoices, named)
    open_by_number = {i.invoice_number: i for i in invoices}
    assert sum(applied.values(), Decimal("0.00")) + unapplied == amount
    assert unapplied >= 0
    for number, share in applied.items():
        invoice = open_by_number[number]
        assert 0 < share <= invoice.open_amount
        assert not invoice.disputed or number == named


@given(amount=money, invoices=open_invoices)
def test_credit_remains_only_when_every_undisputed_invoice_is_paid_in_full(
    amount: Decimal, invoices: list[OpenInvoice]
) -> None:
    applied, unapplied = allocate(amount, invoices)
    if unapplied > 0:
        for invoice in invoices:
            if not invoice.disputed and invoice.open_amount > 0:
                assert applied[invoice.invoice_number] == invoice.open_amount
