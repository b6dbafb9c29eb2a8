"""A seeded AR ledger of a million invoices for ``bench/reports_scale.py``, loaded with COPY.

Eighteen months of history: invoices issued every day on net 15 to 60 terms to 25,000
accounts, each account a payer of one kind (prompt, slow, late, or bad — and some bad
ones never pay), so the old invoices are mostly paid and the open ones spread over every
aging bucket. A customer's invoices paid on the same day share one payment (a remittance
applied to each); a few are paid in two halves a month apart. About 1 % of the invoices
carry a credit and 1 % a dispute. Promises to pay over the last 200 days (kept, broken,
cancelled) and the next 14 (pending), and conversations over the last 200 days, a fifth
of them escalated, so every KPI has data. ``Invoice.open_amount`` is kept as the services
keep it: amount less everything applied and credited.

Rows are built as COPY text (money in integer cents, days as offsets from today) and get
their ids here, so nothing is read back; the sequences are moved past them at the end.
PostgreSQL only (COPY through psycopg).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from psycopg import sql
from sqlalchemy import Engine

SEED = 20261122
ACCOUNTS = 25_000
HISTORY_DAYS = 540
TERMS = (15, 30, 30, 30, 45, 60)
#: payer kind: (share of accounts, days late when paying (low, high), share never paying)
PAYERS = (
    (0.60, (-5, 10), 0.0),
    (0.25, (5, 50), 0.0),
    (0.10, (30, 120), 0.02),
    (0.05, (60, 240), 0.30),
)
COLUMNS = {
    "accounts": (
        *("id", "account_number", "name", "postal_code", "language", "consumer"),
        *("created_at", "updated_at"),
    ),
    "invoices": (
        *("id", "invoice_number", "account_id", "issue_date", "due_date", "amount"),
        *("currency", "open_amount", "created_at", "updated_at"),
    ),
    "payments": (
        *("id", "payment_id", "account_id", "received_date", "amount", "method"),
        *("unapplied_amount", "created_at"),
    ),
    "payment_applications": ("id", "payment_id", "invoice_id", "amount"),
    "credits": ("id", "invoice_id", "amount", "credit_date", "reason", "created_at"),
    "disputes": (
        *("id", "reference", "account_id", "invoice_id", "reason", "description", "status"),
        "created_at",
    ),
    "promises": (
        *("id", "account_id", "amount", "due_date", "status", "channel", "taken_by"),
        *("amount_collected", "created_at"),
    ),
    "conversations": (
        *("id", "channel", "sender", "account_id", "started_at", "last_message_at"),
        "escalated",
    ),
}


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high]: ``randint`` without its checks, a million times over."""
    return low + int(rng.random() * (high - low + 1))


def money(cents: int) -> str:
    """Integer cents as COPY text of a Numeric(14, 2)."""
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass
class Ledger:
    """COPY text lines per table, and the running ids."""

    today: date
    stamp: str
    lines: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in COLUMNS})
    payments: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    days: dict[int, str] = field(default_factory=dict)

    def day(self, offset: int) -> str:
        """The ISO date ``offset`` days from today (cached: a few hundred distinct days)."""
        text = self.days.get(offset)
        if text is None:
            text = self.days[offset] = (self.today + timedelta(days=offset)).isoformat()
        return text

    def add(self, table: str, *fields: object) -> int:
        """Appends a row whose id is the next one of ``table``; returns that id."""
        rows = self.lines[table]
        row_id = len(rows) + 1
        rows.append("\t".join([str(row_id), *map(str, fields)]) + "\n")
        return row_id


