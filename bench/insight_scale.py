"""Benchmark of the roll rates and the cash forecast (SPEC §13) over a million invoices in
PostgreSQL, each against hand-written SQL for the same figures in the same run.

Builds a scratch database (created and dropped here) with the seeded ledger of
``bench/reports_portfolio.py`` (the one ``bench/reports_scale.py`` times the §8 reports on:
1,000,000 invoices by default over 18 months, with payments, credits, disputes, promises),
then ``VACUUM ANALYZE``. Then it times, alternately:

* **rolls** of two months: the product (``rolls_report``, as ``arbot report rolls --month
  M --json``: one statement and ``to_json()``) against ``ROLLS_SQL`` (one hand-written
  statement giving the same rates, rounded in SQL) on a plain psycopg connection;
* **forecast** from two days: the product (``forecast_report``, as ``arbot report forecast
  --as-of D --json``) against the three hand-written statements of ``bench/insight_sql.py``
  followed by the same pure arithmetic (``bot.policy.forecast``).

It prints the medians, the ratio product ÷ hand SQL (target ≤ 2.0), and stops with an
error when the figures differ.

Usage::

    .venv/app/bin/python bench/insight_scale.py [--invoices N] [--repeat 3]

The server is ``ARBOT_TEST_POSTGRES_URL`` (default: the local one).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.insight_sql import COMMITMENTS_SQL, EXPOSURE_SQL, RECEIPTS_SQL, ROLLS_SQL  # noqa: E402
from bench.reminders_pass import POSTGRES_URL, postgres_reachable, scratch_postgres  # noqa: E402
from bench.reports_scale import NOW, TARGET, TODAY, build, timed  # noqa: E402
from bot.db.engine import make_session_factory  # noqa: E402
from bot.policy import forecast as model  # noqa: E402
from bot.policy.insight import ROLL_BUCKETS, month_end  # noqa: E402
from bot.services.insight.forecast import forecast_report  # noqa: E402
from bot.services.insight.rolls import rolls_report  # noqa: E402

Bare = psycopg.Connection[Any]


def rolls_product(sessions: Any, month: date) -> tuple[object, ...]:
    with sessions() as session:
        doc = rolls_report(session, month).to_json()
    return (*(doc["roll_rates"][b] for b in ROLL_BUCKETS), doc["cure_rate"])


def rolls_bare(bare: Bare, month: date) -> tuple[object, ...]:
    params = {"first": month - timedelta(days=1), "last": month_end(month)}
    row = bare.execute(ROLLS_SQL, params).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns a row
    return tuple(None if value is None else float(value) for value in row)


def forecast_product(sessions: Any, as_of: date) -> tuple[object, ...]:
    with sessions() as session:
        doc = forecast_report(session, as_of).to_json()
    return tuple((w["committed"], w["expected"]) for w in doc["weeks"])


def forecast_bare(bare: Bare, as_of: date) -> tuple[object, ...]:
    starts = model.trailing_starts(as_of)
    days = [s - timedelta(days=1) for s in starts]
    params: dict[str, object] = {"first": days[0], "last": as_of - timedelta(days=1)}
    params |= {f"d{k}": day for k, day in enumerate(days)}
    trailing: dict[date, dict[date, Decimal]] = {s: {} for s in starts}
    base: dict[date, Decimal] = {}
    for due, at_base, *amounts in bare.execute(EXPOSURE_SQL, params):
        if at_base:
            base[due] = at_base
        for start, amount in zip(starts, amounts, strict=True):
            if amount:
                trailing[start][due] = amount
    received = {"first": starts[0], "last": as_of - timedelta(days=1)}
    receipts = list(bare.execute(RECEIPTS_SQL, received))
    horizon = {
        "as_of": as_of,
        "horizon": as_of + timedelta(days=90),
        "history": as_of - timedelta(days=180),
        "last": as_of - timedelta(days=1),
    }
    found: dict[str, list[tuple[date, Decimal]]] = {"promise": [], "installment": []}
    counts: dict[str, int] = {}
    for kind, due, amount in bare.execute(COMMITMENTS_SQL, horizon):
        if kind in found:
            found[kind].append((due, amount))
        else:
            counts[kind] = int(amount)
    committed = model.committed_weeks(
        as_of,
        found["promise"],
        found["installment"],
        model.Outcomes(counts["kept"], counts["broken"]),
        model.Outcomes(counts["paid"], counts["missed"]),
    )
    statistical = model.project(as_of, base, model.collection_rates(trailing, receipts))
    weeks = model.forecast(as_of, committed, statistical)
    return tuple((f"{w.committed:.2f}", f"{w.expected:.2f}") for w in weeks)


def measure(label: str, product: Callable[[], Any], bare: Callable[[], Any], repeat: int) -> float:
    """Times both ``repeat`` times, alternating, after checking they agree; the ratio."""
    figures, expected = product(), bare()
    if figures != expected:
        raise SystemExit(f"{label}: product {figures} != hand SQL {expected}")
    times: dict[str, list[float]] = {"product": [], "bare": []}
    for n in range(repeat):
        for name in ("product", "bare") if n % 2 == 0 else ("bare", "product"):
            times[name].append(timed(product if name == "product" else bare)[1])
    mine, theirs = (statistics.median(times[name]) for name in ("product", "bare"))
    ratio = mine / theirs
    verdict = "met" if ratio <= TARGET else "missed"
    print(f"-- {label}: figures agree: {str(figures)[:150]}")
    print(
        f"   product {mine:.3f} s, hand SQL {theirs:.3f} s (medians of {repeat}); "
        f"ratio {ratio:.2f}x, target ≤ {TARGET:.1f}x {verdict}"
    )
    return ratio


def run(engine: Engine, repeat: int) -> list[float]:
    sessions = make_session_factory(engine)
    url = make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    with psycopg.connect(url, autocommit=True) as bare:
        ratios = [
            measure(
                f"rolls {month:%Y-%m}",
                lambda m=month: rolls_product(sessions, m),
                lambda m=month: rolls_bare(bare, m),
                repeat,
            )
            for month in (last_month, date(2026, 6, 1))
        ]
        ratios += [
            measure(
                f"forecast as of {day}",
                lambda d=day: forecast_product(sessions, d),
                lambda d=day: forecast_bare(bare, d),
                repeat,
            )
            for day in (TODAY, TODAY - timedelta(days=60))
        ]
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each, alternating")
    args = parser.parse_args()
    problem = postgres_reachable(POSTGRES_URL)
    if problem is not None:
        raise SystemExit(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}")
    print(f"as of {NOW.isoformat()}, {args.invoices:,} invoices")
    with scratch_postgres(POSTGRES_URL, 1) as (engine,):
        build(engine, args.invoices)
        ratios = run(engine, args.repeat)
    worst = max(ratios)
    print(
        f"worst ratio {worst:.2f}x: target ≤ {TARGET:.1f}x {'met' if worst <= TARGET else 'missed'}"
    )


if __name__ == "__main__":
    main()
