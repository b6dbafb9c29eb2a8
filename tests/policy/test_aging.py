"""AR aging buckets (bot.policy.aging)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.aging import BUCKET_BOUNDS, BUCKETS, age, bucket_for

AS_OF = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-30, "current"),
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "91-120"),
        (120, "91-120"),
        (121, "120+"),
        (5000, "120+"),
    ],
    ids=lambda value: str(value),
)
def test_bucket_for_puts_each_edge_in_its_bucket(days: int, bucket: str) -> None:
    assert bucket_for(days) == bucket


def test_bucket_bounds_name_the_buckets_in_order() -> None:
    assert tuple(name for name, _, _ in BUCKET_BOUNDS) == BUCKETS


def test_bucket_bounds_agree_with_bucket_for_on_every_day() -> None:
    for days in range(-400, 401):
        holding = [
            name
            for name, low, high in BUCKET_BOUNDS
            if (low is None or days >= low) and (high is None or days <= high)
        ]
        assert holding == [bucket_for(days)], days


def test_age_sums_open_amounts_by_bucket_and_in_total() -> None:
    items = [
        (AS_OF, Decimal("100")),
        (AS_OF - timedelta(days=1), Decimal("50.25")),
        (AS_OF - timedelta(days=30), Decimal("0.75")),
        (AS_OF - timedelta(days=121), Decimal("10")),
        (AS_OF + timedelta(days=10), Decimal("5")),
    ]
    aging = age(items, AS_OF)
    assert aging.buckets == {
        "current": Decimal("105.00"),
        "1-30": Decimal("51.00"),
        "31-60": Decimal("0"),
        "61-90": Decimal("0"),
        "91-120": Decimal("0"),
        "120+": Decimal("10.00"),
    }
    assert aging.total == Decimal("166.00")


def test_age_lists_all_six_buckets_in_order_even_when_empty() -> None:
    aging = age([], AS_OF)
    assert list(aging.buckets) == list(BUCKETS)
    assert aging.total == 0


def test_age_ignores_zero_amounts() -> None:
    aging = age([(AS_OF, Decimal("0")), (AS_OF, Decimal("0.00"))], AS_OF)
    assert (aging.total, aging.as_of) == (Decimal(0), AS_OF)


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
            st.decimals(min_value=0, max_value=1_000_000, places=2),
        ),
        max_size=15,
    )
)
def test_aging_buckets_add_up_to_the_total(items: list[tuple[date, Decimal]]) -> None:
    aging = age(items, AS_OF)
    assert sum(aging.buckets.values(), Decimal(0)) == aging.total
    assert aging.total == sum((amount for _, amount in items), Decimal(0))
