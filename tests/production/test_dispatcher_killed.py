"""The dispatcher killed with SIGKILL mid-batch and started again: nothing is lost and
nothing is sent twice — a message it had handed to Twilio without storing the answer is
in doubt and listed for a person (``arbot outbox --failed``), never resent.

``arbot dispatch`` runs as its own process against a SQLite file and the real Twilio
sender, sending to a fake Twilio that takes one message at a time, slowly, so the kill
lands while a batch is in flight. The second process starts five minutes of clock time
later (``ARBOT_NOW``), past the lease after which an unanswered hand-over is in doubt.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.clock import FixedClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Message
from bot.services import delivery
from bot.services.delivery import Parcel, Postman
from integrations.rasa import BotMessage
from integrations.senders import OutboxSender
from tests.asgi_server import serving
from tests.cli.runner import ARBOT, NOW
from tests.fakes.twilio_api import FROM, FakeTwilio

PHONES = [f"+1617555{n:04d}" for n in range(20)]
PER_PHONE = 3


class SlowTwilio(FakeTwilio):
    """Twilio taking 50 ms a message, one at a time."""

    async def _create(self, request: Request) -> JSONResponse:
        if not hasattr(self, "_one_at_a_time"):
            self._one_at_a_time = asyncio.Lock()
        async with self._one_at_a_time:
            await asyncio.sleep(0.05)
            return await super()._create(request)


@pytest.fixture
def twilio() -> Iterator[SlowTwilio]:
    fake = SlowTwilio()
    with serving(fake.app()) as url:
        fake.url = url
        yield fake


def _env(database: str, twilio: FakeTwilio, now: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")}
    return {
        **clean,
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": now,
        "ARBOT_SMS_PROVIDER": "twilio",
        "ARBOT_TWILIO_ACCOUNT_SID": twilio.account_sid,
        "ARBOT_TWILIO_AUTH_TOKEN": twilio.auth_token,
        "ARBOT_TWILIO_FROM": FROM,
        "ARBOT_TWILIO_API_URL": twilio.url,
        "ARBOT_RASA_URL": "http://127.0.0.1:9",  # no turns wait: never asked
    }


def _states(database: str) -> dict[str, tuple[str | None, str | None]]:
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Message.body, Message.dispatch_state, Message.provider_id).where(
                    Message.direction == "out"
                )
            ).all()
    finally:
        engine.dispose()
    return {body: (state, provider_id) for body, state, provider_id in rows}


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen(  # noqa: S603 (our own CLI)
            [str(ARBOT), "dispatch"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, twilio: SlowTwilio
) -> None:
    database = f"sqlite:///{tmp_path / 'arbot.db'}"
    engine = make_engine(database)
    upgrade(engine)
    start = datetime.fromisoformat(NOW)
    queueing = Postman(make_session_factory(engine), FixedClock(start), {"sms": OutboxSender()})
    parcels = [
        Parcel("sms", phone, BotMessage(f"{phone} #{n}"), f"{phone}:{n}")
        for n in range(1, PER_PHONE + 1)
        for phone in PHONES
    ]
    asyncio.run(delivery.queue_many(queueing, parcels))
    engine.dispose()
    log = tmp_path / "dispatch.log"

    first = _start(_env(database, twilio, NOW), log)
    try:
        deadline = time.monotonic() + 60
        while len(twilio.accepted) < 5:
            assert time.monotonic() < deadline, log.read_text()
            assert first.poll() is None, log.read_text()
            time.sleep(0.01)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    at_kill = _states(database)
    assert any(state == "sending" for state, _ in at_kill.values()), at_kill
    assert len(twilio.accepted) < len(parcels)

    later = (start + timedelta(minutes=5)).isoformat()
    second = _start(_env(database, twilio, later), log)
    try:
        deadline = time.monotonic() + 90
        while any(s in ("pending", "sending") for s, _ in _states(database).values()):
            assert time.monotonic() < deadline, log.read_text()
            assert second.poll() is None, log.read_text()
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    final = _states(database)
    bodies = [m["Body"] for m in twilio.accepted]
    assert len(final) == len(parcels)  # nothing lost
    assert len(bodies) == len(set(bodies))  # nothing sent twice
    assert {state for state, _ in final.values()} <= {"done", "in_doubt"}
    done = {body for body, (state, _) in final.items() if state == "done"}
    in_doubt = {body for body, (state, _) in final.items() if state == "in_doubt"}
    assert in_doubt, "the kill left a hand-over without an answer"
    assert done <= set(bodies)  # every message marked sent reached Twilio
    assert set(bodies) <= done | in_doubt  # and Twilio got nothing it should not have
    sids = {m["Sid"] for m in twilio.accepted}
    assert {provider_id for state, provider_id in final.values() if state == "done"} <= sids
    for phone in PHONES:  # in order per conversation
        sent = [int(b.rsplit("#", 1)[1]) for b in bodies if b.startswith(phone)]
        assert sent == sorted(sent)
    listed = subprocess.run(  # noqa: S603
        [str(ARBOT), "outbox", "--failed", "--json"],
        env=_env(database, twilio, later), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert {row["text"] for row in json.loads(listed.stdout)} == in_doubt
    assert {row["state"] for row in json.loads(listed.stdout)} == {"in_doubt"}
