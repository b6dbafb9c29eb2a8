"""Balance summaries (bot.policy.balances)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.balances import OpenItem, days_past_due, summarize

TODAY = date(2026, 3, 15)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.mark.parametrize(
    ("due", "expected"),
    [(TODAY - timedelta(days=10), 10), (YESTERDAY, 1), (TODAY, 0), (TODAY + timedelta(days=3), -3)],
    ids=["ten-days-late", "due-yesterday", "due-today", "not-yet-due"],
)
def test_days_past_due_counts_whole_days_after_the_due_date(due: date, expected: int) -> None:
    assert days_past_due(due, TODAY) == expected


@pytest.mark.parametrize(
    ("due", "past_due"),
    [(YESTERDAY, Decimal("100.00")), (TODAY, Decimal("0.00"))],
    ids=["due-yesterday-is-past-due", "due-today-is-not-past-due"],
)
def test_an_invoice_is_past_due_only_after_its_due_date(due: date, past_due: Decimal) -> None:
    summary = summarize([OpenItem("INV-1", due, Decimal("100"))], TODAY)
    assert summary.past_due == past_due


def test_disputed_invoices_count_in_total_but_not_in_collectible_or_past_due() -> None:
    items = [
        OpenItem("INV-1", YESTERDAY, Decimal("100")),
        OpenItem("INV-2", YESTERDAY, Decimal("40"), disputed=True),
    ]
    summary = summarize(items, TODAY)
    assert (summary.total, summary.collectible, summary.past_due, summary.disputed) == (
        Decimal("140.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("40.00"),
    )


def test_paid_and_credit_items_are_ignored() -> None:
    items = [
        OpenItem("INV-1", YESTERDAY, Decimal("0")),
        OpenItem("INV-2", YESTERDAY, Decimal("-5")),
        OpenItem("INV-3", TODAY, Decimal("10")),
    ]
    summary = summarize(items, TODAY)
    assert (summary.total, summary.open_count) == (Decimal("10.00"), 1)


def test_open_count_includes_disputed_invoices() -> None:
    items = [
        OpenItem("INV-1", TODAY, Decimal("10")),
        OpenItem("INV-2", TODAY, Decimal("10"), disputed=True),
    ]
    assert summarize(items, TODAY).open_count == 2


def test_oldest_past_due_is_the_earliest_due_collectible_invoice() -> None:
    items = [
        OpenItem("INV-9", date(2026, 1, 1), Decimal("10"), disputed=True),
        OpenItem("INV-2", date(2026, 2, 1), Decimal("10")),
        OpenItem("INV-1", date(2026, 3, 1), Decimal("10")),
    ]
    summary = summarize(items, TODAY)
    assert summary.oldest_past_due is not None
    assert (summary.oldest_past_due.invoice_number, summary.oldest_days_late) == ("INV-2", 42)


def test_oldest_past_due_ties_go_to_the_lower_invoice_number() -> None:
    items = [
        OpenItem("INV-B", YESTERDAY, Decimal("10")),
        OpenItem("INV-A", YESTERDAY, Decimal("10")),
    ]
    oldest = summarize(items, TODAY).oldest_past_due
    assert oldest is not None
    assert oldest.invoice_number == "INV-A"


def test_nothing_past_due_has_no_oldest_invoice() -> None:
    summary = summarize([OpenItem("INV-1", TODAY, Decimal("10"))], TODAY)
    assert (summary.oldest_past_due, summary.oldest_days_late) == (None, None)


def test_no_items_sum_to_zero() -> None:
    summary = summarize([], TODAY)
    assert (summary.total, summary.collectible, summary.open_count) == (Decimal(0), Decimal(0), 0)


_items = st.lists(
    st.builds(
        OpenItem,
        invoice_number=st.text(alphabet="0123456789", min_size=1, max_size=4),
        due_date=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)),
        open_amount=st.decimals(min_value=-100, max_value=100000, places=2),
        disputed=st.booleans(),
    ),
    max_size=10,
)


@settings(max_examples=40)
@given(_items)
def test_collectible_plus_disputed_is_the_total(items: list[OpenItem]) -> None:
    summary = summarize(items, TODAY)
    assert summary.collectible + summary.disputed == summary.total


@settings(max_examples=40)
@given(_items)
def test_past_due_never_exceeds_collectible(items: list[OpenItem]) -> None:
    summary = summarize(items, TODAY)
    assert Decimal(0) <= summary.past_due <= summary.collectible
