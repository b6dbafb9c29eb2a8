"""The webhook worker: delivers the change feed to ``ARBOT_WEBHOOK_URL`` (SPEC §15).

It runs like the dispatcher (:mod:`bot.web.workers`): inside the web app that ``arbot run``
serves, one per database — it takes its own lock (a PostgreSQL advisory lock, or a
``flock`` beside the SQLite file) and the other web apps wait for it — and it polls the
feed, delivering what is due (:func:`bot.services.integration.webhooks.deliver_due`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from bot.clock import ticking
from bot.container import Container
from bot.scheduler.lock import SchedulerLock
from bot.services.integration.webhooks import Webhooks, deliver_due
from bot.web.workers import dispatch_lock
from integrations.webhook_http import HttpWebhookPoster, WebhookPoster

log = logging.getLogger(__name__)

#: the webhook worker's advisory lock key: "arbotwhk" read as a big-endian 64-bit number
WEBHOOK_LOCK_KEY = int.from_bytes(b"arbotwhk", "big")


@dataclass
class WebhookWorker:
    """Delivers the feed while it holds the lock; ``poll`` seconds between idle looks."""

    hooks: Webhooks
    lock: SchedulerLock | None = None
    poll: float = 1.0

    async def run(self, stop: asyncio.Event) -> None:
        """Takes the lock (waiting for its holder), then delivers until ``stop`` is set."""
        while not stop.is_set():
            if self.lock is not None and not await self._acquire(stop):
                return
            try:
                await self._deliver(stop)
            finally:
                if self.lock is not None:
                    await run_in_threadpool(self.lock.release)

    async def _acquire(self, stop: asyncio.Event) -> bool:
        assert self.lock is not None  # noqa: S101 (checked by the caller)
        while not stop.is_set():
            if await run_in_threadpool(self.lock.acquire, 0):
                return True
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.lock.poll_seconds)
        return False

    async def _deliver(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await deliver_due(self.hooks)
                if self.lock is not None and not await run_in_threadpool(self.lock.alive):
                    log.error("webhooks: the lock was lost; waiting to take it again")
                    return
            except Exception:
                log.exception("webhooks: a pass failed; trying again")
                sent = 0
            if not sent:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll)


def build_webhook_worker(
    wiring: Container, poster: WebhookPoster | None = None, *, locked: bool = True
) -> WebhookWorker | None:
    """The worker of this process; None when no ``ARBOT_WEBHOOK_URL`` is set."""
    settings = wiring.settings
    if not settings.webhook_urls:
        return None
    hooks = Webhooks(
        wiring.sessions,
        ticking(wiring.clock),
        settings.webhook_urls,
        settings.webhook_secret,
        poster or HttpWebhookPoster(),
    )
    lock = (
        dispatch_lock(settings.database_url, key=WEBHOOK_LOCK_KEY, suffix="webhooks")
        if locked
        else None
    )
    return WebhookWorker(hooks, lock)