def build_ledger(invoices: int, now: datetime) -> Ledger:
    """Every row of the portfolio as of ``now``, seeded (the same figures on every run)."""
    rng = random.Random(SEED)
    ledger = Ledger(today=now.date(), stamp=now.isoformat())
    accounts = min(ACCOUNTS, max(1, invoices // 10))
    for a in range(1, accounts + 1):
        postal_code = 10000 + a % 89999
        ledger.add(
            "accounts", f"R{a:07d}", f"Customer {a}", postal_code, "en", "f", *[ledger.stamp] * 2
        )
    kinds = [_payer(rng) for _ in range(accounts)]
    for n in range(1, invoices + 1):
        _invoice(ledger, rng, n, between(rng, 1, accounts), kinds)
    for (account, received), (_, cents) in ledger.payments.items():  # ids in this same order
        day = ledger.day(received)
        ledger.add(
            "payments",
            f"RP{account}-{day}",
            account,
            day,
            money(cents),
            "ach",
            "0.00",
            ledger.stamp,
        )
    _promises(ledger, rng, accounts)
    _conversations(ledger, rng, accounts, invoices // 5)
    return ledger


def _payer(rng: random.Random) -> int:
    draw, bound = rng.random(), 0.0
    for kind, (share, _, _) in enumerate(PAYERS):
        bound += share
        if draw < bound:
            return kind
    return len(PAYERS) - 1


def _invoice(ledger: Ledger, rng: random.Random, n: int, account: int, kinds: list[int]) -> None:
    """One invoice with whatever was paid, credited or disputed on it by today (offset 0)."""
    issued = -between(rng, 0, HISTORY_DAYS)
    due = issued + rng.choice(TERMS)
    amount = owed = between(rng, 2_000, 900_000)
    if rng.random() < 0.01:
        credit = amount // 20
        day = ledger.day(min(0, issued + between(rng, 5, 60)))
        ledger.add("credits", n, money(credit), day, "adjustment", ledger.stamp)
        owed -= credit
    _, (low, high), never = PAYERS[kinds[account - 1]]
    paid_on = due + between(rng, low, high)
    if rng.random() >= never and paid_on <= 0:
        if rng.random() < 0.05:  # half now, the rest a month later (if that has come)
            owed -= _apply(ledger, n, account, paid_on, owed // 2)
            paid_on += 30
        if paid_on <= 0:
            owed -= _apply(ledger, n, account, paid_on, owed)
    if rng.random() < 0.01:
        status = "open" if owed > 0 and due > -60 else "rejected"
        ledger.add("disputes", f"RD-{n}", account, n, "wrong_amount", "", status, ledger.stamp)
    ledger.lines["invoices"].append(
        f"{n}\tR{n:08d}\t{account}\t{ledger.day(issued)}\t{ledger.day(due)}\t{money(amount)}"
        f"\tUSD\t{money(owed)}\t{ledger.stamp}\t{ledger.stamp}\n"
    )


def _apply(ledger: Ledger, invoice: int, account: int, day: int, cents: int) -> int:
    """Applies ``cents`` from the account's payment of ``day`` (one remittance a day)."""
    payment = ledger.payments.setdefault((account, day), [len(ledger.payments) + 1, 0])
    payment[1] += cents
    ledger.add("payment_applications", payment[0], invoice, money(cents))
    return cents


def _promises(ledger: Ledger, rng: random.Random, accounts: int) -> None:
    for _ in range(accounts * 2):
        due = between(rng, -200, 14)
        amount = between(rng, 5_000, 200_000)
        if due >= 0:
            status = "pending"
        else:
            draw = rng.random()
            status = "kept" if draw < 0.55 else "broken" if draw < 0.9 else "cancelled"
        channel = rng.choice(("sms", "sms", "telegram", "web", "phone"))
        taker = "collector" if channel == "phone" or rng.random() < 0.2 else "bot"
        collected = money(amount if status == "kept" else 0)
        created = f"{ledger.day(due - between(rng, 1, 10))} 15:00:00+00:00"
        fields = (ledger.day(due), status, channel, taker, collected, created)
        ledger.add("promises", between(rng, 1, accounts), money(amount), *fields)


def _conversations(ledger: Ledger, rng: random.Random, accounts: int, count: int) -> None:
    start = datetime.combine(ledger.today - timedelta(days=200), datetime.min.time(), timezone.utc)
    for n in range(1, count + 1):
        started = start + timedelta(seconds=between(rng, 0, 201 * 86_400 - 1))
        account = between(rng, 1, accounts) if rng.random() < 0.9 else "\\N"
        last = started + timedelta(minutes=between(rng, 1, 30))
        escalated = "t" if rng.random() < 0.2 else "f"
        ledger.add("conversations", "sms", f"+1617{n:07d}", account, started, last, escalated)


def _chunks(lines: list[str], size: int = 50_000) -> Iterator[str]:
    for start in range(0, len(lines), size):
        yield "".join(lines[start : start + size])


def load(engine: Engine, ledger: Ledger) -> dict[str, int]:
    """COPYs ``ledger`` into the migrated, empty database of ``engine``; rows per table."""
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        if connection is None:
            raise RuntimeError("no psycopg connection under the engine")
        with connection.cursor() as cursor:
            # the rows are consistent by construction: skip the per-row foreign key triggers
            cursor.execute("SET session_replication_role = replica")
            for name, lines in ledger.lines.items():
                columns = COLUMNS[name]
                copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with cursor.copy(copy_sql) as copy:
                    for chunk in _chunks(lines):
                        copy.write(chunk)
                cursor.execute(
                    sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), {}, false)").format(
                        sql.Literal(name), sql.Literal(len(lines) + 1)
                    )
                )
        raw.commit()
    finally:
        raw.close()
    return {name: len(lines) for name, lines in ledger.lines.items()}
