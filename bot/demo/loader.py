"""``arbot demo``: loads the portfolio through the real CSV import, then adds the rest.

Invoices, customers and payments go through :func:`bot.imports.loader.import_file`, the
way an operator's ERP export would; promises, plans, disputes, escalations, conversations
and preferences are recorded with the statuses the policy gives them on ``today``.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from bot.db.models import (
    AuditEvent,
    Conversation,
    Dispute,
    Escalation,
    Installment,
    Message,
    PaymentPlan,
    Promise,
    VerificationAttempt,
)
from bot.demo.portfolio import (
    ACCOUNTS,
    DemoAccount,
    DemoPlan,
    account_number,
    customer_rows,
    day,
    history_invoices,
    invoice_rows,
    payment_rows,
)
from bot.errors import Conflict
from bot.imports.loader import import_file
from bot.policy.plans import PlanStatus, evaluate_plan, offer_plan
from bot.policy.promises import PromiseStatus, promise_status
from bot.policy.rules import Policy
from bot.repositories import accounts as accounts_repo
from bot.repositories import demo as demo_repo
from bot.repositories import handoff_summaries

CSV_FILES = (("customers", customer_rows), ("invoices", invoice_rows), ("payments", payment_rows))


def write_csv_files(folder: Path, today: date) -> dict[str, Path]:
    """Writes customers.csv, invoices.csv and payments.csv for ``today`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, build in CSV_FILES:
        rows = build(today)
        path = folder / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths[kind] = path
    return paths


def load_demo(
    session: Session, now: datetime, today: date, policy: Policy, *, only_if_empty: bool = False
) -> int:
    """Loads the portfolio into an empty database; returns the number of accounts loaded.

    With ``only_if_empty`` a database that already holds accounts is left alone (0 loaded).

    Raises:
        Conflict: when the database already holds accounts and ``only_if_empty`` is off.
    """
    with session.begin():
        existing = accounts_repo.count(session)
    if existing and only_if_empty:
        return 0
    if existing:
        raise Conflict(
            f"the database already holds {existing} accounts; the demo loads only into an empty one"
        )
    with tempfile.TemporaryDirectory(prefix="arbot-demo-") as folder:
        for kind, path in write_csv_files(Path(folder), today).items():
            import_file(session, kind, path, now=now)
    with session.begin():
        ids = demo_repo.account_ids(session, [account_number(a) for a in ACCOUNTS])
        for account in ACCOUNTS:
            _record_account_state(session, ids[account_number(account)], account, today, policy)
        session.add(
            AuditEvent(
                at=now,
                actor="system",
                entity="demo",
                entity_id="portfolio",
                action="loaded",
                detail=json.dumps({"accounts": len(ACCOUNTS), "today": today.isoformat()}),
            )
        )
    return len(ACCOUNTS)


def _at(today: date, offset: int) -> datetime:
    """A demo event's timestamp: 15:00 UTC on the day ``offset`` days from today."""
    return datetime.combine(day(today, offset), time(15, 0), timezone.utc)


def _payments(account: DemoAccount, today: date) -> list[tuple[date, Decimal]]:
    pays = [pay for _, pay in history_invoices(account)] + list(account.payments)
    return [(day(today, p.received), p.amount) for p in pays]


def _record_account_state(
    session: Session, account_id: int, account: DemoAccount, today: date, policy: Policy
) -> None:
    demo_repo.set_preferences(
        session,
        account_id,
        sms_opt_out=account.sms_opt_out,
        telegram_opt_out=account.telegram_opt_out,
        cease=account.cease,
    )
    payments = _payments(account, today)
    for spec in account.promises:
        created, due = day(today, spec.created), day(today, spec.due)
        status = promise_status(spec.amount, created, due, payments, today, policy)
        window_end = due + timedelta(days=policy.promise_grace_days)
        paid = sum((a for d, a in payments if created <= d <= window_end), Decimal("0.00"))
        resolved = status is not PromiseStatus.PENDING
        session.add(
            Promise(
                account_id=account_id,
                amount=spec.amount,
                due_date=due,
                status=status.value,
                channel=spec.channel,
                taken_by=spec.taken_by,
                amount_collected=min(paid, spec.amount),
                created_at=_at(today, spec.created),
                resolved_at=_at(today, min(spec.due + policy.promise_grace_days, 0))
                if resolved
                else None,
            )
        )
    if account.plan is not None:
        _record_plan(session, account_id, account.plan, today, policy, payments)
    _record_disputes(session, account_id, account, today)
    _record_escalations(session, account_id, account, today)


def _record_plan(
    session: Session,
    account_id: int,
    spec: DemoPlan,
    today: date,
    policy: Policy,
    payments: Sequence[tuple[date, Decimal]],
) -> None:
    start = day(today, spec.created)
    offer = offer_plan(spec.total, start, policy, months=spec.months)
    since = [(d, a) for d, a in payments if d >= start]
    statuses, status = evaluate_plan(offer.installments, since, today, policy)
    if spec.approval:
        status = PlanStatus.PENDING_APPROVAL
    plan = PaymentPlan(
        account_id=account_id,
        status=status.value,
        total=offer.total,
        down_payment=offer.down_payment,
        channel="sms",
        taken_by="bot",
        created_at=_at(today, spec.created),
    )
    plan.installments = [
        Installment(sequence=n, due_date=item.due_date, amount=item.amount, status=state.value)
        for n, (item, state) in enumerate(zip(offer.installments, statuses, strict=True))
    ]
    session.add(plan)


def _record_disputes(session: Session, account_id: int, account: DemoAccount, today: date) -> None:
    invoice_ids = demo_repo.invoice_ids(session, [number for number, _ in account.disputed])
    for number, reason in account.disputed:
        session.add(
            Dispute(
                reference=f"D-{account.number}",
                account_id=account_id,
                invoice_id=invoice_ids[number],
                reason=reason,
                description="Goods arrived damaged; photos sent to the driver.",
                status="open",
                created_at=_at(today, -6),
            )
        )


def _record_escalations(
    session: Session, account_id: int, account: DemoAccount, today: date
) -> None:
    """Conversations (for bot containment) and the escalations some of them opened."""
    pending = list(account.escalations)
    for days_ago, escalated in account.conversations:
        started = _at(today, -days_ago)
        conversation = Conversation(
            channel="telegram" if account.telegram else "sms",
            sender=account.telegram or account.phone,
            account_id=account_id,
            started_at=started,
            last_message_at=started + timedelta(minutes=4),
            ended_at=started + timedelta(minutes=34),
            escalated=escalated,
        )
        conversation.messages = [
            _message(conversation, "in", "customer", "how much do i owe", started),
            _message(
                conversation,
                "out",
                "bot",
                "Please confirm your account number and billing ZIP code.",
                started + timedelta(seconds=2),
            ),
        ]
        session.add(conversation)
        if not escalated:  # the customer went on to verify (right-party contact, SPEC §13)
            session.add(
                VerificationAttempt(
                    channel=conversation.channel, sender=conversation.sender,
                    account_id=account_id, succeeded=True, at=started + timedelta(minutes=1),
                )
            )  # fmt: skip
        if escalated and pending:
            reason, status = pending.pop(0)
            _add_escalation(session, _escalation(account_id, reason, status, started, conversation))
    for reason, status in pending:
        _add_escalation(session, _escalation(account_id, reason, status, _at(today, -1), None))


def _add_escalation(session: Session, escalation: Escalation) -> None:
    """Adds a demo case with the handoff summary it would have had when it opened."""
    session.add(escalation)
    session.flush()
    handoff_summaries.attach(session, escalation, escalation.created_at)


def _message(
    conversation: Conversation, direction: str, author: str, body: str, at: datetime
) -> Message:
    return Message(
        channel=conversation.channel,
        direction=direction,
        author=author,
        address=conversation.sender,
        body=body,
        created_at=at,
    )


def _escalation(
    account_id: int, reason: str, status: str, at: datetime, conversation: Conversation | None
) -> Escalation:
    return Escalation(
        account_id=account_id,
        conversation=conversation,
        reason=reason,
        status=status,
        created_at=at,
        claimed_at=at + timedelta(minutes=20) if status in ("claimed", "resolved") else None,
        resolved_at=at + timedelta(hours=2) if status == "resolved" else None,
    )
