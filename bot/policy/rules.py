"""The policy numbers of SPEC §5 and §6, in one frozen settings object.

Every number an AR team may want to change lives here; ``bot.settings`` builds one
``Policy`` from ``ARBOT_POLICY_<FIELD>`` environment variables over these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal


@dataclass(frozen=True)
class Policy:
    """Collections policy defaults (SPEC §5 conversation flows, §6 reminders)."""

    # Verification
    verification_max_failures: int = 3
    #: failures on one account from any senders that lock the account's chat verification
    verification_account_max_failures: int = 10
    verification_window_hours: int = 24
    session_idle_minutes: int = 30
    # Promise to pay
    promise_max_days: int = 14
    promise_min_share: Decimal = Decimal("0.25")
    promise_grace_days: int = 2
    broken_promises_window_days: int = 90
    # Payment plans
    plan_min_balance: Decimal = Decimal("100")
    plan_max_installments: int = 6
    plan_min_down_share: Decimal = Decimal("0.10")
    plan_min_installment: Decimal = Decimal("25")
    plan_first_due_max_days: int = 14
    plan_approval_above: Decimal = Decimal("10000")
    plan_grace_days: int = 3
    # Disputes: "I already paid" with no invoice named matches a payment this recent
    claim_match_days: int = 14
    # Contact
    contact_window_start: time = time(8, 0)
    contact_window_end: time = time(21, 0)
    max_messages_per_week: int = 3
    max_messages_per_day: int = 1


DEFAULT_POLICY = Policy()
