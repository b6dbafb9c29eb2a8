"""Delivering the change feed to the operator's receivers (SPEC §15).

One pass: queue for every receiver the events it has not been given yet, take the head of
each (receiver, account) line whose time has come — so one account's events arrive in feed
order, and a slow account does not hold up the others — post them signed, and record each
outcome: a 2xx is ``delivered`` and never sent again; anything else waits a backoff with
jitter and is tried again until 24 hours after its first attempt, then is ``failed`` and
the account's next event goes (:mod:`bot.policy.webhooks`). One worker per database runs
the passes (:mod:`bot.web.webhook_worker`), so a delivery is never in two hands.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clock import Clock
from bot.db.models import FeedEvent
from bot.errors import DeliveryFailed
from bot.policy.webhooks import (
    DEFAULT_WEBHOOK_RETRY,
    DELIVERED,
    FAILED,
    HEADER,
    PENDING,
    WebhookRetry,
    signature,
)
from bot.repositories import webhooks as repo
from integrations.webhook_http import WebhookPoster

#: deliveries posted at once in one pass
PASS_SIZE = 64


@dataclass
class Webhooks:
    """The receivers, the secret and what delivery needs."""

    sessions: sessionmaker[Session]
    clock: Clock
    urls: Sequence[str]
    secret: str
    poster: WebhookPoster
    retry: WebhookRetry = DEFAULT_WEBHOOK_RETRY
    jitter: Callable[[], float] = field(default=random.random)  # noqa: S311 - not a secret


@dataclass(frozen=True)
class Outcome:
    delivery: repo.Due
    http_status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def event_json(event: FeedEvent) -> dict[str, object]:
    """An event as the feed and the webhooks show it."""
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "account_number": event.account_number,
        "data": json.loads(event.data),
    }


async def deliver_due(hooks: Webhooks) -> int:
    """One pass; returns how many deliveries were attempted."""
    due = await run_in_threadpool(_take_due, hooks)
    if not due:
        return 0
    outcomes = await asyncio.gather(*(_post(hooks, d) for d in due))
    await run_in_threadpool(_record, hooks, outcomes)
    return len(due)


def _take_due(hooks: Webhooks) -> list[repo.Due]:
    now = hooks.clock.now()
    with hooks.sessions() as session, session.begin():
        for url in hooks.urls:
            repo.queue_new(session, url, now)
        return repo.due(session, now, PASS_SIZE)


async def _post(hooks: Webhooks, delivery: repo.Due) -> Outcome:
    body = json.dumps(event_json(delivery.event), separators=(",", ":")).encode()
    stamp = int(hooks.clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        HEADER: signature(hooks.secret, stamp, body),
        "X-Arbot-Event": delivery.event.type,
    }
    try:
        status = await hooks.poster.post(delivery.url, body, headers)
    except DeliveryFailed as exc:
        return Outcome(delivery, None, str(exc))
    return Outcome(delivery, status, None if 200 <= status < 300 else f"HTTP {status}")


def _record(hooks: Webhooks, outcomes: Sequence[Outcome]) -> None:
    now = hooks.clock.now()
    with hooks.sessions() as session, session.begin():
        for outcome in outcomes:
            d = outcome.delivery
            first = d.first_attempt_at or now
            later = None if outcome.ok else hooks.retry.next_attempt(
                first, d.attempts + 1, now, hooks.jitter()
            )  # fmt: skip
            status = DELIVERED if outcome.ok else PENDING if later is not None else FAILED
            repo.settle(
                session, d.id, status=status, attempts=d.attempts + 1, at=now,
                first_attempt_at=first, next_attempt_at=later,
                http_status=outcome.http_status, error=outcome.error,
            )  # fmt: skip


def deliveries(
    sessions: sessionmaker[Session], *, failed_only: bool = False, limit: int = 200
) -> Sequence[repo.DeliveryRow]:
    """``arbot webhooks [--failed]``: the deliveries, newest first."""
    with sessions() as session, session.begin():
        return repo.listing(session, failed_only=failed_only, limit=limit)
