"""The reads behind the handoff summary, and storing it on the escalation (SPEC §13).

:func:`attach` is called by :func:`bot.repositories.escalations.open_or_reuse` when it
opens a case — the one place every escalation is created, whatever opened it (a chat, the
daily review, a verification lock, a dispute, a payment reversal) — so every case carries
a summary made when it opened. The composition is :func:`bot.policy.handoff_summary.compose`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Conversation,
    Dispute,
    Escalation,
    Installment,
    Invoice,
    Message,
    PaymentPlan,
    Promise,
    VerificationAttempt,
)
from bot.db.types import as_decimal
from bot.policy.handoff_summary import (
    AccountFacts,
    CustomerMessage,
    EarlierCase,
    SummaryFacts,
    compose,
)

#: how many inbound messages of the conversation are read for the intents
MESSAGES_READ = 50


def attach(
    session: Session,
    escalation: Escalation,
    now: datetime,
    dialogue_intents: Sequence[str] | None = None,
) -> None:
    """Makes the escalation's summary now and stores it on the row (flushed by the caller).

    ``dialogue_intents``: the dialogue engine's intents of the conversation, in order, when
    a chat turn opened the case (otherwise they are read from the stored messages)."""
    found = facts(session, escalation, now)
    if dialogue_intents is not None:
        found = replace(found, dialogue_intents=tuple(dialogue_intents))
    escalation.summary = json.dumps(compose(found))


def facts(session: Session, escalation: Escalation, now: datetime) -> SummaryFacts:
    """Everything the summary of ``escalation`` is composed from, as of ``now``."""
    conversation = (
        None if escalation.conversation_id is None
        else session.get(Conversation, escalation.conversation_id)
    )  # fmt: skip
    verified = conversation is not None and _verified(session, conversation, escalation.account_id)
    allowed = verified and escalation.account_id is not None
    account = _account_facts(session, escalation, now) if allowed else None
    return SummaryFacts(
        reason=escalation.reason,
        verified=verified,
        account_facts_allowed=allowed,
        messages=() if conversation is None else _messages(session, conversation.id),
        account=account,
        sender_earlier=_sender_earlier(session, escalation),
    )


def _verified(session: Session, conversation: Conversation, account_id: int | None) -> bool:
    if account_id is None:
        return False
    query = select(
        exists().where(
            VerificationAttempt.channel == conversation.channel,
            VerificationAttempt.sender == conversation.sender,
            VerificationAttempt.account_id == account_id,
            VerificationAttempt.succeeded.is_(True),
            VerificationAttempt.at >= conversation.started_at,
        )
    )
    return bool(session.scalar(query))


def _messages(session: Session, conversation_id: int) -> tuple[CustomerMessage, ...]:
    query = (
        select(Message.created_at, Message.body)
        .where(Message.conversation_id == conversation_id, Message.direction == "in")
        .order_by(Message.id.desc())
        .limit(MESSAGES_READ)
    )
    return tuple(CustomerMessage(at, body) for at, body in reversed(session.execute(query).all()))


def _earlier(rows: object) -> tuple[EarlierCase, ...]:
    return tuple(EarlierCase(*row) for row in rows)  # type: ignore[attr-defined]


def _sender_earlier(session: Session, escalation: Escalation) -> tuple[EarlierCase, ...]:
    if escalation.channel is None or escalation.address is None:
        return ()
    query = select(
        Escalation.id, Escalation.reason, Escalation.status, Escalation.created_at
    ).where(
        Escalation.id != escalation.id,
        Escalation.account_id.is_(None),
        Escalation.channel == escalation.channel,
        Escalation.address == escalation.address,
    )
    return _earlier(session.execute(query))


def _account_facts(session: Session, escalation: Escalation, now: datetime) -> AccountFacts:
    account_id = escalation.account_id
    account = session.get(Account, account_id)
    assert account is not None  # noqa: S101 - the escalation's foreign key
    today = now.date()
    disputed = exists().where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
    balance, past_due = session.execute(
        select(
            func.sum(Invoice.open_amount),
            func.sum(Invoice.open_amount).filter(Invoice.due_date < today, ~disputed),
        ).where(Invoice.account_id == account_id)
    ).one()
    promise = session.execute(
        select(Promise.amount, Promise.due_date)
        .where(Promise.account_id == account_id, Promise.status == "pending")
        .order_by(Promise.due_date, Promise.id).limit(1)
    ).first()  # fmt: skip
    disputes = session.execute(
        select(Dispute.reference, Invoice.invoice_number, Dispute.reason)
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(Dispute.account_id == account_id, Dispute.status == "open")
        .order_by(Dispute.id)
    )
    earlier = session.execute(
        select(Escalation.id, Escalation.reason, Escalation.status, Escalation.created_at).where(
            Escalation.account_id == account_id, Escalation.id != escalation.id
        )
    )
    return AccountFacts(
        account_number=account.account_number,
        balance=as_decimal(balance),
        past_due=as_decimal(past_due),
        pending_promise=None if promise is None else (as_decimal(promise[0]), promise[1]),
        plan=_plan(session, account_id),
        open_disputes=tuple(
            {"reference": r, "invoice_number": n, "reason": why} for r, n, why in disputes
        ),
        earlier=_earlier(earlier),
    )


def _plan(session: Session, account_id: int | None) -> dict[str, str] | None:
    plan = session.scalar(
        select(PaymentPlan)
        .where(PaymentPlan.account_id == account_id,
               PaymentPlan.status.in_(("pending_approval", "active")))
        .order_by(PaymentPlan.id.desc()).limit(1)
    )  # fmt: skip
    if plan is None:
        return None
    upcoming = session.execute(
        select(Installment.due_date, Installment.amount)
        .where(Installment.plan_id == plan.id, Installment.status == "scheduled")
        .order_by(Installment.due_date).limit(1)
    ).first()  # fmt: skip
    doc = {"id": str(plan.id), "status": plan.status, "total": f"{as_decimal(plan.total):.2f}"}
    if upcoming is not None:
        doc["next_due_date"] = upcoming[0].isoformat()
        doc["next_amount"] = f"{as_decimal(upcoming[1]):.2f}"
    return doc
