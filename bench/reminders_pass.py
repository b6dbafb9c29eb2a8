"""Benchmark of the reminder pass (SPEC §6) at portfolio scale, against baselines of the same run.

Builds a portfolio — by default 40,000 accounts and 100,000 open invoices, with payments,
credits, disputes, promises, plans, escalations, opt-outs and a mix of time zones — in a
fresh, migrated database with Core ``executemany`` (not the importer), then measures:

* ``plan`` (the dry run) over every account: seconds, accounts per second, and the ratio
  against a **baseline** read in the same run: one bare ``SELECT`` of the same accounts,
  invoices and open amounts, with nothing decided;
* the first ``run_pass`` (it sends the day's messages through the outbox provider) and a
  second pass a quarter of an hour later (the steady state: every send already made,
  each hold already logged) — the one the scheduler repeats 96 times a day;
* the outbox provider alone, through ``deliver()`` one message at a time and through
  ``deliver_many()`` in the groups a pass sends (a claimed chunk, ``CONCURRENCY`` in the
  senders' hands at once): messages per second;
* peak memory (``tracemalloc``) of a dry run over a portfolio a tenth the size and over
  the full one: paged reads keep it flat, so the ratio stays near 1.

Targets: one pass ≤ 10 s on SQLite and PostgreSQL; the outbox ≥ 500 messages/s.

Usage::

    .venv/app/bin/python bench/reminders_pass.py
    .venv/app/bin/python bench/reminders_pass.py --accounts 4000 --invoices 10000 --no-postgres

PostgreSQL runs in a scratch database on the server of ``ARBOT_TEST_POSTGRES_URL`` (default:
the local server), created and dropped here; by default it is skipped when unreachable,
``--postgres`` makes that an error and ``--no-postgres`` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reminders_portfolio import build_portfolio  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Account, Invoice  # noqa: E402
from bot.repositories.reminder_facts import open_amount  # noqa: E402
from bot.services.delivery import Parcel, Postman, deliver, deliver_many  # noqa: E402
from bot.services.reminder_plan import read_page  # noqa: E402
from bot.services.reminders import CONCURRENCY, SEND_CHUNK, PassSummary, run_pass  # noqa: E402
from bot.settings import Settings  # noqa: E402
from integrations.rasa import BotMessage  # noqa: E402
from integrations.senders import OutboxSender  # noqa: E402

#: 13:00 in New York, 10:00 in Los Angeles, 08:00 in Honolulu: inside every US window
NOW = datetime(2026, 11, 22, 18, tzinfo=timezone.utc)
POSTGRES_URL = os.environ.get(
    "ARBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASS_TARGET_SECONDS = 10.0
OUTBOX_TARGET_PER_SECOND = 500.0
T = TypeVar("T")


def timed(work: Callable[..., T], *args: Any) -> tuple[T, float]:
    """``work(*args)`` and the seconds it took."""
    started = time.perf_counter()
    result = work(*args)
    return result, time.perf_counter() - started


def peak_memory(work: Callable[[], object]) -> int:
    """Peak bytes allocated by Python while ``work`` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bare_select(engine: Engine) -> int:
    """The baseline: one SELECT of every account's invoices with their open amounts."""
    query = select(Account.id, Account.timezone, Invoice.due_date, open_amount()).join(
        Invoice, Invoice.account_id == Account.id
    )
    with engine.connect() as connection:
        return sum(1 for _ in connection.execute(query))


def dry_run(engine: Engine, settings: Settings, batch: int) -> tuple[int, int]:
    """What ``plan`` does, page by page: (accounts read, decisions made)."""
    sessions = make_session_factory(engine)
    accounts = decisions = after_id = 0
    while (page := read_page(sessions, after_id, batch, NOW, settings)) is not None:
        accounts += page.accounts
        decisions += len(page.planned)
        after_id = page.span[1]
    return accounts, decisions


def one_pass(engine: Engine, settings: Settings, at: datetime, batch: int) -> PassSummary:
    sender = OutboxSender()
    postman = Postman(
        make_session_factory(engine), FixedClock(at), {"sms": sender, "telegram": sender}
    )
    return asyncio.run(run_pass(postman, settings, at, batch=batch))


def outbox_rate(engine: Engine, messages: int, group: int) -> float:
    """Messages per second through the outbox provider: ``deliver()`` one at a time when
    ``group`` is 1, else ``deliver_many()`` batches of ``group`` (as a pass sends them)."""
    postman = Postman(make_session_factory(engine), FixedClock(NOW), {"sms": OutboxSender()})

    def parcel(n: int) -> Parcel:
        key = f"bench:{group}:{n}"
        return Parcel("sms", f"+1999{n:07d}", BotMessage("bench"), key, automated=True)

    async def send_all() -> None:
        for start in range(0, messages, group):
            batch = [parcel(n) for n in range(start, min(start + group, messages))]
            if group == 1:
                p = batch[0]
                await deliver(postman, p.channel, p.address, p.message, key=p.key, automated=True)
            else:
                await deliver_many(postman, batch, concurrency=CONCURRENCY)

    _, seconds = timed(lambda: asyncio.run(send_all()))
    return messages / seconds


