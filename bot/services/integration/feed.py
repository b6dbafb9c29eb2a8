"""``GET /api/v1/events``: the change feed, oldest first, a page at a time (SPEC §15).

A client keeps the ``next`` of each answer and asks ``after=next`` again: ids increase in
commit order (:mod:`bot.repositories.events`), so nothing is skipped and nothing comes twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.repositories import events
from bot.repositories.events import TYPES

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "TYPES", "page", "page_body"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000


def page_body(sessions: sessionmaker[Session], after: int, limit: int) -> bytes:
    """:func:`page` as the JSON body of the answer, built without parsing stored data
    again (the feed is read in bulk by clients catching up)."""
    with sessions() as session, session.begin():
        texts, last = events.page_json(session, after=after, limit=limit)
    return f'{{"events":[{",".join(texts)}],"next":{last}}}'.encode()


def page(sessions: sessionmaker[Session], after: int, limit: int) -> dict[str, Any]:
    """``{events: [{id, type, occurred_at, account_number, data}], next}``; ``next`` is the
    last id of the page (``after`` itself when there is nothing newer)."""
    with sessions() as session, session.begin():
        found = events.page(session, after=after, limit=limit)
    return {
        "events": [
            {
                "id": e.id,
                "type": e.type,
                "occurred_at": e.occurred_at.isoformat(),
                "account_number": e.account_number,
                "data": e.data,
            }
            for e in found
        ],
        "next": found[-1].id if found else after,
    }
