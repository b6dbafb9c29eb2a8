"""Riding out a short database outage within one request: a restart, a failover.

A PostgreSQL restart cuts every connection and refuses new ones for a second or two. The
pool replaces dead connections before use (``pool_pre_ping``), but a transaction that
runs while the server is down fails. The gateway cannot hand that failure back to the
provider to retry: once a customer's message is recorded, a retried webhook is a duplicate
and is answered with nothing, so a reply Rasa already gave would be lost. The steps of a
chat turn and of a delivery therefore run through :func:`outlasting`: one whole
transaction in a worker thread, run again while the database cannot be reached, for up to
:attr:`Patience.seconds`.

Only a function that is one transaction may be run this way: a failed transaction left
nothing behind, so running it again cannot do its work twice. The one case this cannot
tell is a commit whose answer was lost with the connection: the work is done, and the
second run finds it done (a recorded message is then taken for a provider's retry).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.db.lanes import in_thread

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Patience:
    """How long an outage is waited out.

    Attributes:
        seconds: the longest time from the first failure to the last try.
        first_wait: the wait after the first failure; each later one doubles it.
        longest_wait: the longest single wait.
    """

    seconds: float = 10.0
    first_wait: float = 0.2
    longest_wait: float = 2.0


#: what :func:`outlasting` uses (tests shorten it)
PATIENCE = Patience()


def unreachable(exc: BaseException) -> bool:
    """True when ``exc`` says the database could not be reached or dropped the connection.

    SQLAlchemy marks a dropped connection ``connection_invalidated``; a refused or failed
    connection is the driver's ``OperationalError`` (or ``InterfaceError``).
    """
    if not isinstance(exc, DBAPIError):
        return False
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


async def outlasting(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` in a worker thread of the caller's lane
    (:mod:`bot.db.lanes`), run again while the database is down.

    Raises:
        Whatever ``work`` raises; the last database error once the patience is spent.
    """
    patience = PATIENCE
    deadline: float | None = None
    wait = patience.first_wait
    while True:
        try:
            return await in_thread(work, *args, **kwargs)
        except DBAPIError as exc:
            now = time.monotonic()
            deadline = deadline or now + patience.seconds
            if not unreachable(exc) or now + wait > deadline:
                raise
            reason = (str(exc.orig).splitlines() or [type(exc.orig).__name__])[0]
            log.warning("database unreachable (%s); trying again in %.1f s", reason, wait)
        await asyncio.sleep(wait)
        wait = min(wait * 2, patience.longest_wait)
