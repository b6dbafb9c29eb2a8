"""The collectors' queue: escalations and who owns a conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Escalation
from bot.repositories import audit, handoff_summaries

#: statuses of an escalation that still waits for, or is with, a collector
ACTIVE = ("open", "claimed")


def active_for_account(session: Session, account_id: int, reason: str) -> Escalation | None:
    """The account's unresolved escalation with this reason, oldest first."""
    query = (
        select(Escalation)
        .where(
            Escalation.account_id == account_id,
            Escalation.reason == reason,
            Escalation.status.in_(ACTIVE),
        )
        .order_by(Escalation.id)
        .limit(1)
    )
    return session.scalar(query)


def active_for_sender(
    session: Session, channel: str, address: str, reason: str
) -> Escalation | None:
    """The unresolved escalation with this reason of a sender that has no account."""
    query = (
        select(Escalation)
        .where(
            Escalation.account_id.is_(None),
            Escalation.channel == channel,
            Escalation.address == address,
            Escalation.reason == reason,
            Escalation.status.in_(ACTIVE),
        )
        .order_by(Escalation.id)
        .limit(1)
    )
    return session.scalar(query)


def active_for_named(session: Session, named_account: str, reason: str) -> Escalation | None:
    """The unresolved escalation with this reason about an account named but not linked."""
    query = (
        select(Escalation)
        .where(
            Escalation.account_id.is_(None),
            Escalation.named_account == named_account,
            Escalation.reason == reason,
            Escalation.status.in_(ACTIVE),
        )
        .order_by(Escalation.id)
        .limit(1)
    )
    return session.scalar(query)


def claimed_on(session: Session, conversation_id: int) -> Escalation | None:
    """The escalation a collector has claimed on this conversation, if any."""
    query = (
        select(Escalation)
        .where(Escalation.conversation_id == conversation_id, Escalation.status == "claimed")
        .order_by(Escalation.claimed_at.desc(), Escalation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def get(session: Session, escalation_id: int, *, lock: bool = False) -> Escalation | None:
    """The escalation with this id, or None; ``lock`` holds its row until the commit."""
    return session.get(Escalation, escalation_id, with_for_update=lock)


def active(session: Session) -> Sequence[Escalation]:
    """Every open or claimed escalation, oldest first."""
    query = select(Escalation).where(Escalation.status.in_(ACTIVE)).order_by(Escalation.id)
    return session.scalars(query).all()


def open_or_reuse(
    session: Session,
    reason: str,
    *,
    account_id: int | None,
    channel: str | None,
    address: str | None,
    conversation: Conversation | None,
    note: str,
    now: datetime,
    named_account: str | None = None,
    dialogue_intents: Sequence[str] | None = None,
) -> tuple[Escalation, bool]:
    """The unresolved escalation for this account (or account-less sender) and reason.

    An identical case already in the queue is reused rather than duplicated; otherwise a
    new ``open`` one is added and audited. A case with no account but a ``named_account``
    (a sender not on file who named an existing account) is the same case as any other
    about that named account, whoever sent it. Either way the case follows the customer to
    ``conversation`` (so the collector who claims it owns the conversation the customer is
    in now), and that conversation counts as escalated. A new case gets its handoff
    summary here (:func:`bot.repositories.handoff_summaries.attach`), whatever opened it,
    with the ``dialogue_intents`` of the chat turn that opened it, if one did.

    Returns:
        The escalation and whether it was created now.
    """
    if account_id is not None:
        found = active_for_account(session, account_id, reason)
    elif named_account is not None:
        found = active_for_named(session, named_account, reason)
    elif channel is not None and address is not None:
        found = active_for_sender(session, channel, address, reason)
    else:
        found = None
    if conversation is not None:
        conversation.escalated = True
    if found is not None:
        if conversation is not None:
            found.conversation_id = conversation.id
        return found, False
    escalation = Escalation(
        account_id=account_id,
        conversation_id=None if conversation is None else conversation.id,
        channel=channel,
        address=address,
        named_account=named_account,
        reason=reason,
        status="open",
        note=note,
        created_at=now,
    )
    session.add(escalation)
    session.flush()
    handoff_summaries.attach(session, escalation, now, dialogue_intents)
    audit.record(
        session,
        at=now,
        entity="escalation",
        entity_id=escalation.id,
        action="opened",
        detail={
            "reason": reason,
            "account_id": account_id,
            "channel": channel,
            "named_account": named_account,
        },
    )
    return escalation, True


def assign_ownerless_claims(session: Session, user_id: int) -> None:
    """Gives every claimed escalation that has no collector to ``user_id``."""
    session.execute(
        update(Escalation)
        .where(Escalation.status == "claimed", Escalation.assigned_to.is_(None))
        .values(assigned_to=user_id)
    )
