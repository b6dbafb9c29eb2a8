"""The web app's background workers: the turn worker and the dispatcher (SPEC §7).

``arbot run`` serves the web app, and the web app runs these behind its webhooks:

* the **turn worker** answers the SMS and Telegram messages the webhooks only recorded
  (:func:`bot.services.chat.take_turns`, :func:`bot.services.chat.answer_turn`), many
  conversations at once, each conversation's messages one after the other;
* the **dispatcher** sends what is queued (:func:`bot.services.dispatch.dispatch_due`),
  retries what failed when its time comes, and marks in doubt what a dead dispatcher left
  handed over without an answer (:func:`bot.services.dispatch.settle`).

Exactly one web app per database runs them: it holds the dispatcher lock — a PostgreSQL
advisory lock, or a ``flock`` beside the SQLite file, as the scheduler's
(:mod:`bot.scheduler.lock`) — and the others wait for it. Claims are safe anyway: two
dispatchers never take one message (``FOR UPDATE SKIP LOCKED``). Work queued in this
process rings a :class:`Bell`, so it starts at once; work queued elsewhere is found by
polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from starlette.concurrency import run_in_threadpool

from bot.clock import ticking
from bot.container import Container
from bot.db import lanes
from bot.scheduler.lock import FileLock, PostgresAdvisoryLock, SchedulerLock
from bot.services import chat, dispatch
from integrations.rasa import DialogueEngine
from integrations.senders import MessageSender

log = logging.getLogger(__name__)

#: the dispatcher's advisory lock key: "arbotdsp" read as a big-endian 64-bit number
DISPATCH_LOCK_KEY = int.from_bytes(b"arbotdsp", "big")


def dispatch_lock(
    database_url: str,
    *,
    poll_seconds: float = 2.0,
    key: int = DISPATCH_LOCK_KEY,
    suffix: str = "dispatch",
) -> SchedulerLock | None:
    """The lock that elects the dispatcher of a database (or, with another ``key`` and
    file ``suffix``, another one-per-database worker); None when it cannot carry one (an
    in-memory SQLite database: one process anyway)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresAdvisoryLock(url, key=key, poll_seconds=poll_seconds)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return FileLock(Path(f"{database}.{suffix}.lock").absolute(), poll_seconds=poll_seconds)


