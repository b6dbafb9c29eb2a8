"""The production profile, live: 2 Rasa replicas, 2 action servers, PostgreSQL and Redis.

One stack per test session, started from ``arbot run``'s own process plan
(:func:`bot.cli.plan.processes`) with ``ARBOT_RASA_REPLICAS=2`` and
``ARBOT_ACTION_SERVERS=2``: the AR data and Rasa's tracker store in one scratch PostgreSQL
database (dropped afterwards), Rasa's Redis lock store under a key prefix of its own
(deleted afterwards), and the web app in front. Each process runs on its own, so a test can
kill one replica.

Skipped, with the reason, without PostgreSQL (``ARBOT_TEST_POSTGRES_URL``), Redis
(``ARBOT_TEST_REDIS_URL``), the Rasa environment or a trained model — except that
``ARBOT_TEST_REQUIRE_POSTGRES=1`` and ``ARBOT_TEST_REQUIRE_REDIS=1`` (set by ``.ci/run``)
make a missing server a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.cli.plan import ProcessSpec, action_server_urls, processes, project_root
from bot.db.engine import make_engine
from bot.settings import Settings, load_settings
from integrations import rasa_server
from tests.cli.runner import NOW, arbot
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.e2e.conftest import CHAT_TIMEOUT, READY_SECONDS, _Process, _wait_ready

REDIS_URL = os.environ.get("ARBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("ARBOT_TEST_REQUIRE_REDIS") == "1"
#: pytest's timeout for a test here: the stack's start-up, the test, the teardown
STACK_TIMEOUT_SECONDS = 1200


@dataclass
class ProductionStack:
    """The running processes by plan name, the settings they share, and the AR database."""

    settings: Settings
    web_url: str
    db: Engine
    processes: dict[str, _Process]
    redis: redis.Redis
    key_prefix: str

    def chat(self, sender: str, message: str) -> list[str]:
        """Posts one web chat message to the gateway; the texts of its answer."""
        response = httpx.post(
            f"{self.web_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=CHAT_TIMEOUT,
        )
        response.raise_for_status()
        return [reply.get("text") or "" for reply in response.json()]

    def tracker(self, replica: str, sender_id: str) -> dict[str, Any]:
        """Rasa's tracker of ``sender_id`` as ``replica`` reads it (HTTP API)."""
        response = httpx.get(f"{replica}/conversations/{sender_id}/tracker", timeout=30)
        response.raise_for_status()
        tracker: dict[str, Any] = response.json()
        return tracker


def _required(reason: str, required: bool, variable: str) -> None:
    if required:
        pytest.fail(f"{variable}=1 but {reason}")
    pytest.skip(reason)


def _postgres_admin() -> Engine:
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL at {admin.url.render_as_string()} unreachable: {exc.orig}"
        _required(reason, REQUIRE_POSTGRES, "ARBOT_TEST_REQUIRE_POSTGRES")
    return admin


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        _required(
            f"Redis at {REDIS_URL} unreachable: {exc}", REQUIRE_REDIS, "ARBOT_TEST_REQUIRE_REDIS"
        )
    return client


def _port_pair() -> int:
    """A port p such that nothing listens on p or p + 1 (replicas take consecutive ports)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        with socket.socket() as next_one:
            try:
                next_one.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def _launch(spec: ProcessSpec, env: dict[str, str], logs: Path) -> _Process:
    log = logs / f"{spec.name}.log"
    sink = log.open("w", encoding="utf-8")
    popen = subprocess.Popen(  # noqa: S603
        spec.argv, env={**env, **spec.env}, cwd=spec.cwd, stdout=sink, stderr=subprocess.STDOUT
    )
    return _Process(spec.name, popen, log, sink)


def _environment(database: str, tracker: str, lock: str, web_port: int) -> dict[str, str]:
    return {
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": NOW,
        "ARBOT_WEB_PORT": str(web_port),
        "ARBOT_RASA_URL": f"http://127.0.0.1:{_port_pair()}",
        "ARBOT_RASA_REPLICAS": "2",
        "ARBOT_ACTION_SERVER_URL": f"http://127.0.0.1:{_port_pair()}/webhook",
        "ARBOT_ACTION_SERVERS": "2",
        "ARBOT_TRACKER_STORE_URL": tracker,
        "ARBOT_LOCK_STORE_URL": lock,
        # the tests chat from 127.0.0.1 faster than a customer would (limit: tests/web)
        "ARBOT_WEBCHAT_RATE_LIMIT": "0",
    }


@pytest.fixture(scope="session")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionStack]:
    """Two replicas, two action servers and the web app, on PostgreSQL and Redis."""
    root = project_root()
    if not (root / ".venv" / "rasa" / "bin" / "rasa").is_file():
        pytest.skip("the Rasa environment is missing (run `make envs`)")
    if rasa_server.newest_model(root / "models") is None:
        pytest.skip(f"no trained Rasa model in {root / 'models'} (run `make model`)")
    admin, cache = _postgres_admin(), _redis()
    name, prefix = f"arbot_prod_{uuid.uuid4().hex[:12]}", f"arbottest{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = admin.url.set(database=name).render_as_string(hide_password=False)
    tracker = admin.url.set(drivername="postgresql", database=name)
    lock = f"{REDIS_URL.split('?')[0]}?key_prefix={prefix}"
    work = tmp_path_factory.mktemp("production")
    env = _environment(database, tracker.render_as_string(hide_password=False), lock, _port_pair())
    started: dict[str, _Process] = {}
    db = make_engine(database)
    try:
        for step in (("db", "upgrade"), ("demo",)):
            done = arbot(*step, database=database)
            assert done.code == 0, f"arbot {' '.join(step)} failed: {done.err}"
        settings = load_settings(env, dotenv=None)
        plan = processes(settings, root, only={"actions", "rasa", "web"}, var=work)
        base = {k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")}
        for spec in plan.specs:
            started[spec.name] = _launch(spec, {**base, **env}, work)
        _wait_for_all(settings, started)
        web_url = f"http://127.0.0.1:{settings.web_port}"
        yield ProductionStack(settings, web_url, db, started, cache, prefix)
    finally:
        for process in reversed(started.values()):
            process.stop()
        db.dispose()
        for key in cache.scan_iter(match=f"{prefix}:*"):
            cache.delete(key)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _wait_for_all(settings: Settings, started: dict[str, _Process]) -> None:
    # Each replica loads its own copy of the model at once: on a busy machine that takes
    # several times as long as one does.
    deadline = time.monotonic() + READY_SECONDS * len(settings.rasa_urls)
    for number, url in enumerate(settings.rasa_urls, start=1):
        _wait_ready(started[f"rasa-{number}"], f"{url}/status", deadline)
    for number, url in enumerate(action_server_urls(settings), start=1):
        health = url.removesuffix("/webhook") + "/health"
        _wait_ready(started[f"actions-{number}"], health, deadline)
    _wait_ready(started["web"], f"http://127.0.0.1:{settings.web_port}/health", deadline)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is slow (the stack) and needs PostgreSQL; starting the stack may
    take longer than pytest's usual timeout for one test."""
    for item in items:
        if "tests/production/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.timeout(STACK_TIMEOUT_SECONDS))
