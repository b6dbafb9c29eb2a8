"""Faults in the production profile, live: Twilio failing, an action server killed,
PostgreSQL restarted. Customers get a reply or a retry; nothing is lost or sent twice;
the service recovers by itself.

One stack for the module, run as ``arbot run`` runs it (:mod:`tests.production.stack`:
``arbot run``'s own supervisor, which starts a killed process again): an action server,
a Rasa replica on a PostgreSQL tracker store with a Redis lock store (a key prefix of its
own), and the web app sending SMS through the real Twilio sender to a fake Twilio here.
PostgreSQL is a private cluster (:mod:`tests.production.private_postgres`) holding the AR
data and Rasa's trackers, since a test restarts it: the shared server is never touched.
A Rasa replica's death is ``test_replica_failover.py``'s.

Customers text through webhooks signed as Twilio signs them; the webhook answers at once,
and what they were sent is what reached the fake Twilio once the turn worker answered the
message and the dispatcher sent every reply of its conversation.
Skipped, with the reason, without the Rasa environment, a trained model, PostgreSQL's
``initdb`` and ``pg_ctl`` or Redis — unless ``ARBOT_TEST_REQUIRE_POSTGRES=1`` or
``ARBOT_TEST_REQUIRE_REDIS=1`` (set by ``.ci/run``) make a missing server a failure.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import redis
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from bot.cli.plan import project_root
from bot.db.engine import make_engine
from bot.db.models import Account, Contact, Message
from bot.services.chat import TROUBLE_REPLY
from integrations import rasa_server
from tests.asgi_server import serving
from tests.conftest import REQUIRE_POSTGRES
from tests.fakes.twilio_api import SERVER_ERROR, FakeTwilio, too_many_requests
from tests.production import private_postgres
from tests.production.private_postgres import PrivateCluster, private_cluster
from tests.production.stack import (
    StackFailed,
    Supervised,
    environment,
    load_demo,
    signed_sms,
    supervised,
)

pytestmark = pytest.mark.timeout(600)  # the first test starts Rasa: minutes on a busy machine

REDIS_URL = os.environ.get("ARBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("ARBOT_TEST_REQUIRE_REDIS") == "1"
#: how long PostgreSQL stays down in a restart (the gateway and Rasa wait longer than this)
DOWN_SECONDS = 2.0
_sids = itertools.count(1)


@dataclass(frozen=True)
class Texted:
    """One webhook: its MessageSid, its HTTP status, and the SMS the bot sent meanwhile."""

    sid: str
    status: int
    replies: list[str]


@dataclass
class Faults:
    stack: Supervised
    twilio: FakeTwilio
    postgres: PrivateCluster
    db: Engine

    def text(self, phone: str, body: str, sid: str | None = None, *, wait: bool = True) -> Texted:
        """``phone`` texts ``body`` (``sid``: Twilio delivering a message again); with
        ``wait``, what the bot sent until the message is answered and its replies went."""
        sid = sid or f"SMfault{next(_sids)}"
        url = f"{self.stack.web_url}/webhooks/twilio/sms"
        form, headers = signed_sms(url, self.twilio.auth_token, phone, body, sid)
        before = len(self.twilio.accepted)
        response = httpx.post(url, data=form, headers=headers, timeout=120)
        if response.status_code == 200:
            self.settled(sid, wait=wait)
        sent = [m["Body"] for m in self.twilio.accepted[before:] if m["To"] == phone]
        return Texted(sid, response.status_code, sent)

    def settled(self, sid: str, *, wait: bool = True, seconds: float = 180) -> None:
        """Until message ``sid`` is answered (its turn done) and, with ``wait``, nothing of
        its conversation is left to send; a database restart is waited out."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with self.db.connect() as connection:
                    found = connection.execute(
                        select(Message.conversation_id, Message.turn_state).where(
                            Message.channel == "sms", Message.provider_id == sid
                        )
                    ).first()
                    busy = 1
                    if found is not None and found.turn_state == "done":
                        busy = (
                            0
                            if not wait
                            else connection.scalar(
                                select(func.count()).where(
                                    Message.conversation_id == found.conversation_id,
                                    Message.direction == "out",
                                    Message.dispatch_state.in_(("pending", "sending")),
                                )
                            )
                            or 0
                        )
                    if not busy:
                        return
            except OperationalError:  # PostgreSQL restarting
                pass
            time.sleep(0.05)
        pytest.fail(f"message {sid} was not answered in {seconds} s")

    def verify(self, phone: str) -> None:
        """Verifies ``phone``'s demo account (asked for the balance first)."""
        with self.db.connect() as connection:
            number, postal = connection.execute(
                select(Account.account_number, Account.postal_code)
                .join(Contact, Contact.account_id == Account.id)
                .where(Contact.channel == "sms", Contact.address == phone)
            ).one()
        assert "account number" in " ".join(self.text(phone, "how much do I owe").replies)
        assert "postal code" in " ".join(self.text(phone, number[-4:]).replies)
        assert "verified" in " ".join(self.text(phone, postal).replies)

    def transcript(self, phone: str) -> list[tuple[str, str, str | None, str | None]]:
        """(direction, body, provider id, delivery status) of ``phone``'s SMS, in order."""
        with self.db.connect() as connection:
            rows = connection.execute(
                select(
                    Message.direction, Message.body, Message.provider_id, Message.delivery_status
                )
                .where(Message.channel == "sms", Message.address == phone)
                .order_by(Message.id)
            ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def assert_each_message_answered_once(self, phone: str) -> None:
        """Every message of ``phone`` has its replies, each accepted by Twilio once."""
        with self.db.connect() as connection:
            rows = connection.execute(
                select(
                    Message.id, Message.direction, Message.idempotency_key, Message.provider_id
                ).where(Message.channel == "sms", Message.address == phone)
            ).all()
        answered = {
            int(row.idempotency_key.split(":")[1])
            for row in rows
            if row.direction == "out" and row.idempotency_key.startswith("reply:")
        }
        assert {row.id for row in rows if row.direction == "in"} == answered
        sids = [m["Sid"] for m in self.twilio.accepted if m["To"] == phone]
        assert sorted(sids) == sorted(row.provider_id for row in rows if row.direction == "out")

    def sent_to(self, phone: str) -> list[str]:
        """Every SMS the fake Twilio accepted for ``phone``."""
        return [m["Body"] for m in self.twilio.accepted if m["To"] == phone]


def _unavailable(reason: str, required: bool, variable: str) -> None:
    if required:
        pytest.fail(f"{variable}=1 but {reason}")
    pytest.skip(reason)


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable(
            f"Redis at {REDIS_URL} unreachable: {exc}", REQUIRE_REDIS, "ARBOT_TEST_REQUIRE_REDIS"
        )
    return client


def _create_database(postgres: PrivateCluster) -> str:
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE arbot"))
    admin.dispose()
    return postgres.url("arbot")


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faults]:
    """The stack on a private PostgreSQL cluster, once for the module."""
    root = project_root()
    if not (root / ".venv" / "rasa" / "bin" / "rasa").is_file():
        pytest.skip("the Rasa environment is missing (run `make envs`)")
    if rasa_server.newest_model(root / "models") is None:
        pytest.skip(f"no trained Rasa model in {root / 'models'} (run `make model`)")
    missing = private_postgres.missing()
    if missing:
        _unavailable(
            f"no private PostgreSQL cluster: {missing}",
            REQUIRE_POSTGRES,
            "ARBOT_TEST_REQUIRE_POSTGRES",
        )
    cache, prefix = _redis(), f"arbotfaults{uuid.uuid4().hex[:12]}"
    twilio, work = FakeTwilio(), tmp_path_factory.mktemp("faults")
    with private_cluster() as postgres, serving(twilio.app()) as twilio_url:
        twilio.url = twilio_url
        database = _create_database(postgres)
        db = make_engine(database)
        try:
            load_demo(database)
            env = environment(
                database=database,
                tracker=postgres.url("arbot", driver="postgresql"),
                lock=f"{REDIS_URL.split('?')[0]}?key_prefix={prefix}",
                twilio=twilio,
            )
            with supervised(env, work) as stack:
                yield Faults(stack, twilio, postgres, db)
        except StackFailed as exc:
            pytest.fail(str(exc))
        finally:
            db.dispose()
            for key in cache.scan_iter(match=f"{prefix}:*"):
                cache.delete(key)


