"""Rasa's SQL tracker store, made to ride out a PostgreSQL restart.

Rasa wraps its tracker store in a fail-safe one: when reading a tracker raises, the
message is answered from a blank tracker, and when saving raises, the turn is kept in
memory only. Rasa's own SQL tracker store keeps pooled connections without checking them
and gives up at the first error, so a PostgreSQL restart (an upgrade, a failover) made
the next message of every conversation start from scratch — a verified customer was
asked to verify again — and a turn taken while the server was down was forgotten.

Here a pooled connection is checked before use (SQLAlchemy's ``pool_pre_ping``), and a
read or a save that cannot reach the database is tried again for a few seconds before
Rasa's fallback is left to act. Saving again is safe: Rasa stores only the events the
database does not have yet.

``integrations/rasa_server.py`` names this class as the ``type`` of the PostgreSQL
tracker store; Rasa imports it from the project folder it runs in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")

#: how long a read or a save waits for the database (the gateway waits 12 s for Rasa)
PATIENCE_SECONDS = 6.0
FIRST_WAIT = 0.2
LONGEST_WAIT = 1.0


class PrePingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` that checks pooled connections and waits out an outage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of ``sender_id``'s latest session (None for a new sender)."""
        read = super().retrieve
        return await _outlasting(lambda: read(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the tracker's events the database does not have yet."""
        write = super().save
        await _outlasting(lambda: write(tracker))


def _unreachable(exc: DBAPIError) -> bool:
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


async def _outlasting(work: Callable[[], Awaitable[T]]) -> T:
    """``work()``, again while the database cannot be reached, for PATIENCE_SECONDS."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    wait = FIRST_WAIT
    while True:
        try:
            return await work()
        except DBAPIError as exc:
            if not _unreachable(exc) or time.monotonic() + wait > deadline:
                raise
            log.warning("tracker store: database unreachable; trying again in %.1f s", wait)
        await asyncio.sleep(wait)
        wait = min(wait * 2, LONGEST_WAIT)
