"""Webhook delivery of the change feed (SPEC §15), on SQLite and PostgreSQL.

The receivers are httpx ``MockTransport`` handlers behind the real poster
(:class:`integrations.webhook_http.HttpWebhookPoster`); the one that checks signatures runs
the receiver code printed in docs/api.md, read from the page itself.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import FeedEvent, WebhookCursor, WebhookDelivery
from bot.policy.webhooks import HEADER, signature
from bot.repositories import events
from bot.services.integration.webhooks import Webhooks, deliver_due, deliveries
from integrations.webhook_http import HttpWebhookPoster

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
SECRET = "whk-secret-of-the-webhook-tests"
URL = "https://erp.example.com/arbot"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


@dataclass
class Clock:
    instant: datetime = NOW

    def now(self) -> datetime:
        return self.instant


@dataclass
class Receiver:
    """An ERP endpoint: answers with ``answer(request)``; keeps what it accepted (2xx)."""

    answer: Callable[[httpx.Request], int]
    accepted: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        status = self.answer(request)
        if 200 <= status < 300:
            self.accepted.append(json.loads(request.content))
        return httpx.Response(status)


@pytest.fixture(autouse=True)
def empty_feed(sessions: sessionmaker[Session]) -> None:
    """The feed starts empty: events other tests committed to the session's PostgreSQL
    database (their races commit for real) are not this test's (rolled back after it)."""
    with sessions() as session, session.begin():
        session.execute(delete(WebhookDelivery))
        session.execute(delete(WebhookCursor))
        session.execute(delete(FeedEvent))


def docs_verify() -> Callable[..., bool]:
    """The ``verify`` function of the receiver printed in docs/api.md."""
    [code] = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert len(code.strip().splitlines()) <= 16  # the "15-line receiver"
    scope: dict[str, Any] = {}
    exec(compile(code, str(DOCS), "exec"), scope)  # noqa: S102 - our own docs, under test
    verify: Callable[..., bool] = scope["verify"]
    return verify


def hooks_for(
    sessions: sessionmaker[Session], receiver: Receiver, clock: Clock, secret: str = SECRET
) -> Webhooks:
    poster = HttpWebhookPoster(transport=httpx.MockTransport(receiver.handle))
    return Webhooks(sessions, clock, [URL], secret, poster, jitter=lambda: 0.5)


def write_events(sessions: sessionmaker[Session], *accounts: str) -> list[int]:
    """One committed ``payment.received`` per account named, in order; their ids."""
    with sessions() as session, session.begin():
        before = events.last_id(session)
        for n, account in enumerate(accounts):
            events.emit(session, "payment.received", at=NOW, account_number=account,
                        data={"payment_id": f"P-{before + n}"})  # fmt: skip
    with sessions() as session, session.begin():
        return list(range(before + 1, events.last_id(session) + 1))


def run_until_idle(
    hooks: Webhooks, clock: Clock, hours: float, step: timedelta = timedelta(minutes=1)
) -> None:
    """Delivery passes, the clock moving ``step`` between them, for ``hours``."""

    async def passes() -> None:
        for _ in range(int(timedelta(hours=hours) / step)):
            await deliver_due(hooks)
            clock.instant += step

    asyncio.run(passes())


def test_a_receiver_that_fails_for_a_while_then_recovers_gets_every_event_in_order(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    down_until = NOW + timedelta(hours=2)
    receiver = Receiver(lambda _r: 503 if clock.now() < down_until else 200)
    ids = write_events(sessions, "A-1", "A-2", "A-1", "A-1", "A-2")

    run_until_idle(hooks_for(sessions, receiver, clock), clock, hours=4)

    got = [e["id"] for e in receiver.accepted]
    assert sorted(got) == ids  # every event, once (a 2xx is never sent again)
    for account in ("A-1", "A-2"):
        mine = [e["id"] for e in receiver.accepted if e["account_number"] == account]
        assert mine == sorted(mine)
    rows = deliveries(sessions)
    assert {r.status for r in rows} == {"delivered"}
    assert max(r.attempts for r in rows) > 3  # it was retried while the receiver was down


def test_retries_back_off_exponentially(sessions: sessionmaker[Session]) -> None:
    clock = Clock()
    attempts: list[datetime] = []

    def failing(_request: httpx.Request) -> int:
        attempts.append(clock.now())
        return 500

    write_events(sessions, "A-1")
    run_until_idle(hooks_for(sessions, Receiver(failing), clock), clock, 0.25, timedelta(seconds=5))

    waits = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
    assert len(waits) >= 6
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert waits[0] <= timedelta(seconds=10)
    assert waits[5] >= 16 * waits[0]


def test_one_accounts_failing_event_holds_back_only_that_accounts_later_events(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    first = write_events(sessions, "A-1")[0]
    receiver = Receiver(lambda r: 500 if json.loads(r.content)["id"] == first else 200)
    later = write_events(sessions, "A-1", "B-1")

    run_until_idle(hooks_for(sessions, receiver, clock), clock, hours=1)

    assert [e["id"] for e in receiver.accepted] == [later[1]]  # B-1's, not A-1's second


def test_an_event_is_given_up_after_24_hours_and_the_accounts_next_one_goes(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    first, second = write_events(sessions, "A-1", "A-1")
    receiver = Receiver(lambda r: 500 if json.loads(r.content)["id"] == first else 200)
    hooks = hooks_for(sessions, receiver, clock)

    run_until_idle(hooks, clock, 23, timedelta(minutes=10))
    assert receiver.accepted == []
    run_until_idle(hooks, clock, 2, timedelta(minutes=10))

    assert [e["id"] for e in receiver.accepted] == [second]
    [failed] = deliveries(sessions, failed_only=True)
    assert (failed.event_id, failed.last_status) == (first, 500)


def test_a_receiver_checking_signatures_accepts_arbots_and_refuses_a_forged_one(
    sessions: sessionmaker[Session],
) -> None:
    verify = docs_verify()
    clock = Clock(datetime.fromtimestamp(int(time.time()), tz=timezone.utc))

    def checking(request: httpx.Request) -> int:
        return 200 if verify(SECRET, request.headers[HEADER], request.content) else 401

    genuine, forged = Receiver(checking), Receiver(checking)
    write_events(sessions, "A-1")
    asyncio.run(deliver_due(hooks_for(sessions, genuine, clock)))
    # a forger posting to the receiver without the secret
    forger = hooks_for(sessions, forged, clock, secret="not-the-secret")
    forger.urls = [URL + "/forged"]
    asyncio.run(deliver_due(forger))

    assert len(genuine.accepted) == 1
    assert forged.calls == 1
    assert forged.accepted == []


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (signature(SECRET, int(time.time()), b'{"id":1}'), b'{"id":2}'),  # body changed
        (signature("guess", int(time.time()), b'{"id":1}'), b'{"id":1}'),  # wrong secret
        (signature(SECRET, int(time.time()) - 3600, b'{"id":1}'), b'{"id":1}'),  # stale
        ("t=1,v1=", b'{"id":1}'),
        ("garbage", b'{"id":1}'),
    ],
    ids=["tampered-body", "wrong-secret", "stale", "empty-digest", "malformed"],
)
def test_the_docs_receiver_refuses_what_arbot_did_not_sign(header: str, body: bytes) -> None:
    assert docs_verify()(SECRET, header, body) is False


def test_the_docs_receiver_accepts_what_arbot_signed() -> None:
    body = b'{"id":1,"type":"payment.received"}'

    assert docs_verify()(SECRET, signature(SECRET, int(time.time()), body), body) is True
