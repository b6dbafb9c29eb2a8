"""A collector working an escalation (SPEC §5 Human, issue: human handoff routing).

Claiming an escalation makes the collector the owner of the customer's conversation: the
gateway then shows the customer's messages to the collector and the bot stays silent
(:mod:`bot.services.chat`). The collector answers on the customer's channel through the
delivery service; resolving the escalation hands the conversation back to the bot, which
answers the customer's next message from wherever the dialogue stood.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Escalation
from bot.errors import Conflict, InputError, NotFound
from bot.repositories import audit, conversations
from bot.repositories import escalations as queue

#: statuses a collector may act on
ACTIVE = queue.ACTIVE


@dataclass(frozen=True)
class Case:
    """An escalation as the queue and the conversation view show it."""

    id: int
    reason: str
    status: str
    account_id: int | None
    conversation_id: int | None
    channel: str | None
    address: str | None
    assigned_to: int | None
    note: str
    created_at: datetime
    #: the account number a sender named without being on file for it (the case is not
    #: linked to that account; a verification_failed case shows it to the collector)
    named_account: str | None = None
    #: the handoff summary made when the case opened (SPEC §13; None before it was kept)
    summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class Line:
    """One message of a transcript."""

    id: int
    direction: str
    author: str
    body: str
    delivery_status: str | None
    created_at: datetime


def _case(escalation: Escalation) -> Case:
    return Case(
        escalation.id,
        escalation.reason,
        escalation.status,
        escalation.account_id,
        escalation.conversation_id,
        escalation.channel,
        escalation.address,
        escalation.assigned_to,
        escalation.note,
        escalation.created_at,
        escalation.named_account,
        None if escalation.summary is None else json.loads(escalation.summary),
    )


def active_cases(session: Session) -> list[Case]:
    """Every open or claimed escalation, oldest first."""
    with session.begin():
        return [_case(e) for e in queue.active(session)]


def case(session: Session, escalation_id: int) -> tuple[Case, list[Line]]:
    """An escalation and the transcript of its conversation, oldest message first.

    Raises:
        NotFound: naming the escalation id.
    """
    with session.begin():
        escalation = _require(session, escalation_id)
        lines: list[Line] = []
        if escalation.conversation_id is not None:
            rows = conversations.transcript(session, escalation.conversation_id)
            lines = [Line(*row) for row in rows]
        return _case(escalation), lines


def claim(session: Session, escalation_id: int, user_id: int, now: datetime) -> Case:
    """Gives the escalation (and the customer's conversation) to a collector.

    Raises:
        NotFound: naming the escalation id.
        Conflict: when it is resolved or another collector has claimed it.
    """
    with session.begin():
        escalation = _require(session, escalation_id, lock=True)
        if escalation.status == "resolved":
            raise Conflict(f"escalation {escalation_id} is resolved")
        if escalation.status == "claimed" and escalation.assigned_to != user_id:
            raise Conflict(f"escalation {escalation_id} is claimed by another collector")
        if escalation.status == "open":
            escalation.status, escalation.assigned_to, escalation.claimed_at = (
                "claimed",
                user_id,
                now,
            )
            _audit(session, escalation, "claimed", user_id, now)
        return _case(escalation)


def reply_target(session: Session, escalation_id: int, user_id: int) -> Case:
    """The escalation a collector answers the customer on; they must own it.

    Raises:
        NotFound: naming the escalation id.
        Conflict: when the caller has not claimed it (claim first) or it is resolved.
        InputError: when the escalation has no customer to answer (no channel).
    """
    with session.begin():
        escalation = _require(session, escalation_id)
        if escalation.status != "claimed" or escalation.assigned_to != user_id:
            raise Conflict(f"escalation {escalation_id}: claim it before replying")
        if escalation.channel is None or escalation.address is None:
            raise InputError(f"escalation {escalation_id}: no conversation to reply in")
        return _case(escalation)


def resolve(
    session: Session, escalation_id: int, user_id: int, now: datetime, note: str = ""
) -> Case:
    """Closes the escalation; the bot answers the customer again from now on.

    Raises:
        NotFound: naming the escalation id.
        Conflict: when another collector has claimed it.
    """
    with session.begin():
        escalation = _require(session, escalation_id, lock=True)
        if escalation.status == "claimed" and escalation.assigned_to != user_id:
            raise Conflict(f"escalation {escalation_id} is claimed by another collector")
        if escalation.status != "resolved":
            escalation.status, escalation.resolved_at = "resolved", now
            escalation.assigned_to = escalation.assigned_to or user_id
            if note:
                escalation.note = f"{escalation.note}\n{note}".strip()
            _audit(session, escalation, "resolved", user_id, now)
        return _case(escalation)


def _require(session: Session, escalation_id: int, *, lock: bool = False) -> Escalation:
    escalation = queue.get(session, escalation_id, lock=lock)
    if escalation is None:
        raise NotFound(f"escalation {escalation_id} does not exist")
    return escalation


def _audit(
    session: Session, escalation: Escalation, action: str, user_id: int, now: datetime
) -> None:
    audit.record(
        session,
        at=now,
        entity="escalation",
        entity_id=escalation.id,
        action=action,
        actor="collector",
        user_id=user_id,
    )
