"""Benchmark of the CSV import (SPEC §4) against a bare insert measured in the same run.

Generates a portfolio (customers, invoices, payments) as CSV files in a temporary folder,
imports them with :func:`bot.imports.loader.import_file` into a fresh, migrated database, and
prints rows per second per file. The machine may be shared and noisy, so the invoices figure
is also given as a ratio against a baseline timed in the same run on the same database: a
bare ``csv`` read of the same invoices file and one SQLAlchemy Core ``executemany`` insert
into an empty copy of the invoices table (no validation, no lookups of existing rows).
Finally the three files are imported again, which must change nothing.

Usage::

    .venv/app/bin/python bench/import_invoices.py --invoices 100000
    .venv/app/bin/python bench/import_invoices.py --customers 40000 --invoices 100000 \\
        --payments 30000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With ``--postgres URL`` the same run is repeated on PostgreSQL in a scratch database created
next to URL's database and dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Column, Engine, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Account, Invoice  # noqa: E402
from bot.imports.loader import ImportReport, import_file  # noqa: E402

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
START = date(2025, 1, 1)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "")


def write_portfolio(folder: Path, customers: int, invoices: int, payments: int) -> dict[str, Path]:
    """Writes customers.csv, invoices.csv and payments.csv with seeded random data."""
    rng = random.Random(20260301)
    paths = {kind: folder / f"{kind}.csv" for kind in ("customers", "invoices", "payments")}
    with _writer(paths["customers"]) as out:
        out.writerow(["account_number", "name", "postal_code", "phone", "email", "timezone"])
        for n in range(customers):
            zone = rng.choice(ZONES)
            out.writerow(
                [
                    f"C{n:07d}",
                    f"Customer {n}",
                    f"{rng.randint(10000, 99999)}",
                    f"+1{rng.randint(2000000000, 9999999999)}",
                    f"ap{n}@example.com",
                    zone,
                ]
            )
    owner: list[tuple[str, str]] = []
    with _writer(paths["invoices"]) as out:
        out.writerow(["invoice_number", "account_number", "issue_date", "due_date", "amount"])
        for n in range(invoices):
            account = f"C{rng.randrange(customers):07d}"
            issued = START + timedelta(days=rng.randrange(420))
            due = issued + timedelta(days=rng.choice((15, 30, 45, 60)))
            amount = f"{rng.randint(5000, 500000) / 100:.2f}"
            out.writerow([f"INV{n:08d}", account, issued.isoformat(), due.isoformat(), amount])
            owner.append((f"INV{n:08d}", account))
    with _writer(paths["payments"]) as out:
        out.writerow(
            ["payment_id", "account_number", "received_date", "amount", "invoice_number", "method"]
        )
        for n in range(payments):
            number, account = rng.choice(owner)
            named = number if rng.random() < 0.5 else ""
            received = START + timedelta(days=rng.randrange(60, 420))
            amount = f"{rng.randint(1000, 400000) / 100:.2f}"
            out.writerow([f"PAY{n:08d}", account, received.isoformat(), amount, named, "ach"])
    return paths


@contextmanager
def _writer(path: Path) -> Iterator[csv.Writer]:  # type: ignore[name-defined]
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield csv.writer(handle, lineterminator="\n")


def bare_insert_seconds(engine: Engine, invoices_csv: Path) -> float:
    """Reads the invoices file with ``csv`` and inserts it with one Core executemany.

    The target is an empty copy of the invoices table (same columns, unique invoice number,
    same index); account ids come from one query. It is dropped afterwards.
    """
    metadata = MetaData()
    copy = Table(
        "bench_invoices",
        metadata,
        *(
            Column(c.name, c.type, primary_key=c.primary_key, unique=c.unique, nullable=c.nullable)
            for c in Invoice.__table__.columns
        ),
    )
    metadata.create_all(engine)
    try:
        started = time.perf_counter()
        with engine.begin() as connection:
            query = select(Account.account_number, Account.id)
            ids = {number: id_ for number, id_ in connection.execute(query)}
            with invoices_csv.open(encoding="utf-8", newline="") as handle:
                rows = [
                    {
                        "invoice_number": r["invoice_number"],
                        "account_id": ids[r["account_number"]],
                        "issue_date": date.fromisoformat(r["issue_date"]),
                        "due_date": date.fromisoformat(r["due_date"]),
                        "amount": Decimal(r["amount"]),
                        "currency": "USD",
                        "open_amount": Decimal(r["amount"]),
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for r in csv.DictReader(handle)
                ]
            connection.execute(insert(copy), rows)
        return time.perf_counter() - started
    finally:
        metadata.drop_all(engine)


def run(engine: Engine, paths: dict[str, Path], label: str) -> None:
    """Imports the three files, times the baseline, then imports them again."""
    print(f"== {label}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    timings: dict[str, tuple[ImportReport, float]] = {}
    for kind, path in paths.items():
        with sessions() as session:
            timings[kind] = _timed(session, kind, path)
    baseline = bare_insert_seconds(engine, paths["invoices"])
    for kind, (report, seconds) in timings.items():
        line = (
            f"{kind}: {report.rows} rows in {seconds:.1f} s = {report.rows / seconds:,.0f} "
            f"rows/s ({report.inserted} new)"
        )
        if kind == "invoices":
            line += f"; baseline bare insert {baseline:.1f} s; ratio {seconds / baseline:.1f}x"
        print(line)
    for kind, path in paths.items():
        with sessions() as session:
            report, seconds = _timed(session, kind, path)
        assert report.inserted == report.updated == 0, report  # noqa: S101 - a bench self-check
        print(f"re-import {kind}: {report.rows} rows unchanged in {seconds:.1f} s")


def _timed(session: Session, kind: str, path: Path) -> tuple[ImportReport, float]:
    started = time.perf_counter()
    report = import_file(session, kind, path, now=NOW)
    return report, time.perf_counter() - started


@contextmanager
def scratch_postgres(url: str) -> Iterator[Engine]:
    """A new database on the server of ``url``, dropped afterwards."""
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    name = f"arbot_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=40_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=30_000)
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL at URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as folder:
        paths = write_portfolio(Path(folder), args.customers, args.invoices, args.payments)
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        try:
            run(engine, paths, "SQLite")
        finally:
            engine.dispose()
        if args.postgres:
            with scratch_postgres(args.postgres) as pg:
                run(pg, paths, "PostgreSQL")


if __name__ == "__main__":
    main()
