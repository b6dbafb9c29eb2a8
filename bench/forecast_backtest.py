"""Backtest of the 13-week cash forecast (SPEC §13, docs/forecast.md) against a naive baseline.

Generates a seeded three-year portfolio whose payments follow known behaviour — the payer
kinds of ``bench/reports_portfolio.py`` (prompt, slow, late, bad; some bad ones never pay),
credit sales that grow 30 % a year and swing ±35 % with the seasons — into a scratch
SQLite database migrated like the product's. Then, as of a past Monday every four weeks
over the last two years, it runs the product's forecast (``forecast_report``, exactly as
``arbot report forecast --as-of D`` does) and compares weeks 1-4 with what was actually
received; the baseline forecasts each of those weeks as the average weekly receipts of the
4 weeks before D. It prints, side by side, the mean absolute percentage error (MAPE) of
``expected`` and of the baseline over every (day, week), and per horizon week.

Usage::

    .venv/app/bin/python bench/forecast_backtest.py
    .venv/app/bin/python bench/forecast_backtest.py --accounts 400 --seed 7
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reports_portfolio import PAYERS, TERMS  # noqa: E402
from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Account, Invoice, Payment, PaymentApplication  # noqa: E402
from bot.repositories.forecast import received_by_week  # noqa: E402
from bot.services.insight.forecast import forecast_report  # noqa: E402

TODAY = date(2026, 11, 30)  # a Monday: the data ends the day before
YEARS = 3
HORIZON = 4
STAMP = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _kind(rng: random.Random) -> int:
    draw, bound = rng.random(), 0.0
    for kind, (share, _, _) in enumerate(PAYERS):
        bound += share
        if draw < bound:
            return kind
    return len(PAYERS) - 1


def daily_invoices(day: int, per_day: float) -> float:
    """Expected invoices issued on day ``day`` (0 = the first): growth and seasons."""
    growth = 1 + 0.30 * day / 365
    season = 1 + 0.35 * math.sin(2 * math.pi * day / 365)
    return per_day * growth * season


def generate(engine: Engine, accounts: int, seed: int) -> dict[str, int]:
    """Writes the portfolio; invoices paid after TODAY − 1 are left open."""
    rng = random.Random(seed)
    first = TODAY - timedelta(days=365 * YEARS)
    kinds = [_kind(rng) for _ in range(accounts)]
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in range(1, accounts + 1):
        rows["accounts"].append(
            {
                "id": a,
                "account_number": f"B{a:05d}",
                "name": f"Backtest {a}",
                "postal_code": "10001",
                "language": "en",
                "consumer": False,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        )
    payments: dict[tuple[int, date], list[Any]] = {}
    number = 0
    for offset in range(365 * YEARS):
        issued = first + timedelta(days=offset)
        expected = daily_invoices(offset, accounts / 15)
        for _ in range(int(expected) + (rng.random() < expected % 1)):
            number += 1
            account = rng.randint(1, accounts)
            due = issued + timedelta(days=rng.choice(TERMS))
            amount = Decimal(rng.randint(10_000, 500_000)) / 100
            _, (low, high), never = PAYERS[kinds[account - 1]]
            paid_on = due + timedelta(days=rng.randint(low, high))
            paid = rng.random() >= never and paid_on < TODAY
            rows["invoices"].append(
                {
                    "id": number,
                    "invoice_number": f"BI{number:07d}",
                    "account_id": account,
                    "issue_date": issued,
                    "due_date": due,
                    "amount": amount,
                    "currency": "USD",
                    "open_amount": Decimal(0) if paid else amount,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            )
            if paid:
                payment = payments.setdefault((account, paid_on), [len(payments) + 1, Decimal(0)])
                payment[1] += amount
                rows["payment_applications"].append(
                    {"payment_id": payment[0], "invoice_id": number, "amount": amount}
                )
    for (account, day), (payment_id, amount) in payments.items():
        rows["payments"].append(
            {
                "id": payment_id,
                "payment_id": f"BP{payment_id:07d}",
                "account_id": account,
                "received_date": day,
                "amount": amount,
                "method": "ach",
                "unapplied_amount": Decimal(0),
                "created_at": STAMP,
            }
        )
    models = {
        "accounts": Account,
        "invoices": Invoice,
        "payments": Payment,
        "payment_applications": PaymentApplication,
    }
    with engine.begin() as connection:
        for table, model in models.items():
            for start in range(0, len(rows[table]), 20_000):
                connection.execute(insert(model), rows[table][start : start + 20_000])
    return {table: len(found) for table, found in rows.items()}


def mape(pairs: list[tuple[Decimal, Decimal]]) -> float:
    """Mean of |forecast − actual| / actual over the pairs (forecast, actual), in percent."""
    errors = [abs(f - a) / a for f, a in pairs if a > 0]
    return float(sum(errors) / len(errors) * 100)


def backtest(engine: Engine, days: list[date]) -> dict[str, list[list[tuple[Decimal, Decimal]]]]:
    """Per method, per horizon week: the (forecast, actual) pairs over ``days``."""
    sessions = make_session_factory(engine)
    found: dict[str, list[list[tuple[Decimal, Decimal]]]] = {
        name: [[] for _ in range(HORIZON)] for name in ("expected", "baseline")
    }
    for day in days:
        with sessions() as session:
            weeks = forecast_report(session, day).weeks[:HORIZON]
            starts = [day + timedelta(days=7 * w) for w in range(HORIZON)]
            actual = received_by_week(session, starts)
            before = [day - timedelta(days=7 * (HORIZON - w)) for w in range(HORIZON)]
            baseline = sum(received_by_week(session, before), Decimal(0)) / HORIZON
        for w in range(HORIZON):
            found["expected"][w].append((weeks[w].expected, actual[w]))
            found["baseline"][w].append((baseline, actual[w]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--every", type=int, default=4, help="weeks between forecast days")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'backtest.db'}")
        upgrade(engine)
        counts = generate(engine, args.accounts, args.seed)
        print(
            "portfolio: "
            + ", ".join(f"{t} {n:,}" for t, n in counts.items())
            + f"; {YEARS} years to {TODAY - timedelta(days=1)}"
        )
        last = TODAY - timedelta(days=7 * HORIZON)
        days = [last - timedelta(days=7 * args.every * k) for k in range(0, 104 // args.every)]
        days.reverse()
        found = backtest(engine, days)
        engine.dispose()
    print(f"forecast days: {len(days)}, {days[0]} .. {days[-1]} (every {args.every} weeks)")
    print(f"{'MAPE, weeks 1-4':<18} {'expected':>9} {'baseline':>9}")
    for w in range(HORIZON):
        print(
            f"{'week ' + str(w + 1):<18} {mape(found['expected'][w]):>8.1f}% "
            f"{mape(found['baseline'][w]):>8.1f}%"
        )
    overall = {name: mape([p for week in found[name] for p in week]) for name in found}
    print(f"{'all':<18} {overall['expected']:>8.1f}% {overall['baseline']:>8.1f}%")
    verdict = "beats" if overall["expected"] < overall["baseline"] else "does NOT beat"
    print(f"the forecast {verdict} the baseline")


if __name__ == "__main__":
    main()
