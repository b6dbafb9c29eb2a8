"""A seeded portfolio for ``bench/reminders_pass.py``, written with Core ``executemany``.

Accounts in four US zones and an unknown one, each with a phone (a tenth also a Telegram
chat), mostly with SMS consent, a few opted out or ceased. Invoices are spread from 90
days past due to 20 days ahead; about 15 % are paid in full and 5 % in part (payments
applied to them), 1 % credited, 2 % disputed. A twentieth of the accounts has a pending
promise, a fiftieth an active plan, a fiftieth an open escalation. Yesterday's dunning
messages are on record, so a pass today is an ordinary day's pass, not a first catch-up.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from bot.db.models import (
    Account,
    Base,
    Contact,
    ContactAttempt,
    ContactPreference,
    Credit,
    Dispute,
    Escalation,
    Installment,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentPlan,
    Promise,
)
from bot.policy.reminder_cadence import dunning_step
from bot.repositories.ledger import table

ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", None)
SEED = 20261122
#: what happens to an invoice: the first state whose bound exceeds a uniform draw
STATES = (
    (0.15, "paid"),
    (0.20, "partly_paid"),
    (0.21, "credited"),
    (0.23, "disputed"),
    (1.0, "open"),
)


def build_portfolio(engine: Engine, accounts: int, invoices: int, now: datetime) -> None:
    """Writes the portfolio into the migrated, empty database of ``engine``."""
    rng = random.Random(SEED)
    today = now.date()
    with engine.begin() as connection:
        ids = _accounts(connection, rng, accounts, now)
        invoice_rows = _invoices(connection, rng, ids, invoices, today, now)
        _payments(connection, rng, invoice_rows, today, now)
        _promises_plans_escalations(connection, rng, ids, today, now)
        _history(connection, invoice_rows, today, now)


def _write(connection: Connection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table(model)), list(rows))


def _ids(connection: Connection, model: type[Base]) -> list[int]:
    return list(connection.scalars(select(table(model).c.id).order_by(table(model).c.id)))


def _accounts(connection: Connection, rng: random.Random, count: int, now: datetime) -> list[int]:
    rows = [
        {
            "account_number": f"B{n:07d}",
            "name": f"Customer {n}",
            "postal_code": f"{10000 + n % 89999}",
            "timezone": rng.choice(ZONES),
            "language": "en",
            "consumer": rng.random() < 0.3,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    _write(connection, Account, rows)
    ids = _ids(connection, Account)
    contacts = [{"account_id": a, "channel": "sms", "address": f"+1617{a:07d}"} for a in ids]
    contacts += [
        {"account_id": a, "channel": "telegram", "address": f"{900000 + a}"}
        for a in ids
        if rng.random() < 0.1
    ]
    _write(connection, Contact, contacts)
    preferences = [
        {
            "account_id": a,
            "sms_consent": rng.random() < 0.85,
            "sms_opt_out": rng.random() < 0.03,
            "telegram_opt_out": rng.random() < 0.01,
            "cease": rng.random() < 0.01,
            "updated_at": now,
        }
        for a in ids
    ]
    _write(connection, ContactPreference, preferences)
    return ids


def _invoices(
    connection: Connection,
    rng: random.Random,
    accounts: Sequence[int],
    count: int,
    today: date,
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for n in range(count):
        due = today + timedelta(days=rng.randint(-90, 20))
        amount = Decimal(rng.randint(5_000, 500_000)) / 100
        draw = rng.random()
        rows.append(
            {
                "state": next(state for limit, state in STATES if draw < limit),
                "invoice_number": f"N{n:08d}",
                "account_id": accounts[n % len(accounts)]
                if n < len(accounts)
                else rng.choice(accounts),
                "issue_date": due - timedelta(days=30),
                "due_date": due,
                "amount": amount,
                "currency": "USD",
                "open_amount": amount,
                "created_at": now,
                "updated_at": now,
            }
        )
    _write(connection, Invoice, [{k: v for k, v in row.items() if k != "state"} for row in rows])
    for row, id_ in zip(rows, _ids(connection, Invoice), strict=True):
        row["id"] = id_
    return rows


def _payments(
    connection: Connection,
    rng: random.Random,
    invoices: Sequence[dict[str, Any]],
    today: date,
    now: datetime,
) -> None:
    """Payments applied in full or in part, credits and disputes on some invoices."""
    paid, credits, disputes = [], [], []
    for invoice in invoices:
        if invoice["state"] in ("paid", "partly_paid"):
            share = Decimal(1) if invoice["state"] == "paid" else Decimal("0.5")
            paid.append((invoice, (invoice["amount"] * share).quantize(Decimal("0.01"))))
        elif invoice["state"] == "credited":
            credits.append(
                {
                    "invoice_id": invoice["id"],
                    "amount": Decimal("10.00"),
                    "credit_date": today,
                    "reason": "write_off",
                    "created_at": now,
                }
            )
        elif invoice["state"] == "disputed":
            disputes.append(
                {
                    "reference": f"D-{invoice['id']}",
                    "account_id": invoice["account_id"],
                    "invoice_id": invoice["id"],
                    "reason": "wrong_amount",
                    "description": "",
                    "status": "open",
                    "created_at": now,
                }
            )
    payments = [
        {
            "payment_id": f"P{invoice['id']:08d}",
            "account_id": invoice["account_id"],
            "received_date": today - timedelta(days=rng.randint(1, 30)),
            "amount": amount,
            "invoice_number": invoice["invoice_number"],
            "method": "ach",
            "unapplied_amount": Decimal("0.00"),
            "created_at": now,
        }
        for invoice, amount in paid
    ]
    _write(connection, Payment, payments)
    applications = [
        {"payment_id": payment_id, "invoice_id": invoice["id"], "amount": amount}
        for payment_id, (invoice, amount) in zip(_ids(connection, Payment), paid, strict=True)
    ]
    _write(connection, PaymentApplication, applications)
    _write(connection, Credit, credits)
    _write(connection, Dispute, disputes)


def _promises_plans_escalations(
    connection: Connection, rng: random.Random, accounts: Sequence[int], today: date, now: datetime
) -> None:
    promises, plans, escalations = [], [], []
    for account_id in accounts:
        draw = rng.random()
        if draw < 0.05:
            promises.append(
                {
                    "account_id": account_id,
                    "amount": Decimal("100.00"),
                    "due_date": today + timedelta(days=rng.randint(0, 10)),
                    "status": "pending",
                    "channel": "sms",
                    "taken_by": "bot",
                    "amount_collected": Decimal("0.00"),
                    "created_at": now - timedelta(days=2),
                }
            )
        elif draw < 0.07:
            plans.append(
                {
                    "account_id": account_id,
                    "status": "active",
                    "total": Decimal("300.00"),
                    "down_payment": Decimal("30.00"),
                    "channel": "sms",
                    "taken_by": "bot",
                    "created_at": now - timedelta(days=5),
                }
            )
        elif draw < 0.09:
            escalations.append(
                {
                    "account_id": account_id,
                    "reason": "customer_request",
                    "status": "open",
                    "note": "",
                    "created_at": now,
                }
            )
    _write(connection, Promise, promises)
    _write(connection, PaymentPlan, plans)
    _write(connection, Escalation, escalations)
    installments = [
        {
            "plan_id": plan_id,
            "sequence": k,
            "due_date": today + timedelta(days=2 + 30 * k),
            "amount": Decimal("30.00") if k == 0 else Decimal("135.00"),
            "status": "scheduled",
        }
        for plan_id in _ids(connection, PaymentPlan)
        for k in range(3)
    ]
    _write(connection, Installment, installments)


def _history(
    connection: Connection, invoices: Sequence[dict[str, Any]], today: date, now: datetime
) -> None:
    """Yesterday's dunning sends: the step each account was on then went out then.

    So the portfolio is in its steady state: today's pass sends only the steps that come
    due today (and the promise and installment reminders), as on any ordinary day.
    """
    yesterday = today - timedelta(days=1)
    oldest: dict[int, dict[str, Any]] = {}
    for invoice in invoices:
        if invoice["state"] in ("paid", "disputed"):
            continue
        known = oldest.get(invoice["account_id"])
        if known is None or (invoice["due_date"], invoice["invoice_number"]) < (
            known["due_date"],
            known["invoice_number"],
        ):
            oldest[invoice["account_id"]] = invoice
    rows = []
    for account_id, invoice in sorted(oldest.items()):
        step = dunning_step(invoice["invoice_number"], invoice["due_date"], yesterday)
        if step is None:
            continue
        rows.append(
            {
                "account_id": account_id,
                "channel": "sms",
                "kind": "dunning",
                "target": step.target,
                "local_date": yesterday,
                "idempotency_key": f"{account_id}:dunning:{step.target}:{yesterday.isoformat()}",
                "template": step.template,
                "status": "sent",
                "created_at": now - timedelta(days=1),
            }
        )
    _write(connection, ContactAttempt, rows)