class Bell:
    """Wakes a worker waiting for work: rung from the event loop of the worker."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self._rung = False

    def ring(self) -> None:
        """There is work."""
        self._rung = True
        if self._event is not None:
            self._event.set()

    async def wait(self, timeout: float) -> None:
        """Returns when rung (or rung since the last wait), or after ``timeout`` seconds."""
        if self._event is None:
            self._event = asyncio.Event()
        if not self._rung:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout)
        self._rung = False
        self._event.clear()


@dataclass
class Workers:
    """The turn worker and the dispatcher of one web app.

    Attributes:
        desk: answers the turns (its ``wake_turns`` rings :attr:`turns`).
        postman: sends the queue (its ``wake`` rings :attr:`outgoing`).
        poll: seconds between looks at the database when no bell rang.
        turn_capacity: turns answered at once (Rasa is slow; conversations are many).
        lease: how long a message may stay ``sending`` before it is in doubt.
    """

    desk: chat.ChatDesk
    postman: dispatch.Postman
    lock: SchedulerLock | None = None
    poll: float = 0.5
    turn_capacity: int = 32
    lease: timedelta = dispatch.DEFAULT_LEASE
    turns: Bell = field(default_factory=Bell)
    outgoing: Bell = field(default_factory=Bell)
    _inflight: set[asyncio.Task[None]] = field(default_factory=set)

    async def run(self, stop: asyncio.Event) -> None:
        """Takes the lock (waiting for its holder), then works until ``stop`` is set; a
        lost lock (its connection dropped) stops the work until it is taken again.

        The work runs in the background lane (:mod:`bot.db.lanes`), out of the way of the
        webhooks served beside it."""
        await asyncio.ensure_future(self._serve(stop))  # a task: the lane stays in it

    async def _serve(self, stop: asyncio.Event) -> None:
        lanes.background()
        while not stop.is_set():
            if self.lock is not None and not await self._acquire(stop):
                return
            lost = asyncio.Event()
            try:
                await self._recover()
                await asyncio.gather(self._turn_loop(stop, lost), self._dispatch_loop(stop, lost))
            except Exception:  # the database went away while recovering: start over
                log.exception("workers: stopped by an error; starting again")
                await asyncio.sleep(self.poll * 4)
            finally:
                for task in list(self._inflight):
                    task.cancel()
                if self.lock is not None:
                    await run_in_threadpool(self.lock.release)

    async def drain(self, *, rounds: int = 100) -> None:
        """Answers every waiting turn and sends everything due, then returns (tests, and
        ``arbot dispatch --once``)."""
        for _ in range(rounds):
            waiting = await chat.take_turns(self.desk, self.turn_capacity)
            for turn in waiting:
                await chat.answer_turn(self.desk, turn)
            sent = await dispatch.dispatch_due(self.postman)
            if not waiting and not sent:
                return

    async def _acquire(self, stop: asyncio.Event) -> bool:
        assert self.lock is not None  # noqa: S101 (checked by the caller)
        while not stop.is_set():
            if await run_in_threadpool(self.lock.acquire, 0):
                log.info("dispatcher: this process sends the queue (%s)", self.lock)
                return True
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.lock.poll_seconds)
        return False

    async def _recover(self) -> None:
        await run_in_threadpool(dispatch.settle, self.postman, lease=self.lease)
        released = await run_in_threadpool(chat.release_turns, self.desk.sessions)
        if released:
            log.warning("turn worker: %d turns left under way by a dead worker, again", released)

    async def _turn_loop(self, stop: asyncio.Event, lost: asyncio.Event) -> None:
        while not stop.is_set() and not lost.is_set():
            room = self.turn_capacity - len(self._inflight)
            try:
                claimed = await chat.take_turns(self.desk, room) if room > 0 else []
            except Exception:
                log.exception("turn worker: claiming turns failed; trying again")
                claimed = []
            for turn in claimed:
                task = asyncio.ensure_future(self._answer(turn))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
            if not claimed:
                await self.turns.wait(self.poll)

    async def _answer(self, turn: chat.Turn) -> None:
        try:
            await chat.answer_turn(self.desk, turn)
        except Exception:
            log.exception("turn worker: answering message %s failed; trying it again", turn.id)
            await asyncio.sleep(self.poll * 2)
            try:  # back in line: its replies are keyed by the message, sent once
                await run_in_threadpool(chat.release_turn, self.desk.sessions, turn.id)
            except Exception:
                log.exception("turn worker: message %s stays under way until a restart", turn.id)
        finally:
            self.turns.ring()  # its conversation's next message may go now

    async def _dispatch_loop(self, stop: asyncio.Event, lost: asyncio.Event) -> None:
        idle_rounds = 0
        while not stop.is_set():
            try:
                sent = await dispatch.dispatch_due(self.postman)
                if self.lock is not None and not await run_in_threadpool(self.lock.alive):
                    log.error("dispatcher: the lock was lost; waiting to take it again")
                    lost.set()
                    return
            except Exception:
                log.exception("dispatcher: a pass failed; trying again")
                sent = 0
            if sent:
                continue
            idle_rounds += 1
            if idle_rounds % 120 == 0:  # now and then: what a dead eager sender left
                await run_in_threadpool(dispatch.settle, self.postman, lease=self.lease)
            await self.outgoing.wait(self.poll)


def build_workers(
    wiring: Container,
    dialogue: DialogueEngine,
    senders: Mapping[str, MessageSender],
    *,
    locked: bool = True,
) -> Workers:
    """The desk, the postman and the workers of one process (the web app, ``arbot
    dispatch``), the desk deferring SMS and Telegram turns to the turn worker.

    Args:
        locked: take the dispatcher lock before working (False: tests drain by hand).
    """
    settings = wiring.settings
    turns_bell, outgoing_bell = Bell(), Bell()
    postman = dispatch.Postman(
        wiring.sessions,
        wiring.clock,
        senders,
        wake=outgoing_bell.ring,
        policy=settings.policy,
        default_zone=settings.default_timezone,
        timer=ticking(wiring.clock),  # retries come due under a fixed ARBOT_NOW too
    )
    desk = chat.ChatDesk(
        wiring.sessions,
        wiring.clock,
        dialogue,
        settings.company_name,
        postman=postman,
        support_contact=settings.support_contact,
        policy=settings.policy,
        deferred=True,
        wake_turns=turns_bell.ring,
    )
    return Workers(
        desk,
        postman,
        lock=dispatch_lock(settings.database_url) if locked else None,
        turns=turns_bell,
        outgoing=outgoing_bell,
    )
