"""``arbot webhooks [--failed]`` and the ``integration`` role of ``arbot user`` (SPEC §15)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest

from bot.container import build_container
from bot.repositories import events
from bot.services import api_tokens
from bot.services.integration.webhooks import Webhooks, deliver_due
from bot.settings import load_settings
from integrations.webhook_http import HttpWebhookPoster
from tests.cli.runner import NOW, arbot


@pytest.fixture
def migrated(tmp_database: str) -> str:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    return tmp_database


@dataclass
class Clock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant


def deliver(database: str, accounts: list[str], refuse: str) -> None:
    """Writes one event per account, then delivers for 25 hours to a receiver that answers
    500 to the account ``refuse`` and 200 to the others."""
    wiring = build_container(load_settings({"ARBOT_DATABASE_URL": database}, dotenv=None))
    clock = Clock(datetime.fromisoformat(NOW))

    def answer(request: httpx.Request) -> httpx.Response:
        event = json.loads(request.content)
        return httpx.Response(500 if event["account_number"] == refuse else 200)

    poster = HttpWebhookPoster(transport=httpx.MockTransport(answer))
    hooks = Webhooks(wiring.sessions, clock, ["https://erp.example.com/hook"], "s3cret", poster)

    async def passes() -> None:
        for _ in range(26):
            await deliver_due(hooks)
            clock.instant += timedelta(hours=1)

    try:
        with wiring.sessions() as session, session.begin():
            for account in accounts:
                events.emit(session, "payment.received", at=clock.now(),
                            account_number=account, data={})  # fmt: skip
        asyncio.run(passes())
    finally:
        wiring.engine.dispose()


def test_webhooks_lists_deliveries_and_failed_only_the_given_up_ones(migrated: str) -> None:
    deliver(migrated, ["A-1", "B-2"], refuse="B-2")

    listed = arbot("webhooks", "--json", database=migrated)
    failed = arbot("webhooks", "--failed", database=migrated)

    assert listed.code == 0, listed.err
    by_account = {row["account_number"]: row for row in listed.json()}
    assert by_account["A-1"]["status"] == "delivered"
    assert by_account["B-2"]["status"] == "failed"
    assert by_account["B-2"]["last_status"] == 500
    assert "B-2" in failed.out
    assert "A-1" not in failed.out


def test_webhooks_without_deliveries_says_so(migrated: str) -> None:
    result = arbot("webhooks", "--failed", database=migrated)

    assert result.code == 0
    assert "no failed deliveries" in result.out


def test_an_integration_user_gets_a_token_of_its_role(migrated: str) -> None:
    added = arbot("user", "add", "erp@example.com", "--role", "integration", database=migrated)
    issued = arbot("user", "token", "erp@example.com", database=migrated)

    assert added.code == 0, added.err
    wiring = build_container(load_settings({"ARBOT_DATABASE_URL": migrated}, dotenv=None))
    try:
        with wiring.sessions() as session:
            caller = api_tokens.authenticate(session, issued.out.split()[1])
    finally:
        wiring.engine.dispose()
    assert caller is not None
    assert caller.role == "integration"
