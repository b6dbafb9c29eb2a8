"""Delivery statuses only move forward."""

from __future__ import annotations

import pytest

from bot.policy.delivery_status import supersedes


@pytest.mark.parametrize(
    ("new", "current", "expected"),
    [
        ("sent", None, True),
        ("sent", "queued", True),
        ("delivered", "sent", True),
        ("sent", "delivered", False),
        ("queued", "sent", False),
        ("undelivered", "sent", True),
        ("failed", "queued", True),
        ("read", "delivered", True),
        ("delivered", "read", False),
        ("delivered", "delivered", True),
        ("receiving", "delivered", False),
    ],
)
def test_a_status_replaces_only_an_earlier_one(
    new: str, current: str | None, expected: bool
) -> None:
    assert supersedes(new, current) is expected
