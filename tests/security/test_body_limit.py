"""Oversized bodies: every POST route answers 413 without reading the body, and records
nothing — whether the body declares its length or comes chunked without one. The
integration API's ingestion routes (``/api/v1/…``, batches of 1,000 objects) have their
own, larger limit; every other route keeps ``ARBOT_MAX_BODY_BYTES``.

Requests go through httpx's ASGI transport, which hands the app the body one chunk at a
time as the app asks for it, so the test counts how much of the body was ever read.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from bot.errors import ConfigError
from bot.settings import load_settings
from bot.web import api_v1
from bot.web import telegram as telegram_web
from tests.security.app_routes import Endpoint, unsafe_endpoints
from tests.security.conftest import SECURE_ENV, TELEGRAM_SECRET, CallerFactory, row_counts
from tests.web.console.conftest import ConsoleApp

LIMIT = 64 * 1024
CHUNK = 8 * 1024


@dataclass
class Sent:
    """What the app answered and how many bytes of the body it read."""

    status: int
    body: dict[str, str]
    read: int


def post(
    app: Starlette, url: str, size: int, *, declared: bool, headers: dict[str, str] | None = None
) -> Sent:
    """POSTs ``size`` bytes to ``url`` in 8 KiB chunks, with a ``Content-Length`` when
    ``declared``, else chunked."""
    read = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal read
        for start in range(0, size, CHUNK):
            piece = b"a" * min(CHUNK, size - start)
            read += len(piece)
            yield piece

    async def call() -> httpx.Response:
        sent = {"content-type": "application/x-www-form-urlencoded", **(headers or {})}
        if declared:
            sent["content-length"] = str(size)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            return await c.post(url, content=chunks(), headers=sent)

    response = asyncio.run(call())
    if not declared:
        assert "content-length" not in response.request.headers
    body = response.json() if response.headers.get("content-type") == "application/json" else {}
    return Sent(response.status_code, body, read)


REFUSAL = {"error": f"body: larger than {LIMIT} bytes", "field": "body"}
MIB = 1024 * 1024


def limited_endpoints(app: Starlette) -> list[Endpoint]:
    """The state-changing endpoints held to ``ARBOT_MAX_BODY_BYTES``."""
    return [e for e in unsafe_endpoints(app) if not e.path.startswith(api_v1.PREFIX)]


def test_every_post_route_refuses_a_declared_body_over_64_kib_unread(
    console: ConsoleApp,
) -> None:
    before = row_counts(console)

    answers = {
        endpoint.path: post(console.app, endpoint.url({"id": 1}), MIB, declared=True)
        for endpoint in limited_endpoints(console.app)
    }

    assert len(answers) >= 15
    assert {path: (a.status, a.body, a.read) for path, a in answers.items()} == dict.fromkeys(
        answers, (413, REFUSAL, 0)
    )
    assert row_counts(console) == before


def test_every_post_route_stops_reading_a_chunked_body_at_64_kib(
    console: ConsoleApp, caller: CallerFactory
) -> None:
    """Sent with every credential a route may want (so each gets as far as reading its
    body): the admin's session cookie and CSRF header, an admin's API token, Telegram's
    secret. A route that answers without reading the body (a claim, a decision on an
    unknown id) has read nothing of it. The logout is left out: it reads no body, and it
    would end the session the other requests use."""
    admin, token = caller("admin"), caller("token:admin")
    credentials = {
        "cookie": f"arbot_session={admin.client.cookies['arbot_session']}",
        "x-csrf-token": admin.csrf,
        "authorization": f"Bearer {token.token}",
        telegram_web.SECRET_HEADER: TELEGRAM_SECRET,
    }
    before = row_counts(console)

    answers = {
        endpoint.path: post(console.app, endpoint.url({"id": 1}), MIB, declared=False,
                            headers=credentials)
        for endpoint in limited_endpoints(console.app)
        if endpoint.path != "/console/logout"
    }  # fmt: skip

    unread = {path for path, a in answers.items() if a.status != 413}
    assert {path: a.body for path, a in answers.items() if path not in unread} == dict.fromkeys(
        answers.keys() - unread, REFUSAL
    )
    assert {path: answers[path].read for path in unread} == dict.fromkeys(unread, 0)
    assert all(a.read <= LIMIT + CHUNK for a in answers.values())  # stopped at the limit
    assert len(answers) - len(unread) >= 9  # most forms are read, and refused
    assert row_counts(console) == before


def test_the_ingestion_routes_refuse_a_body_over_their_own_limit_unread(
    console: ConsoleApp, caller: CallerFactory
) -> None:
    token = caller("token:integration").token
    over = api_v1.MAX_BODY_BYTES + 1
    before = row_counts(console)

    declared = {
        e.path: post(console.app, e.path, over, declared=True,
                     headers={"authorization": f"Bearer {token}"})
        for e in unsafe_endpoints(console.app) if e.path.startswith(api_v1.PREFIX)
    }  # fmt: skip
    chunked = post(console.app, "/api/v1/invoices", over + CHUNK, declared=False,
                   headers={"authorization": f"Bearer {token}"})  # fmt: skip

    refusal = {"error": f"body: larger than {api_v1.MAX_BODY_BYTES} bytes", "field": "body"}
    assert sorted(declared) == ["/api/v1/customers", "/api/v1/invoices", "/api/v1/payments"]
    assert {(a.status, a.read) for a in declared.values()} == {(413, 0)}
    assert all(a.body == refusal for a in declared.values())
    assert chunked.status == 413
    assert chunked.read <= api_v1.MAX_BODY_BYTES + CHUNK
    assert row_counts(console) == before


def test_a_body_within_the_limit_is_read_and_answered(console: ConsoleApp) -> None:
    message = "x" * (LIMIT - 100)
    body = json.dumps({"sender": "+16175550123", "message": message}).encode()
    assert len(body) <= LIMIT

    async def call(declared: bool) -> httpx.Response:
        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), CHUNK):
                yield body[start : start + CHUNK]

        transport = httpx.ASGITransport(app=console.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            content = body if declared else chunks()
            return await c.post("/webhooks/rest/webhook", content=content)

    assert asyncio.run(call(True)).status_code == 200
    assert asyncio.run(call(False)).status_code == 200
    assert len(console.dialogue.calls) == 2


@pytest.fixture
def console_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The security tests' settings, with ``ARBOT_MAX_BODY_BYTES`` when parametrised."""
    limit = getattr(request, "param", None)
    return {**SECURE_ENV, **({"ARBOT_MAX_BODY_BYTES": str(limit)} if limit else {})}


@pytest.mark.parametrize("console_env", [1000], indirect=True)
def test_the_limit_is_arbot_max_body_bytes(
    console: ConsoleApp, console_env: dict[str, str]
) -> None:
    over = post(console.app, "/webhooks/rest/webhook", 1001, declared=True)
    chunked = post(console.app, "/webhooks/rest/webhook", 3 * 1000, declared=False)
    within = console.client().post(
        "/webhooks/rest/webhook", json={"sender": "+16175550123", "message": "x" * 900}
    )

    assert (over.status, over.body["error"], over.read) == (413, "body: larger than 1000 bytes", 0)
    assert chunked.status == 413
    assert within.status_code == 200


@pytest.mark.parametrize("value", ["0", "-5", "64k", "1.5"])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError, match="^ARBOT_MAX_BODY_BYTES: "):
        load_settings({"ARBOT_MAX_BODY_BYTES": value}, dotenv=None)


def test_the_default_limit_is_64_kib() -> None:
    assert load_settings({}, dotenv=None).max_body_bytes == LIMIT
