"""Collectors' internal notes on an escalation (issue 6: the conversation view).

A note is for the people working the case — what was tried, what the customer said on the
phone — and is never sent to the customer. Any collector may add one to any escalation,
open, claimed or resolved, so the history stays with the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import User
from bot.errors import InputError, NotFound
from bot.repositories import escalation_notes as notes
from bot.repositories import escalations

#: a note is at most this long
MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class Note:
    id: int
    author_email: str
    body: str
    created_at: datetime


def add_note(session: Session, escalation_id: int, user_id: int, body: str, now: datetime) -> Note:
    """Adds ``user_id``'s note to the escalation.

    Raises:
        InputError: naming ``body`` when it is blank or longer than :data:`MAX_NOTE_CHARS`.
        NotFound: naming the escalation id (or the user id).
    """
    text = body.strip()
    if not text:
        raise InputError("body: a note cannot be blank")
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(f"body: longer than {MAX_NOTE_CHARS} characters")
    with session.begin():
        if escalations.get(session, escalation_id) is None:
            raise NotFound(f"escalation {escalation_id} does not exist")
        author = session.get(User, user_id)
        if author is None:
            raise NotFound(f"user {user_id} does not exist")
        note = notes.add(session, escalation_id, author.id, text, now)
        return Note(note.id, author.email, note.body, note.created_at)


def notes_of(session: Session, escalation_id: int) -> list[Note]:
    """The escalation's notes, oldest first, each with its author's e-mail."""
    with session.begin():
        return [Note(*row) for row in notes.of_escalation(session, escalation_id)]
