"""Benchmark of the aging and KPI reports (SPEC §8) over a million invoices in PostgreSQL.

Builds a scratch database (created and dropped here) with the seeded ledger of
``bench/reports_portfolio.py`` — 1,000,000 invoices by default, with their payments and
applications, credits, disputes, promises and conversations — loaded with COPY, then
``VACUUM ANALYZE`` as autovacuum would after a bulk load. Then, for aging as of today and
60 days ago and for KPIs over the 30 and the 90 days ending today, it times alternately:

* **product**: the report as ``arbot report aging|kpis --json`` computes it — the service
  function through a ``Session`` from the app's session factory, then ``to_json()``;
* **bare**: one hand-written SQL statement giving the same figures (the KPI ratios too,
  rounded in SQL), sent on a plain psycopg connection in autocommit: no ORM, no Python.

It prints the median of each, the ratio product / bare (target ≤ 2.0), the statements the
product sent per report and the indexes each plan uses, and stops with an error when the
two disagree on any figure. Last, for scale, the time of one pass over the invoices alone
(their stored open amounts by bucket): the floor under any report that reads every invoice,
though it cannot say what was open on a past day.

Usage::

    .venv/app/bin/python bench/reports_scale.py
    .venv/app/bin/python bench/reports_scale.py --invoices 100000 --repeat 3

The server is ``ARBOT_TEST_POSTGRES_URL`` (default: the local one).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reminders_pass import POSTGRES_URL, postgres_reachable, scratch_postgres  # noqa: E402
from bench.reports_portfolio import build_ledger, load  # noqa: E402
from bench.reports_sql import AGING_SQL, KPIS_SQL, STORED_OPEN_SQL  # noqa: E402
from bot.db.engine import make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.policy.aging import BUCKETS  # noqa: E402
from bot.services.reports import aging_report, kpi_report  # noqa: E402

NOW = datetime(2026, 11, 22, 18, tzinfo=timezone.utc)
TODAY = NOW.date()
TARGET = 2.0
T = TypeVar("T")
KPI_FIELDS = (
    *("dso", "best_possible_dso", "add", "cei", "ptp_kept_rate"),
    *("promises_kept", "promises_broken", "bot_containment"),
)


@dataclass(frozen=True)
class Case:
    """One report to time: its label, the product's call and the bare statement."""

    label: str
    product: Callable[[Any], tuple[object, ...]]
    bare_sql: str
    params: dict[str, object]


def aging_case(day: date) -> Case:
    def product(sessions: Any) -> tuple[object, ...]:
        with sessions() as session:
            report = aging_report(session, day)
        report.to_json()  # what `arbot report aging --json` prints
        return (*(report.aging.buckets[name] for name in BUCKETS), report.aging.total)

    return Case(f"aging as of {day}", product, AGING_SQL, {"day": day})