def test_twilio_failing_then_rate_limiting_the_reply_still_goes_out_once(
    faults: Faults,
) -> None:
    phone = "+15555550201"
    faults.twilio.fail(SERVER_ERROR, too_many_requests("1"))

    texted = faults.text(phone, "hi")

    assert texted.status == 200
    assert len(texted.replies) == 1
    assert "virtual assistant" in texted.replies[0]
    assert faults.twilio.refused[-2:] == [500, 429]
    [sms] = [m for m in faults.twilio.accepted if m["To"] == phone]
    assert faults.transcript(phone) == [
        ("in", "hi", texted.sid, None),
        ("out", sms["Body"], sms["Sid"], "queued"),
    ]


def test_a_rate_limit_outlasting_the_senders_retries_is_retried_until_it_goes_out_in_order(
    faults: Faults,
) -> None:
    phone = "+15555550202"
    refused_before = len(faults.twilio.refused)
    faults.twilio.fail_for(120, too_many_requests("1"))

    texted = faults.text(phone, "who is this?", wait=False)

    assert (texted.status, texted.replies) == (200, [])
    assert faults.twilio.refused[refused_before:][:3] == [429, 429, 429]  # the sender's tries
    [(_, first, _, status)] = faults.transcript(phone)[1:]
    assert status == "queued"  # kept in the queue, tried again with backoff
    with faults.db.connect() as connection:
        state, error = connection.execute(
            select(Message.dispatch_state, Message.error).where(
                Message.address == phone, Message.body == first
            )
        ).one()
    assert state in ("pending", "sending")
    assert error is None or "429" in error

    faults.twilio.heal()
    again = faults.text(phone, "hello?")

    assert again.status == 200
    # the first reply went out once Twilio took messages again, before the second's reply
    assert faults.sent_to(phone) == again.replies
    assert len(again.replies) == 2
    assert again.replies[0] == first
    assert [row[3] for row in faults.transcript(phone)] == [None, "queued", None, "queued"]
    faults.assert_each_message_answered_once(phone)


