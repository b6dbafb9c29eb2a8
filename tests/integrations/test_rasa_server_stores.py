"""Rasa's tracker and lock stores in the endpoints file arbot writes, read back by Rasa."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.cli.plan import project_root
from bot.errors import ConfigError
from integrations.rasa_server import (
    LOCK_PASSWORD,
    RASA_ENVIRONMENT,
    TRACKER_PASSWORD,
    endpoints_yaml,
    lock_store,
    store_environment,
    tracker_store,
)

POSTGRES = "postgresql+psycopg://ar%40bot:p%24ss%2Fw@db.internal:5433/arbot_rasa?sslmode=require"
REDIS = "rediss://:s3cr%2Ft@cache.internal:6380/2?key_prefix=arbot"


@pytest.mark.parametrize("target", ["var/rasa_tracker.db", "sqlite:///var/rasa_tracker.db"])
def test_a_sqlite_file_is_the_sql_tracker_store_with_the_sqlite_dialect(target: str) -> None:
    store = tracker_store(target)
    assert store.yaml == (
        'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "var/rasa_tracker.db"\n'
    )
    assert store.env == {}


def test_postgresql_is_the_sql_tracker_store_with_the_password_in_the_environment() -> None:
    store = tracker_store(POSTGRES)
    assert store.yaml.splitlines() == [
        "tracker_store:",
        "  type: arbot_nlu.tracker_store.PrePingSQLTrackerStore",
        "  dialect: postgresql",
        '  url: "db.internal"',
        "  port: 5433",
        '  db: "arbot_rasa"',
        '  username: "ar@bot"',
        f"  password: ${{{TRACKER_PASSWORD}}}",
        "  query:",
        '    sslmode: "require"',
    ]
    assert store.env == {TRACKER_PASSWORD: "p$ss/w"}


def test_blank_is_the_in_memory_lock_store_and_redis_is_rasas_redis_lock_store() -> None:
    assert lock_store("").yaml == "lock_store:\n  type: in_memory\n"
    store = lock_store(REDIS)
    assert store.yaml.splitlines() == [
        "lock_store:",
        "  type: redis",
        '  url: "cache.internal"',
        "  port: 6380",
        "  db: 2",
        f"  password: ${{{LOCK_PASSWORD}}}",
        "  use_ssl: true",
        '  key_prefix: "arbot"',
    ]
    assert store.env == {LOCK_PASSWORD: "s3cr/t"}
    assert lock_store("redis://localhost").yaml.splitlines()[2:] == [
        '  url: "localhost"',
        "  port: 6379",
        "  db: 0",
    ]


@pytest.mark.parametrize(
    ("variable", "tracker", "lock"),
    [
        ("ARBOT_TRACKER_STORE_URL", "mysql://u:secret@db/rasa", ""),
        ("ARBOT_LOCK_STORE_URL", "var/t.db", "redis://:secret@cache:6379/zero"),
        ("ARBOT_LOCK_STORE_URL", "var/t.db", "redis://:secret@cache:6379/0?key_prefix=a-b"),
        ("ARBOT_LOCK_STORE_URL", "var/t.db", "redis://:secret@cache:6379/0?timeout=5"),
        ("ARBOT_LOCK_STORE_URL", "var/t.db", "redis://:secret@:6379/0"),
        ("ARBOT_LOCK_STORE_URL", "var/t.db", "redis://:secret@cache:port/0"),
    ],
)
def test_a_store_url_rasa_could_not_use_is_refused_naming_the_variable_not_the_secret(
    variable: str, tracker: str, lock: str
) -> None:
    with pytest.raises(ConfigError, match=variable) as raised:
        endpoints_yaml("http://127.0.0.1:5055/webhook", tracker, lock)
    assert "secret" not in str(raised.value)


@pytest.mark.slow
def test_rasa_reads_the_stores_as_intended_with_the_passwords_from_its_environment(
    tmp_path: Path,
) -> None:
    python = project_root() / ".venv" / "rasa" / "bin" / "python"
    if not python.is_file():
        pytest.skip(f"the Rasa environment is missing ({python}; run `make envs`)")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(endpoints_yaml("http://127.0.0.1:5055/webhook", POSTGRES, REDIS))
    probe = f"""
import json
import sys
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import read_endpoint_config
sys.path.insert(1, {str(project_root())!r})  # as `rasa run` adds the folder it runs in
tracker = read_endpoint_config({str(endpoints)!r}, "tracker_store")
store = class_from_module_path(tracker.type)
lock = read_endpoint_config({str(endpoints)!r}, "lock_store")
url = SQLTrackerStore.get_db_url(host=tracker.url, **tracker.kwargs)
redis = RedisLockStore(host=lock.url, **lock.kwargs)
pool = redis.red.connection_pool
print(json.dumps({{
    "tracker": url.render_as_string(hide_password=False),
    "store": [store.__name__, issubclass(store, SQLTrackerStore)],
    "lock": [pool.connection_class.__name__, pool.connection_kwargs["host"],
             pool.connection_kwargs["port"], pool.connection_kwargs["db"],
             pool.connection_kwargs["password"], redis.key_prefix],
}}))
"""
    env = {**os.environ, **RASA_ENVIRONMENT, **store_environment(POSTGRES, REDIS)}
    done = subprocess.run(
        [str(python), "-W", "ignore", "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["tracker"] == (
        "postgresql://ar%40bot:p$ss%2Fw@db.internal:5433/arbot_rasa?sslmode=require"
    )
    assert seen["store"] == ["PrePingSQLTrackerStore", True]
    assert seen["lock"] == ["SSLConnection", "cache.internal", 6380, 2, "s3cr/t", "arbot:lock:"]
