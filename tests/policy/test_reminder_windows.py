"""Reminders and the clock: contact windows across DST, unknown zones, frequency caps.

Expected instants are written in UTC by hand, not computed with zoneinfo, so the tests
check the DST arithmetic rather than repeat it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.policy.reminders import InvoiceState, decide
from bot.policy.rules import DEFAULT_POLICY, Policy
from tests.policy.reminder_accounts import NEW_YORK, account, invoice, utc

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
CHICAGO = ZoneInfo("America/Chicago")
HONOLULU = ZoneInfo("Pacific/Honolulu")
LONDON = ZoneInfo("Europe/London")

# Invoices with a dunning step current around the DST change days of 2026.
SPRING = (invoice(due=date(2026, 3, 1)),)
AUTUMN = (invoice(due=date(2026, 10, 25)),)


@pytest.mark.parametrize(
    ("zone", "invoices", "now", "send_at", "day"),
    [
        # New York springs forward on 2026-03-08 at 07:00 UTC: window 12:00-01:00 UTC.
        (NEW_YORK, SPRING, utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 12), date(2026, 3, 8)),
        (NEW_YORK, SPRING, utc(2026, 3, 8, 11, 59), utc(2026, 3, 8, 12), date(2026, 3, 8)),
        (NEW_YORK, SPRING, utc(2026, 3, 8, 12), None, date(2026, 3, 8)),
        (NEW_YORK, SPRING, utc(2026, 3, 9, 0, 59), None, date(2026, 3, 8)),
        (NEW_YORK, SPRING, utc(2026, 3, 9, 1), utc(2026, 3, 9, 12), date(2026, 3, 8)),
        # ... and falls back on 2026-11-01 at 06:00 UTC: window 13:00-02:00 UTC.
        (NEW_YORK, AUTUMN, utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 13), date(2026, 11, 1)),
        (NEW_YORK, AUTUMN, utc(2026, 11, 1, 12, 59), utc(2026, 11, 1, 13), date(2026, 11, 1)),
        (NEW_YORK, AUTUMN, utc(2026, 11, 1, 13), None, date(2026, 11, 1)),
        (NEW_YORK, AUTUMN, utc(2026, 11, 2, 1, 59), None, date(2026, 11, 1)),
        (NEW_YORK, AUTUMN, utc(2026, 11, 2, 2), utc(2026, 11, 2, 13), date(2026, 11, 1)),
        # Los Angeles springs forward too: 08:00 PDT is 15:00 UTC, 21:00 PDT 04:00 UTC.
        (LOS_ANGELES, SPRING, utc(2026, 3, 8, 14, 59), utc(2026, 3, 8, 15), date(2026, 3, 8)),
        (LOS_ANGELES, SPRING, utc(2026, 3, 9, 3, 59), None, date(2026, 3, 8)),
        (LOS_ANGELES, SPRING, utc(2026, 3, 9, 4), utc(2026, 3, 9, 15), date(2026, 3, 8)),
        # Chicago falls back: 08:00 CST is 14:00 UTC.
        (CHICAGO, AUTUMN, utc(2026, 11, 1, 13, 59), utc(2026, 11, 1, 14), date(2026, 11, 1)),
        # Honolulu has no DST: 08:00 HST is 18:00 UTC all year.
        (HONOLULU, SPRING, utc(2026, 3, 8, 17, 59), utc(2026, 3, 8, 18), date(2026, 3, 8)),
        (HONOLULU, AUTUMN, utc(2026, 11, 1, 18), None, date(2026, 11, 1)),
        # London changes on its own day (2026-03-29): 08:00 BST is 07:00 UTC.
        (LONDON, SPRING, utc(2026, 3, 29, 6, 59), utc(2026, 3, 29, 7), date(2026, 3, 29)),
        # Unknown zone: only 08:00 Hawaii (18:00 UTC) to 21:00 Eastern, dated in Eastern.
        (None, SPRING, utc(2026, 3, 8, 12), utc(2026, 3, 8, 18), date(2026, 3, 8)),
        (None, SPRING, utc(2026, 3, 8, 17, 59), utc(2026, 3, 8, 18), date(2026, 3, 8)),
        (None, SPRING, utc(2026, 3, 8, 18), None, date(2026, 3, 8)),
        (None, SPRING, utc(2026, 3, 9, 0, 59), None, date(2026, 3, 8)),
        (None, SPRING, utc(2026, 3, 9, 1), utc(2026, 3, 9, 18), date(2026, 3, 8)),
        (None, AUTUMN, utc(2026, 11, 2, 1, 59), None, date(2026, 11, 1)),
        (None, AUTUMN, utc(2026, 11, 2, 2), utc(2026, 11, 2, 18), date(2026, 11, 1)),
    ],
)
def test_a_step_outside_the_window_waits_for_the_next_window(
    zone: ZoneInfo | None,
    invoices: tuple[InvoiceState, ...],
    now: datetime,
    send_at: datetime | None,
    day: date,
) -> None:
    decision = decide(account(zone=zone, invoices=invoices), now, DEFAULT_POLICY)
    assert decision is not None
    assert decision.kind == "dunning"
    assert decision.local_date == day
    if send_at is None:
        assert (decision.held, decision.reason, decision.send_at) == (False, None, now)
    else:
        assert (decision.held, decision.reason, decision.send_at) == (True, "quiet_hours", send_at)


def test_the_window_is_a_policy_number() -> None:
    later = Policy(contact_window_start=time(9, 0))
    decision = decide(account(), utc(2026, 6, 8, 12, 30), later)  # 08:30 EDT
    assert decision is not None
    assert (decision.reason, decision.send_at) == ("quiet_hours", utc(2026, 6, 8, 13))


NOW = utc(2026, 6, 8, 16)  # 12:00 EDT, the +7 step of INV-1 is due


@pytest.mark.parametrize(
    ("sends", "now", "send_at"),
    [
        # three sends in the rolling week: wait until the oldest leaves it
        (
            (utc(2026, 6, 3, 14), utc(2026, 6, 5, 14), utc(2026, 6, 7, 14)),
            utc(2026, 6, 9, 16),
            utc(2026, 6, 10, 14),
        ),
        (
            (utc(2026, 6, 3, 14), utc(2026, 6, 5, 14), utc(2026, 6, 7, 14)),
            utc(2026, 6, 10, 14),
            None,
        ),
        # ... and when that is at night, until the window opens
        ((utc(2026, 6, 2, 3), utc(2026, 6, 4, 14), utc(2026, 6, 6, 14)), NOW, utc(2026, 6, 9, 12)),
        # two in the week, none today: fine
        ((utc(2026, 6, 4, 14), utc(2026, 6, 6, 14)), NOW, None),
        # one today already (09:00 EDT): tomorrow's window
        ((utc(2026, 6, 8, 13),), NOW, utc(2026, 6, 9, 12)),
        # one late yesterday, local time (23:30 EDT on Jun 7): today is free
        ((utc(2026, 6, 8, 3, 30),), NOW, None),
        # today's send and a full week: the later of the two retries
        ((utc(2026, 6, 2, 20), utc(2026, 6, 5, 14), utc(2026, 6, 8, 13)), NOW, utc(2026, 6, 9, 20)),
    ],
)
def test_the_frequency_caps_hold_a_step_until_they_allow_it(
    sends: tuple[datetime, ...], now: datetime, send_at: datetime | None
) -> None:
    decision = decide(account(recent_sends=sends), now, DEFAULT_POLICY)
    assert decision is not None
    if send_at is None:
        assert (decision.held, decision.send_at) == (False, now)
    else:
        assert (decision.reason, decision.send_at) == ("frequency_cap", send_at)


def test_the_caps_are_policy_numbers() -> None:
    sends = (utc(2026, 6, 4, 14), utc(2026, 6, 6, 14), utc(2026, 6, 8, 13))
    generous = Policy(max_messages_per_week=5, max_messages_per_day=2)
    decision = decide(account(recent_sends=sends), NOW, generous)
    assert decision is not None
    assert not decision.held


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        decide(account(), datetime(2026, 6, 8, 12), DEFAULT_POLICY)  # noqa: DTZ001
