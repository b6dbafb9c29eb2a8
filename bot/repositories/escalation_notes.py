"""Collectors' internal notes on escalations (never sent to the customer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import EscalationNote, User


def add(
    session: Session, escalation_id: int, author_id: int, body: str, now: datetime
) -> EscalationNote:
    """Adds a note to an escalation; its id is known when this returns."""
    note = EscalationNote(
        escalation_id=escalation_id, author_id=author_id, body=body, created_at=now
    )
    session.add(note)
    session.flush()
    return note


def of_escalation(session: Session, escalation_id: int) -> Sequence[tuple[int, str, str, datetime]]:
    """(id, author e-mail, body, created at) of the escalation's notes, oldest first."""
    query = (
        select(EscalationNote.id, User.email, EscalationNote.body, EscalationNote.created_at)
        .join(User, User.id == EscalationNote.author_id)
        .where(EscalationNote.escalation_id == escalation_id)
        .order_by(EscalationNote.created_at, EscalationNote.id)
    )
    return [(row.id, row.email, row.body, row.created_at) for row in session.execute(query)]
