"""Benchmark of paying in the chat (SPEC §11), against baselines of the same run.

* **webhook events applied per second** on PostgreSQL: ``checkout.session.completed``
  events, each for its own account's pay link, signed with stripe-python's helper and
  posted to ``POST /webhooks/stripe`` of the real web app (in process, over httpx's ASGI
  transport): signature check, the event claimed, the payment recorded and applied, the
  promise settled, the receipt worked out and sent to the outbox. ``--concurrency``
  deliveries at a time, as Stripe sends them. The baseline is the same number of bare
  one-row transactions (insert + commit) on the same database: the floor any durable
  per-event work costs. Target: at least 200 events/s.
* **``GET /pay/{token}`` → 303 latency** (p50, p95) against the fake Stripe API served over
  HTTP (tests/fakes/stripe_api.py): the request found, what is owed recomputed, a Checkout
  Session created with the real stripe client, stored, redirected. The baseline is the bare
  ``checkout.sessions.create`` call of the same client to the same fake. Target: p95 at
  most 150 ms.

Usage::

    .venv/app/bin/python bench/payments.py \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--events 2000]

A scratch database is created next to the URL's database and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.container import build_container  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import (  # noqa: E402
    Account,
    Contact,
    ContactPreference,
    Invoice,
    Promise,
    StripeEvent,
)
from bot.payments.links import LinkSettings, new_link  # noqa: E402
from bot.policy.payments import Due, Purpose  # noqa: E402
from bot.repositories.ledger import table  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from integrations.stripe_checkout import StripeCheckout  # noqa: E402
from tests.fakes.stripe_api import fake_stripe  # noqa: E402
from tests.web.conftest import FakeDialogue  # noqa: E402

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
PUBLIC_URL = "http://arbot.bench"


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A fresh database next to ``url``'s, dropped afterwards; its URL."""
    admin_url = make_url(url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"arbot_bench_pay_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(engine: Engine, accounts: int) -> list[tuple[int, str]]:
    """``accounts`` accounts of 3 invoices (900.00) and a pending promise of 300.00 each,
    with SMS consent; one pay link each for the promise. (account id, token) per account."""
    rows = []
    with engine.begin() as connection:
        for n in range(accounts):
            rows.append(
                {
                    "account_number": f"B-{n:06d}",
                    "name": f"Bench {n}",
                    "postal_code": "60614",
                    "timezone": "America/Chicago",
                    "language": "en",
                    "consumer": False,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        connection.execute(insert(table(Account)), rows)
        ids = [row.id for row in connection.execute(text("select id from accounts order by id"))]
        connection.execute(
            insert(table(Contact)),
            [{"account_id": i, "channel": "sms", "address": f"+1312{i:07d}"} for i in ids],
        )
        connection.execute(
            insert(table(ContactPreference)),
            [{"account_id": i, "sms_consent": True, "sms_opt_out": False,
              "telegram_opt_out": False, "cease": False, "updated_at": NOW} for i in ids],
        )  # fmt: skip
        connection.execute(
            insert(table(Invoice)),
            [
                {"invoice_number": f"BI-{i}-{k}", "account_id": i, "issue_date": date(2026, 9, 1),
                 "due_date": date(2026, 10 + k, 1), "amount": Decimal("300.00"),
                 "currency": "USD", "open_amount": Decimal("300.00"), "created_at": NOW,
                 "updated_at": NOW}
                for i in ids
                for k in range(3)
            ],
        )  # fmt: skip
        connection.execute(
            insert(table(Promise)),
            [{"account_id": i, "amount": Decimal("300.00"), "due_date": date(2026, 11, 27),
              "status": "pending", "channel": "sms", "taken_by": "bot",
              "amount_collected": Decimal("0.00"), "created_at": NOW} for i in ids],
        )  # fmt: skip
    from sqlalchemy.orm import Session

    links = []
    with Session(engine) as session, session.begin():
        found = session.execute(text("select account_id, id from promises"))
        promise_ids = {account_id: promise_id for account_id, promise_id in found}
        for account_id in ids:
            account = session.get(Account, account_id)
            if account is None:
                raise SystemExit(f"account {account_id} vanished")
            due = Due(Purpose.PROMISE, str(promise_ids[account_id]), None, Decimal("300.00"))
            link = new_link(session, account, due, "USD", NOW, LinkSettings(PUBLIC_URL))
            links.append((account_id, link.url.rsplit("/", 1)[-1]))
    return links


def baseline_commits(engine: Engine, count: int) -> float:
    """Bare one-row transactions per second (insert + commit), the per-event floor."""
    started = time.perf_counter()
    for n in range(count):
        with engine.begin() as connection:
            connection.execute(
                insert(table(StripeEvent)),
                {"id": f"evt_base_{n}", "type": "baseline", "received_at": NOW},
            )
    return count / (time.perf_counter() - started)


async def open_links(client: httpx.AsyncClient, tokens: list[str]) -> tuple[list[float], list[str]]:
    """Opens each link once: latencies (seconds) and the Checkout Session ids."""
    latencies, sessions = [], []
    for token in tokens:
        started = time.perf_counter()
        response = await client.get(f"/pay/{token}")
        latencies.append(time.perf_counter() - started)
        if response.status_code != 303:
            raise SystemExit(f"/pay answered {response.status_code}: {response.text}")
        sessions.append(response.headers["location"].rsplit("/", 1)[-1])
    return latencies, sessions


async def deliver(
    client: httpx.AsyncClient, bodies: list[tuple[bytes, dict[str, str]]], concurrency: int
) -> float:
    """Posts the events, ``concurrency`` at a time; events per second."""
    gate = asyncio.Semaphore(concurrency)

    async def post(body: bytes, headers: dict[str, str]) -> None:
        async with gate:
            response = await client.post("/webhooks/stripe", content=body, headers=headers)
            if response.status_code != 200 or response.json()["outcome"] != "recorded":
                raise SystemExit(f"the webhook answered {response.status_code}: {response.text}")

    started = time.perf_counter()
    await asyncio.gather(*(post(b, h) for b, h in bodies))
    return len(bodies) / (time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, events: int, links: int, concurrency: int) -> None:
    api_key, secret = "sk_test_" + secrets.token_hex(12), "whsec_" + secrets.token_hex(16)
    with fake_stripe(api_key, secret) as stripe_api, scratch_database(url) as database:
        stripe_api.now = int(NOW.timestamp())
        engine = make_engine(database)
        upgrade(engine)
        tokens = seed(engine, events)
        settings = load_settings(
            {"ARBOT_DATABASE_URL": database, "ARBOT_NOW": NOW.isoformat(),
             "ARBOT_PUBLIC_URL": PUBLIC_URL, "ARBOT_PAYMENT_PROVIDER": "stripe",
             "ARBOT_STRIPE_SECRET_KEY": api_key, "ARBOT_STRIPE_WEBHOOK_SECRET": secret,
             "ARBOT_STRIPE_API_URL": stripe_api.base_url},
            dotenv=None,
        )  # fmt: skip
        wired = build_container(settings)
        app = create_app(wired, dialogue=FakeDialogue())

        async def main() -> dict[str, Any]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
                await open_links(client, [t for _, t in tokens[:5]])  # warm-up
                latencies, _ = await open_links(client, [t for _, t in tokens[5 : 5 + links]])
                _, session_ids = await open_links(client, [t for _, t in tokens])  # reused
                bodies = [
                    stripe_api.signed(event)
                    for session_id in session_ids
                    for event in stripe_api.pay(session_id)
                ]
                rate = await deliver(client, bodies, concurrency)
            return {"latencies": latencies, "rate": rate}

        measured = asyncio.run(main())
        client = StripeCheckout(api_key, stripe_api.base_url)
        params = stripe_api.created_params[0]
        bare = []
        for n in range(len(measured["latencies"])):
            started = time.perf_counter()
            client.create(_wire(params), idempotency_key=f"bench-{n}-{secrets.token_hex(4)}")
            bare.append(time.perf_counter() - started)
        base_rate = baseline_commits(engine, events)
        wired.engine.dispose()
        engine.dispose()

    lat, rate = measured["latencies"], measured["rate"]
    p50, p95 = statistics.median(lat) * 1000, percentile(lat, 0.95) * 1000
    b95 = percentile(bare, 0.95) * 1000
    print(
        f"webhook events applied: {events} in {events / rate:.1f} s = {rate:.0f} events/s "
        f"(concurrency {concurrency}); baseline bare commits {base_rate:.0f}/s; "
        f"ratio {rate / base_rate:.2f}x; target >= 200/s: {'met' if rate >= 200 else 'MISSED'}"
    )
    print(f"/pay/{{token}} -> 303: {len(lat)} links, p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
          f"baseline bare sessions.create p95 {b95:.1f} ms; ratio {p95 / b95:.2f}x; "
          f"target p95 <= 150 ms: {'met' if p95 <= 150 else 'MISSED'}")  # fmt: skip


def _wire(params: dict[str, Any]) -> dict[str, Any]:
    """The decoded form back into typed parameters (numbers as the client sends them)."""
    item = params["line_items"][0]
    return params | {
        "line_items": [
            {
                "quantity": int(item["quantity"]),
                "price_data": item["price_data"]
                | {"unit_amount": int(item["price_data"]["unit_amount"])},
            }
        ]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="an admin URL of a PostgreSQL server")
    parser.add_argument("--events", type=int, default=2000, help="webhook events (accounts)")
    parser.add_argument("--links", type=int, default=200, help="links opened for the latency")
    parser.add_argument("--concurrency", type=int, default=8, help="deliveries at a time")
    args = parser.parse_args()
    run(args.postgres, args.events, args.links, args.concurrency)


if __name__ == "__main__":
    main()
