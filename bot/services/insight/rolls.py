"""Roll rates and cure rate per month (SPEC §13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.policy.insight import ROLL_BUCKETS, Rolls, compute_rolls, month_end, previous_months
from bot.policy.money import format_money
from bot.repositories import insight as repo

#: months the console's roll-rate table shows
HISTORY_MONTHS = 6


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class RollReport:
    months: tuple[Rolls, ...]

    def to_json(self) -> dict[str, Any]:
        """The last month as ``{month, roll_rates, cure_rate}`` (``arbot report rolls --json``)."""
        return _month_json(self.months[-1])

    def history_json(self) -> list[dict[str, Any]]:
        return [_month_json(m) for m in self.months]

    def to_rows(self) -> list[dict[str, str]]:
        """One row per month: the rates, and the amounts and counts they come from."""
        rows = []
        for m in self.months:
            row = {"month": m.month.strftime("%Y-%m")}
            for b in ROLL_BUCKETS:
                rate = m.roll_rates[b]
                row[f"roll_{b}"] = "" if rate is None else str(rate)
            row["cure_rate"] = "" if m.cure_rate is None else str(m.cure_rate)
            for b in ROLL_BUCKETS:
                row[f"open_{b}"] = format_money(m.inputs.opening[b])
                row[f"rolled_{b}"] = format_money(m.inputs.rolled[b])
            row["past_due_accounts"] = str(m.inputs.past_due_accounts)
            row["cured_accounts"] = str(m.inputs.cured_accounts)
            rows.append(row)
        return rows


def _month_json(m: Rolls) -> dict[str, Any]:
    return {
        "month": m.month.strftime("%Y-%m"),
        "roll_rates": {b: _number(m.roll_rates[b]) for b in ROLL_BUCKETS},
        "cure_rate": _number(m.cure_rate),
    }


def rolls_report(session: Session, month: date, count: int = 1) -> RollReport:
    """Roll and cure rates of ``month`` (its first day) and the ``count`` − 1 before it:
    one statement per month."""
    with session.begin():
        months = tuple(
            compute_rolls(repo.roll_inputs(session, first, month_end(first)))
            for first in previous_months(month, count)
        )
    return RollReport(months)