def kpi_case(days: int) -> Case:
    start, end = TODAY - timedelta(days=days - 1), TODAY

    def product(sessions: Any) -> tuple[object, ...]:
        with sessions() as session:
            report = kpi_report(session, start, end)
        report.to_json()  # what `arbot report kpis --json` prints
        return tuple(getattr(report.kpis, name) for name in KPI_FIELDS)

    params = {
        "start": start,
        "end": end,
        "before": start - timedelta(days=1),
        "days": days,
        "since": datetime.combine(start, datetime.min.time(), timezone.utc),
        "until": datetime.combine(end + timedelta(days=1), datetime.min.time(), timezone.utc),
    }
    return Case(f"kpis {start}..{end} ({days} days)", product, KPIS_SQL, params)


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """``work()`` and the seconds it took."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def indexes_in_plan(plan: Sequence[str]) -> list[str]:
    """Names of the indexes an EXPLAIN text mentions, in order of first appearance."""
    found = re.findall(
        r"(?:Index (?:Only )?Scan using|Bitmap Index Scan on) (\w+)", "\n".join(plan)
    )
    return list(dict.fromkeys(found))


def measure(engine: Engine, bare: psycopg.Connection[Any], case: Case, repeat: int) -> float:
    """Times ``case`` both ways ``repeat`` times, alternating; checks the figures; the ratio."""
    sessions = make_session_factory(engine)
    sent: list[tuple[str, Any]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        figures = case.product(sessions)  # also a warm-up
    finally:
        event.remove(engine, "before_cursor_execute", record)
    expected = bare.execute(case.bare_sql, case.params).fetchone()
    if expected is None or tuple(expected) != figures:
        raise SystemExit(f"{case.label}: product {figures} != bare SQL {expected}")
    times: dict[str, list[float]] = {"product": [], "bare": []}
    runs = {
        "product": lambda: case.product(sessions),
        "bare": lambda: bare.execute(case.bare_sql, case.params).fetchone(),
    }
    for n in range(repeat):
        for name in ("product", "bare") if n % 2 == 0 else ("bare", "product"):
            times[name].append(timed(runs[name])[1])
    product, baseline = (statistics.median(times[name]) for name in ("product", "bare"))
    ratio = product / baseline
    with engine.connect() as connection:
        statement, parameters = sent[-1]
        product_plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars()
        product_indexes = indexes_in_plan(list(product_plan))
    bare_plan = [row[0] for row in bare.execute(f"EXPLAIN {case.bare_sql}", case.params)]
    verdict = "met" if ratio <= TARGET else "missed"
    print(f"-- {case.label}: figures agree: {_shown(figures)}")
    print(
        f"   product {product:.3f} s, bare SQL {baseline:.3f} s (medians of {repeat}); "
        f"ratio {ratio:.2f}x, target ≤ {TARGET:.1f}x {verdict}"
    )
    print(f"   runs: product {_runs(times['product'])}; bare {_runs(times['bare'])}")
    bare_indexes = indexes_in_plan(bare_plan)
    print(
        f"   product statements per report: {len(sent)}; indexes used: product "
        f"{', '.join(product_indexes) or 'none'}; bare {', '.join(bare_indexes) or 'none'}"
    )
    return ratio


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def _shown(figures: tuple[object, ...]) -> str:
    return ", ".join("null" if f is None else str(f) for f in figures)


def build(engine: Engine, invoices: int) -> None:
    """Migrates, generates, COPYs and analyzes; prints what took how long."""
    upgrade(engine)
    ledger, generated = timed(lambda: build_ledger(invoices, NOW))
    counts, loaded = timed(lambda: load(engine, ledger))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        _, analyzed = timed(lambda: connection.execute(text("VACUUM ANALYZE")))
    rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"ledger: {rows}")
    print(
        f"built in {generated + loaded + analyzed:.1f} s: generated {generated:.1f} s, "
        f"COPY {loaded:.1f} s, VACUUM ANALYZE {analyzed:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each, alternating")
    args = parser.parse_args()
    problem = postgres_reachable(POSTGRES_URL)
    if problem is not None:
        raise SystemExit(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}")
    with scratch_postgres(POSTGRES_URL, 1) as (engine,):
        build(engine, args.invoices)
        url = (
            make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        with psycopg.connect(url, autocommit=True) as bare:
            cases = [
                aging_case(TODAY),
                aging_case(TODAY - timedelta(days=60)),
                kpi_case(30),
                kpi_case(90),
            ]
            ratios = [measure(engine, bare, case, args.repeat) for case in cases]
            floor = statistics.median(
                timed(lambda: bare.execute(STORED_OPEN_SQL, {"day": TODAY}).fetchone())[1]
                for _ in range(args.repeat)
            )
    print(
        f"for scale, not a baseline: one pass over the invoices alone summing their stored "
        f"open_amount by bucket (no payments or credits, so no 'as of') {floor:.3f} s"
    )
    worst = max(ratios)
    verdict = "met" if worst <= TARGET else "missed"
    print(f"worst ratio {worst:.2f}x: target ≤ {TARGET:.1f}x {verdict}")


if __name__ == "__main__":
    main()