def test_the_action_server_killed_mid_conversation_gets_the_trouble_reply_then_goes_on(
    faults: Faults,
) -> None:
    phone = "+16025550106"  # Desert: 3,150.00 past due of 3,790.00
    with faults.db.connect() as connection:
        number, postal = connection.execute(
            select(Account.account_number, Account.postal_code)
            .join(Contact, Contact.account_id == Account.id)
            .where(Contact.address == phone)
        ).one()
    faults.text(phone, "how much do I owe")
    faults.text(phone, number[-4:])
    killed = faults.stack.kill("actions-1")

    during = faults.text(phone, postal)  # checking it needs the action server

    assert (during.status, during.replies) == (200, [TROUBLE_REPLY])
    deadline = time.monotonic() + 60
    while faults.stack.pids().get("actions-1") in (None, killed):  # the supervisor's doing
        assert time.monotonic() < deadline, "the action server was not started again"
        time.sleep(0.2)
    faults.stack.wait_ready("actions-1", seconds=60)

    after = " ".join(faults.text(phone, postal).replies)

    assert "verified" in after, after
    assert "$3,790.00" in after, after
    assert [row[0] for row in faults.transcript(phone)].count("in") == 4
    faults.assert_each_message_answered_once(phone)


def test_after_a_postgresql_restart_a_verified_customer_is_still_verified(
    faults: Faults,
) -> None:
    phone = "+13035550105"  # Summit
    faults.verify(phone)

    faults.postgres.restart(DOWN_SECONDS)

    answer = faults.text(phone, "how much do I owe")
    assert answer.status == 200
    assert len(answer.replies) == 1
    assert answer.replies[0].startswith("Your balance is"), answer.replies


def test_messages_caught_by_a_postgresql_restart_are_each_answered_once(
    faults: Faults,
) -> None:
    verified, stranger = "+12135550104", "+15555550203"  # James; a number not on file
    faults.verify(verified)
    inflight = f"SMfault{next(_sids)}"
    results: dict[str, Texted] = {}
    first = threading.Thread(
        target=lambda: results.setdefault(
            "in flight", faults.text(verified, "how much do I owe", inflight)
        )
    )
    first.start()
    _wait_for_inbound(faults, inflight)
    faults.postgres.stop()  # while Rasa answers it
    second = threading.Thread(
        target=lambda: results.setdefault("while down", faults.text(stranger, "hi"))
    )
    second.start()
    time.sleep(DOWN_SECONDS)
    faults.postgres.start()
    first.join(timeout=60)
    second.join(timeout=60)

    in_flight, while_down = results["in flight"], results["while down"]
    assert in_flight.status == 200
    assert len(in_flight.replies) == 1
    assert in_flight.replies[0].startswith(("Your balance is", TROUBLE_REPLY)), in_flight
    assert while_down.status == 200
    assert len(while_down.replies) == 1
    assert "virtual assistant" in while_down.replies[0]
    assert faults.text(verified, "how much do I owe", inflight) == Texted(inflight, 200, [])
    assert faults.text(verified, "how much do I owe").replies[0].startswith("Your balance is")
    assert "account number" in " ".join(faults.text(stranger, "how much do I owe").replies)
    for phone in (verified, stranger):
        faults.assert_each_message_answered_once(phone)


def _wait_for_inbound(faults: Faults, sid: str) -> None:
    """Until the gateway has recorded message ``sid`` (then Rasa is answering it)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with faults.db.connect() as connection:
            if connection.execute(select(Message.id).where(Message.provider_id == sid)).first():
                return
        time.sleep(0.005)
    pytest.fail(f"message {sid} was not recorded")