def run(engine: Engine, label: str, args: argparse.Namespace, small: Engine) -> None:
    """Builds the portfolios, then times and measures everything on ``engine``."""
    settings = Settings()
    print(f"== {label}")
    for target, accounts, invoices in (
        (small, args.accounts // 10, args.invoices // 10),
        (engine, args.accounts, args.invoices),
    ):
        upgrade(target)
        _, seconds = timed(build_portfolio, target, accounts, invoices, NOW)
        if target.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with target.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        print(f"portfolio: {accounts:,} accounts, {invoices:,} invoices built in {seconds:.1f} s")
    rows, baseline = timed(bare_select, engine)
    (open_accounts, decisions), planned = timed(dry_run, engine, settings, args.batch)
    print(f"baseline: bare SELECT of {rows:,} invoice rows in {baseline:.2f} s")
    print(
        f"plan: {decisions:,} decisions over {open_accounts:,} accounts in {planned:.2f} s = "
        f"{open_accounts / planned:,.0f} accounts/s; ratio to baseline {planned / baseline:.1f}x"
    )
    first, first_s = timed(lambda: one_pass(engine, settings, NOW, args.batch))
    _report_pass("run_pass #1 (sends the day)", first, first_s)
    steady, steady_s = timed(
        lambda: one_pass(engine, settings, NOW + timedelta(minutes=15), args.batch)
    )
    _report_pass("run_pass #2 (steady state)", steady, steady_s)
    single = outbox_rate(engine, args.messages, 1)
    print(f"outbox, deliver() one at a time (a chat reply; for reference): {single:,.0f} msg/s")
    rate = outbox_rate(engine, args.messages, SEND_CHUNK)
    verdict = "met" if rate >= OUTBOX_TARGET_PER_SECOND else "missed"
    print(
        f"outbox, deliver_many() as a pass sends (groups of {SEND_CHUNK}, {CONCURRENCY} in "
        f"flight): {rate:,.0f} messages/s = {rate / single:.0f}x one at a time "
        f"(target ≥ {OUTBOX_TARGET_PER_SECOND:.0f} {verdict})"
    )
    low = peak_memory(lambda: dry_run(small, settings, args.batch))
    high = peak_memory(lambda: dry_run(engine, settings, args.batch))
    print(
        f"peak memory of plan: {low / 2**20:.1f} MiB at {args.accounts // 10:,} accounts, "
        f"{high / 2**20:.1f} MiB at {args.accounts:,}; ratio {high / low:.2f}x"
    )


def _report_pass(label: str, summary: PassSummary, seconds: float) -> None:
    verdict = "met" if seconds <= PASS_TARGET_SECONDS else "missed"
    sent_rate = f", {summary.sent / seconds:,.0f} sent/s" if summary.sent else ""
    print(
        f"{label}: {summary.accounts:,} accounts in {seconds:.2f} s = "
        f"{summary.accounts / seconds:,.0f} accounts/s{sent_rate}; sent {summary.sent:,}, "
        f"held {sum(summary.held.values()):,} {dict(summary.held.most_common(4))}; "
        f"target ≤ {PASS_TARGET_SECONDS:.0f} s {verdict}"
    )


@contextmanager
def scratch_postgres(url: str, names: int) -> Iterator[list[Engine]]:
    """``names`` new databases on the server of ``url``, dropped afterwards."""
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    created: list[str] = []
    engines: list[Engine] = []
    try:
        with admin.connect() as connection:
            for n in range(names):
                name = f"arbot_bench_{os.getpid()}_{n}"
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                created.append(name)
                scratch = make_url(url).set(database=name).render_as_string(hide_password=False)
                engines.append(make_engine(scratch))
        yield engines
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = create_engine(make_url(url))
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=40_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="accounts per page")
    parser.add_argument("--messages", type=int, default=2000, help="deliver() calls timed")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--postgres", dest="postgres", action="store_true", default=None)
    group.add_argument("--no-postgres", dest="postgres", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as folder:
        engines = [make_engine(f"sqlite:///{folder}/{name}.db") for name in ("full", "tenth")]
        try:
            run(engines[0], "SQLite", args, engines[1])
        finally:
            for engine in engines:
                engine.dispose()
    if args.postgres is False:
        return
    problem = postgres_reachable(POSTGRES_URL)
    if problem is not None:
        if args.postgres:
            raise SystemExit(f"--postgres: {POSTGRES_URL} is unreachable: {problem}")
        print(f"== PostgreSQL skipped: {problem}")
        return
    with scratch_postgres(POSTGRES_URL, 2) as (full, tenth):
        run(full, "PostgreSQL", args, tenth)


if __name__ == "__main__":
    main()
