"""The 13-week cash forecast from a day (SPEC §13; the model: docs/forecast.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.policy import forecast as model
from bot.policy.money import format_money
from bot.repositories import forecast as repo


@dataclass(frozen=True)
class ForecastReport:
    as_of: date
    weeks: tuple[model.Week, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "weeks": [
                {
                    "start": w.start.isoformat(),
                    "committed": format_money(w.committed),
                    "expected": format_money(w.expected),
                }
                for w in self.weeks
            ],
        }

    def to_rows(self) -> list[dict[str, str]]:
        return [{"week": str(i + 1), **row} for i, row in enumerate(self.to_json()["weeks"])]


def forecast_report(session: Session, as_of: date) -> ForecastReport:
    """Committed and expected receipts for the 13 weeks starting on ``as_of``."""
    with session.begin():
        commitments = repo.commitments(session, as_of)
        exposure = repo.exposure(session, as_of)
        receipts = repo.receipts(session, as_of)
    committed = model.committed_weeks(
        as_of,
        commitments.promises,
        commitments.installments,
        commitments.promise_outcomes,
        commitments.installment_outcomes,
    )
    rates = model.collection_rates(exposure.trailing, receipts)
    statistical = model.project(as_of, exposure.base, rates)
    return ForecastReport(as_of, tuple(model.forecast(as_of, committed, statistical)))
