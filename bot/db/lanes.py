"""Which worker threads a transaction runs on: the webhook's lane or the background lane.

The web app answers webhooks at once and answers the customer behind them (SPEC §7): its
turn worker runs dozens of turns at a time and its dispatcher sends batches, each step one
transaction in a worker thread. Were those steps free to take as many threads as they
liked, a webhook's one short transaction would wait its turn for the GIL and the
connection pool behind all of them. So the workers run in the **background lane**
(:func:`background`): their steps share :data:`BACKGROUND_THREADS` threads, queueing for
them, while everything else — webhooks, the console, the API — keeps the event loop's
default thread pool. The GIL runs one thread at a time anyway: the background work loses
little by taking turns, and a webhook finds the interpreter nearly free.

The lane is a context variable, so the tasks a background task starts are background too.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")

#: threads the background lane's transactions share, per event loop
BACKGROUND_THREADS = 4

_in_background: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "arbot_background_lane", default=False
)
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def background() -> None:
    """Puts the calling task (and the tasks it starts from now on) in the background lane."""
    _in_background.set(True)


def in_background() -> bool:
    """True in a task of the background lane."""
    return _in_background.get()


async def in_thread(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` in a worker thread of the calling task's lane."""
    call = functools.partial(work, *args, **kwargs)
    if not _in_background.get():
        return await anyio.to_thread.run_sync(call)
    return await anyio.to_thread.run_sync(call, limiter=_background_limiter())


def _background_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(BACKGROUND_THREADS)
    return limiter
