"""Roll rates and cure rate (SPEC §13) against the hand-computed portfolio of ``portfolio.py``."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.services.insight.rolls import rolls_report
from tests.services.insight.portfolio import seed


def test_the_rolls_of_a_month_match_the_hand_computed_portfolio(session: Session) -> None:
    seed(session)
    assert rolls_report(session, date(2026, 11, 1)).to_json() == {
        "month": "2026-11",
        "roll_rates": {"current": 0.4, "1-30": 1.0, "31-60": 0.0, "61-90": 0.67, "91-120": 1.0},
        "cure_rate": 0.33,
    }


def test_the_next_month_reads_each_invoice_as_of_its_own_month_ends(session: Session) -> None:
    seed(session)
    assert rolls_report(session, date(2026, 12, 1)).to_json() == {
        "month": "2026-12",
        "roll_rates": {"current": 1.0, "1-30": 1.0, "31-60": 0.0, "61-90": None, "91-120": 1.0},
        "cure_rate": 0.0,
    }


def test_a_history_covers_the_months_before_oldest_first_with_their_amounts(
    session: Session,
) -> None:
    seed(session)
    report = rolls_report(session, date(2026, 12, 1), 2)
    assert [m["month"] for m in report.history_json()] == ["2026-11", "2026-12"]
    november = report.to_rows()[0]
    assert (november["open_current"], november["rolled_current"]) == ("1500.00", "600.00")
    assert (november["past_due_accounts"], november["cured_accounts"]) == ("3", "1")


def test_an_empty_portfolio_has_no_rates(session: Session) -> None:
    doc = rolls_report(session, date(2026, 11, 1)).to_json()
    assert set(doc["roll_rates"].values()) == {None}
    assert doc["cure_rate"] is None
