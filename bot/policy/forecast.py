"""The 13-week cash forecast (SPEC §13; the model is described in docs/forecast.md).

Week 1 is D … D + 6, week w starts on D + 7(w − 1).

- ``committed[w]`` = Σ pending promises due in w × the kept rate of the promises due in
  the 180 days before D (0.5 when none was kept or broken) + Σ scheduled installments due
  in w × the paid rate of the installments due in those days (0.5 when none was paid or
  missed).
- ``expected[w]`` = committed + the statistical part: the open AR of the accounts with no
  pending promise and no active plan, as of D − 1, grouped by due date, collected week
  after week at the rate its age class showed over the 13 weeks before D. An age class is
  the whole weeks past due at the start of a week (−5 … 18: five weeks before the due date
  or earlier, 18 weeks late or later). The rate of a class is Σ received in a week on
  invoices of that class at the week's start ÷ Σ open on them then, over the 13 weeks.

Pure: the sums come from :mod:`bot.repositories.forecast`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.policy.money import cents

WEEKS = 13
#: the days before D whose promises and installments give the kept and paid rates
HISTORY_DAYS = 180
#: the rate used when there is no history to measure it
DEFAULT_RATE = Decimal("0.5")
#: the weeks before D whose receipts give the collection rate of each age class
TRAILING_WEEKS = 13
EARLIEST_CLASS, LATEST_CLASS = -5, 18


@dataclass(frozen=True)
class Outcomes:
    """How many commitments due in the history days were honoured and how many were not."""

    honoured: int
    failed: int

    @property
    def rate(self) -> Decimal:
        total = self.honoured + self.failed
        return DEFAULT_RATE if total == 0 else Decimal(self.honoured) / Decimal(total)


@dataclass(frozen=True)
class Week:
    start: date
    committed: Decimal
    expected: Decimal


def week_starts(as_of: date, count: int = WEEKS) -> list[date]:
    """The first day of each forecast week: D, D + 7, …"""
    return [as_of + timedelta(days=7 * w) for w in range(count)]


def trailing_starts(as_of: date) -> list[date]:
    """The first day of each of the 13 weeks before D, oldest first."""
    return [as_of - timedelta(days=7 * (TRAILING_WEEKS - k)) for k in range(TRAILING_WEEKS)]


def week_of(as_of: date, day: date) -> int | None:
    """The forecast week (0-based) ``day`` falls in, or None outside the 13 weeks."""
    index = (day - as_of).days // 7
    return index if 0 <= index < WEEKS and day >= as_of else None


def committed_weeks(
    as_of: date,
    promises: Iterable[tuple[date, Decimal]],
    installments: Iterable[tuple[date, Decimal]],
    promise_outcomes: Outcomes,
    installment_outcomes: Outcomes,
) -> list[Decimal]:
    """``committed[w]`` for the 13 weeks, rounded half up to cents.

    Args:
        promises: (due date, amount) of each pending promise.
        installments: (due date, amount) of each scheduled installment of an active plan.
    """
    promised, scheduled = [Decimal(0)] * WEEKS, [Decimal(0)] * WEEKS
    for target, items in ((promised, promises), (scheduled, installments)):
        for due, amount in items:
            index = week_of(as_of, due)
            if index is not None:
                target[index] += amount
    return [
        cents(p * promise_outcomes.rate + s * installment_outcomes.rate)
        for p, s in zip(promised, scheduled, strict=True)
    ]


def age_class(due: date, day: date) -> int:
    """Whole weeks past due on ``day``, clamped to the classes of the model."""
    return min(max((day - due).days // 7, EARLIEST_CLASS), LATEST_CLASS)


def collection_rates(
    exposure: Mapping[date, Mapping[date, Decimal]],
    receipts: Iterable[tuple[date, date, Decimal]],
) -> dict[int, Decimal]:
    """The weekly collection rate of each age class over the trailing weeks.

    Args:
        exposure: per trailing week start, the open amount by due date the day before.
        receipts: (due date, received date, amount) of each payment applied in those weeks.
    """
    starts = sorted(exposure)
    opened: dict[int, Decimal] = defaultdict(Decimal)
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for start, by_due in exposure.items():
        for due, amount in by_due.items():
            if amount > 0:
                opened[age_class(due, start)] += amount
    for due, received, amount in receipts:
        week = next((s for s in reversed(starts) if s <= received), None)
        if week is not None and received < week + timedelta(days=7):
            paid[age_class(due, week)] += amount
    return {c: min(paid[c] / opened[c], Decimal(1)) for c in opened if opened[c] > 0}


def project(
    as_of: date, open_by_due: Mapping[date, Decimal], rates: Mapping[int, Decimal]
) -> list[Decimal]:
    """What the open AR (by due date, as of D − 1) is expected to bring in each week."""
    weeks = [Decimal(0)] * WEEKS
    for due, amount in open_by_due.items():
        left = amount
        for index, start in enumerate(week_starts(as_of)):
            if left <= 0:
                break
            got = left * rates.get(age_class(due, start), Decimal(0))
            weeks[index] += got
            left -= got
    return weeks


def forecast(
    as_of: date, committed: Sequence[Decimal], statistical: Sequence[Decimal]
) -> list[Week]:
    """The 13 weeks: committed and expected (committed + the statistical part), in cents."""
    return [
        Week(start, c, cents(c + s))
        for start, c, s in zip(week_starts(as_of), committed, statistical, strict=True)
    ]
