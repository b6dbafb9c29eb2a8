"""Benchmark of the integration API (SPEC §15) on PostgreSQL: ingestion over HTTP and the feed.

In a scratch database next to ``--postgres URL`` (dropped afterwards), migrated, with
``--customers`` accounts imported from CSV:

1. serves the web app as ``arbot run`` does (uvicorn, ``bot.web.app:create_app``) in a
   subprocess, and posts ``--invoices`` invoices to ``POST /api/v1/invoices`` in batches
   of ``--batch`` over one keep-alive HTTP connection, with an integration token;
   prints invoices per minute (target: ≥ 100,000);
2. imports as many other invoices from a CSV file with ``arbot import``'s function, in the
   same database, and prints its rate beside the API's;
3. posts ``--payments`` payments through ``POST /api/v1/payments`` (each one a
   ``payment.received`` event of the feed), then reads the whole feed back with
   ``GET /api/v1/events?limit=1000`` page by page and prints events per second
   (target: ≥ 5,000).

Usage::

    .venv/app/bin/python bench/api_ingest.py \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.import_invoices import scratch_postgres  # noqa: E402
from bot.db.engine import make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.imports.loader import import_file  # noqa: E402
from bot.services import api_tokens  # noqa: E402
from bot.services.users import add_user  # noqa: E402

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
#: invoices of the six weeks before NOW, as a nightly ERP sync sends them (few past due)
START = date(2026, 10, 26)


def invoice(rng: random.Random, prefix: str, n: int, customers: int) -> dict[str, str]:
    issued = START + timedelta(days=rng.randrange(42))
    return {
        "invoice_number": f"{prefix}{n:08d}",
        "account_number": f"C{rng.randrange(customers):06d}",
        "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=rng.choice((30, 45, 60)))).isoformat(),
        "amount": f"{rng.randint(5000, 500000) / 100:.2f}",
        "currency": "USD",
    }


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def seed(engine: Engine, folder: Path, customers: int) -> str:
    """Migrates, imports the customers and returns an integration token."""
    upgrade(engine)
    sessions = make_session_factory(engine)
    rows = [
        {"account_number": f"C{n:06d}", "name": f"Customer {n}", "postal_code": "02110"}
        for n in range(customers)
    ]
    with sessions() as session:
        import_file(session, "customers", write_csv(folder / "customers.csv", rows), now=NOW)
    with sessions() as session:
        add_user(session, "erp@example.com", "integration", NOW, "bench-password-1")
    with sessions() as session:
        return api_tokens.issue(session, "erp@example.com", NOW)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(database_url: str) -> Iterator[str]:
    """The web app under uvicorn, as ``arbot run`` starts it; its base URL."""
    port = free_port()
    env = {**os.environ, "ARBOT_DATABASE_URL": database_url}
    env.pop("ARBOT_NOW", None)  # a moving clock, as in production
    argv = [sys.executable, "-m", "uvicorn", "--factory", "bot.web.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--ws", "none"]  # fmt: skip
    server = subprocess.Popen(argv, env=env)  # noqa: S603 - our own interpreter and app
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def post_batches(
    client: httpx.Client, kind: str, rows: list[dict[str, Any]], batch: int, clients: int = 1
) -> float:
    """Posts ``rows`` in batches, ``clients`` requests at a time; the seconds it took."""

    def post(start: int) -> None:
        response = client.post(f"/api/v1/{kind}", json=rows[start : start + batch])
        if response.status_code != 200:
            raise SystemExit(f"{kind} batch at {start}: {response.status_code} {response.text}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, range(0, len(rows), batch)))
    return time.perf_counter() - started


def read_feed(client: httpx.Client) -> tuple[int, float]:
    """Reads the whole feed a page of 1,000 at a time; (events, seconds)."""
    after, count = 0, 0
    started = time.perf_counter()
    while True:
        page = client.get("/api/v1/events", params={"after": after, "limit": 1000}).json()
        if not page["events"]:
            return count, time.perf_counter() - started
        count += len(page["events"])
        after = page["next"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", required=True)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=1, help="requests in flight at once")
    args = parser.parse_args()
    rng = random.Random(20261207)
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres(args.postgres) as engine:
        folder = Path(tmp)
        token = seed(engine, folder, args.customers)
        api_rows = [invoice(rng, "API", n, args.customers) for n in range(args.invoices)]
        csv_rows = [invoice(rng, "CSV", n, args.customers) for n in range(args.invoices)]
        payments = [
            {"payment_id": f"PAY{n:08d}", "account_number": f"C{rng.randrange(args.customers):06d}",
             "received_date": "2026-12-01", "amount": f"{rng.randint(100, 50000) / 100:.2f}",
             "method": "ach"}
            for n in range(args.payments)
        ]  # fmt: skip
        url = engine.url.render_as_string(hide_password=False)
        headers = {"authorization": f"Bearer {token}"}
        with served(url) as base, httpx.Client(base_url=base, headers=headers, timeout=120) as c:
            api_seconds = post_batches(c, "invoices", api_rows, args.batch, args.clients)
            path = write_csv(folder / "invoices.csv", csv_rows)
            sessions = make_session_factory(engine)
            started = time.perf_counter()
            with sessions() as session:
                import_file(session, "invoices", path, now=NOW)
            csv_seconds = time.perf_counter() - started
            pay_seconds = post_batches(c, "payments", payments, args.batch, args.clients)
            events, feed_seconds = read_feed(c)
        per_min = args.invoices / api_seconds * 60
        print(f"PostgreSQL, {args.customers:,} customers; batches of {args.batch:,} over HTTP,"
              f" {args.clients} request(s) in flight")  # fmt: skip
        verdict = "met" if per_min >= 100_000 else "MISSED"
        print(f"API   invoices: {args.invoices:,} in {api_seconds:.1f} s = {per_min:,.0f}/min"
              f"  (target >= 100,000/min: {verdict})")  # fmt: skip
        print(
            f"CSV   invoices: {args.invoices:,} in {csv_seconds:.1f} s ="
            f" {args.invoices / csv_seconds * 60:,.0f}/min (arbot import, same database)"
        )
        print(
            f"API   payments: {args.payments:,} in {pay_seconds:.1f} s ="
            f" {args.payments / pay_seconds * 60:,.0f}/min (applied, one event each)"
        )
        rate = events / feed_seconds
        print(f"feed: {events:,} events in {feed_seconds:.2f} s = {rate:,.0f} events/s"
              f"  (target >= 5,000/s: {'met' if rate >= 5_000 else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
