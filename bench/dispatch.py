"""Benchmark of the dispatcher (SPEC §7): queued messages sent through the outbox provider.

In a fresh, migrated database it queues ``--messages`` messages (one per customer, as a
reminder pass queues them; ``--per-customer`` more makes conversations whose messages
must go one after another) and times:

* the **dispatcher** draining the queue — :func:`bot.services.dispatch.dispatch_due` in
  batches of ``--batch`` with ``--concurrency`` messages in the sender's hands: each batch
  is one claiming ``UPDATE … RETURNING`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), the
  sends, and one transaction storing the receipts;
* the **baseline**, in the same run on the same database: the bare SQL a dispatcher cannot
  do without — one ``UPDATE`` marking the same number of rows ``sending`` and one
  ``executemany`` storing their receipts, nothing sent — so the ratio says what the
  dispatcher costs above the database floor;
* for reference, ``deliver_many()`` as a reminder pass sends (queue and send at once).

Target: ≥ 1,000 messages/s on PostgreSQL.

Usage::

    .venv/app/bin/python bench/dispatch.py
    .venv/app/bin/python bench/dispatch.py --messages 5000 --no-postgres

PostgreSQL runs in a scratch database on the server of ``ARBOT_TEST_POSTGRES_URL``
(default: the local server), created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, bindparam, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reminders_pass import POSTGRES_URL, postgres_reachable, scratch_postgres  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Message  # noqa: E402
from bot.repositories.ledger import table  # noqa: E402
from bot.services import dispatch  # noqa: E402
from bot.services.delivery import Parcel, Postman, deliver_many, queue_many  # noqa: E402
from bot.services.reminders import CONCURRENCY, SEND_CHUNK  # noqa: E402
from integrations.rasa import BotMessage  # noqa: E402
from integrations.senders import OutboxSender  # noqa: E402

NOW = FixedClock(datetime(2026, 11, 22, 18, tzinfo=timezone.utc))
TARGET_PER_SECOND = 1000.0


def _parcels(tag: str, customers: int, per_customer: int) -> list[Parcel]:
    return [
        Parcel("sms", f"+1{tag}{c:07d}", BotMessage(f"bench {n}"), f"{tag}:{c}:{n}", automated=True)
        for n in range(per_customer)
        for c in range(customers)
    ]


def _postman(engine: Engine) -> Postman:
    return Postman(make_session_factory(engine), NOW, {"sms": OutboxSender()})


def queue(engine: Engine, parcels: list[Parcel]) -> float:
    """Queues the parcels in groups as a pass would; seconds."""
    postman = _postman(engine)

    async def run() -> None:
        for start in range(0, len(parcels), SEND_CHUNK):
            await queue_many(postman, parcels[start : start + SEND_CHUNK])

    started = time.perf_counter()
    asyncio.run(run())
    return time.perf_counter() - started


def drain(engine: Engine, batch: int, concurrency: int) -> tuple[int, float]:
    """The dispatcher sends everything due; (messages sent, seconds)."""
    postman = _postman(engine)

    async def run() -> int:
        sent = 0
        while n := await dispatch.dispatch_due(postman, batch=batch, concurrency=concurrency):
            sent += n
        return sent

    started = time.perf_counter()
    sent = asyncio.run(run())
    return sent, time.perf_counter() - started


def baseline(engine: Engine, rows: int, batch: int) -> float:
    """The database floor of dispatching ``rows`` messages: claim and store, nothing sent;
    the rows are put back as they were."""
    target = table(Message)
    started = time.perf_counter()
    with engine.connect() as connection:
        ids = list(
            connection.scalars(
                text("SELECT id FROM messages WHERE dispatch_state = 'done' ORDER BY id LIMIT :n"),
                {"n": rows},
            )
        )
        connection.commit()
        for start in range(0, len(ids), batch):
            part = ids[start : start + batch]
            with connection.begin():
                connection.execute(
                    update(target).where(target.c.id.in_(part)).values(dispatch_state="sending")
                )
            with connection.begin():
                connection.execute(
                    update(target)
                    .where(target.c.id == bindparam("r_id"))
                    .values(dispatch_state="done", provider_id=bindparam("r_pid"),
                            delivery_status="delivered"),
                    [{"r_id": i, "r_pid": f"OB{uuid.uuid4().hex}"} for i in part],
                )  # fmt: skip
    return time.perf_counter() - started


def group_path(engine: Engine, messages: int) -> float:
    """Messages per second of ``deliver_many()`` as a reminder pass sends (reference)."""
    postman = _postman(engine)
    parcels = _parcels("888", messages, 1)

    async def run() -> None:
        for start in range(0, len(parcels), SEND_CHUNK):
            await deliver_many(
                postman, parcels[start : start + SEND_CHUNK], concurrency=CONCURRENCY
            )

    started = time.perf_counter()
    asyncio.run(run())
    return messages / (time.perf_counter() - started)


def run(engine: Engine, label: str, args: argparse.Namespace) -> None:
    upgrade(engine)
    print(f"== {label}")
    parcels = _parcels("999", args.messages, args.per_customer)
    queued_s = queue(engine, parcels)
    print(f"queued {len(parcels):,} messages ({args.messages:,} customers × {args.per_customer}) "
          f"in {queued_s:.2f} s = {len(parcels) / queued_s:,.0f} msg/s")  # fmt: skip
    sent, seconds = drain(engine, args.batch, args.concurrency)
    rate = sent / seconds
    floor = baseline(engine, sent, args.batch)
    verdict = "met" if rate >= TARGET_PER_SECOND else "missed"
    print(
        f"dispatcher: {sent:,} sent in {seconds:.2f} s = {rate:,.0f} msg/s "
        f"(batches of {args.batch}, {args.concurrency} in flight); "
        f"baseline (bare claim + store SQL, nothing sent) {floor:.2f} s = "
        f"{sent / floor:,.0f} rows/s; ratio {seconds / floor:.1f}x the baseline; "
        f"target ≥ {TARGET_PER_SECOND:,.0f} msg/s {verdict}"
    )
    reference = group_path(engine, args.messages)
    print(
        f"deliver_many() as a pass sends (queue + send at once; reference): {reference:,.0f} msg/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="customers messaged")
    parser.add_argument("--per-customer", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--postgres", dest="postgres", action="store_true", default=None)
    group.add_argument("--no-postgres", dest="postgres", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as folder:
        engine = make_engine(f"sqlite:///{folder}/dispatch.db")
        try:
            run(engine, "SQLite", args)
        finally:
            engine.dispose()
    if args.postgres is False:
        return
    problem = postgres_reachable(POSTGRES_URL)
    if problem is not None:
        if args.postgres:
            raise SystemExit(f"--postgres: {POSTGRES_URL} is unreachable: {problem}")
        print(f"== PostgreSQL skipped: {problem}")
        return
    with scratch_postgres(POSTGRES_URL, 1) as (engine,):
        run(engine, "PostgreSQL", args)


if __name__ == "__main__":
    main()
