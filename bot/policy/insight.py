"""Insight figures (SPEC §13): roll rates, cure rate, right-party contact, promise conversion.

Pure: the database sums (:mod:`bot.repositories.insight`) come in, the ratios go out, each
rounded half up to two places and ``None`` when its denominator is 0, as the KPIs of §8.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.policy.aging import BUCKETS
from bot.policy.kpis import ratio

#: the buckets a roll rate is reported for: every one that has a later bucket to roll to
ROLL_BUCKETS: tuple[str, ...] = BUCKETS[:-1]
#: how long after a reminder its outcome (a conversation, a promise, a payment) counts
OUTCOME_DAYS = 7
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str, name: str = "month") -> date:
    """The first day of the month ``YYYY-MM``.

    Raises:
        ValueError: naming ``name`` when ``text`` is not a month.
    """
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"{name}: {text!r} is not a month (YYYY-MM)")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_end(first: date) -> date:
    """The last day of the month that starts on ``first``."""
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def previous_months(first: date, count: int) -> list[date]:
    """The first days of ``count`` months ending with ``first``'s, oldest first."""
    months = [first]
    while len(months) < count:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


@dataclass(frozen=True)
class RollInputs:
    """What one month's rolls are computed from (end of M − 1 is ``opening``).

    Attributes:
        month: the first day of M.
        opening: Σ open amount per bucket at the end of M − 1 (``ROLL_BUCKETS`` keys).
        rolled: of those invoices, Σ open amount at the end of M of the ones in a later
            bucket then, per bucket they were in at the end of M − 1.
        past_due_accounts: accounts with a past-due amount at the end of M − 1.
        cured_accounts: of those, the ones with none at the end of M.
    """

    month: date
    opening: Mapping[str, Decimal]
    rolled: Mapping[str, Decimal]
    past_due_accounts: int
    cured_accounts: int


@dataclass(frozen=True)
class Rolls:
    month: date
    roll_rates: dict[str, Decimal | None]
    cure_rate: Decimal | None
    inputs: RollInputs


def compute_rolls(inputs: RollInputs) -> Rolls:
    """Roll rate per bucket (rolled ÷ opening) and the cure rate (cured ÷ past-due accounts)."""
    rates = {b: ratio(inputs.rolled.get(b, Decimal(0)), inputs.opening.get(b, Decimal(0)))
             for b in ROLL_BUCKETS}  # fmt: skip
    cure = ratio(Decimal(inputs.cured_accounts), Decimal(inputs.past_due_accounts))
    return Rolls(inputs.month, rates, cure, inputs)


@dataclass(frozen=True)
class ContactCounts:
    """Conversations of a period (or of one channel): all, verified, verified with a deal."""

    conversations: int
    verified: int
    converted: int

    @property
    def right_party_contact_rate(self) -> Decimal | None:
        return ratio(Decimal(self.verified), Decimal(self.conversations))

    @property
    def promise_conversion(self) -> Decimal | None:
        return ratio(Decimal(self.converted), Decimal(self.verified))


@dataclass(frozen=True)
class SentReminder:
    """A reminder sent: its kind, its account and when it went out."""

    kind: str
    account_id: int
    sent_at: datetime


@dataclass(frozen=True)
class ReminderOutcomes:
    """Per reminder kind: sent, and how many were followed within 7 days by each outcome."""

    kind: str
    sent: int
    conversation: int
    promise: int
    payment: int

    def rate(self, count: int) -> Decimal | None:
        return ratio(Decimal(count), Decimal(self.sent))


def reminder_outcomes(
    reminders: Sequence[SentReminder],
    conversations: Mapping[int, Sequence[datetime]],
    promises: Mapping[int, Sequence[datetime]],
    payments: Mapping[int, Sequence[date]],
) -> list[ReminderOutcomes]:
    """Which reminders led to a conversation, a promise (or plan), a payment within 7 days.

    A conversation or a promise counts when it starts in [sent, sent + 7 days); a payment
    when it is received on the day of the reminder (UTC) or in the 7 days after.
    Each mapping is keyed by account id.
    """
    window = timedelta(days=OUTCOME_DAYS)
    tallies: dict[str, list[int]] = {}
    for reminder in reminders:
        tally = tallies.setdefault(reminder.kind, [0, 0, 0, 0])
        start, day = reminder.sent_at, reminder.sent_at.date()
        tally[0] += 1
        tally[1] += any(
            start <= at < start + window for at in conversations.get(reminder.account_id, ())
        )
        tally[2] += any(
            start <= at < start + window for at in promises.get(reminder.account_id, ())
        )
        tally[3] += any(day <= d <= day + window for d in payments.get(reminder.account_id, ()))
    return [ReminderOutcomes(kind, *tallies[kind]) for kind in sorted(tallies)]
