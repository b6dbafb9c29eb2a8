"""Rasa's tracker store goes with the AR database: switching databases carries nothing over.

Before, the default tracker store was ``var/rasa_tracker.db`` whatever
``ARBOT_DATABASE_URL`` said, so a sender verified (or left inside a form) against one AR
database was still verified after ``arbot run`` was pointed at another. Now the default is
derived from the AR database (a file beside it on SQLite, its schema ``rasa`` on
PostgreSQL) and ``ARBOT_TRACKER_STORE_URL`` still overrides it. The slow tests save a
verified conversation through Rasa's own tracker store code (the Rasa environment) under
one AR database and read it back under another.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.cli.plan import processes, project_root, tracker_store_of
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.errors import ConfigError
from bot.settings import load_settings
from integrations.rasa_server import (
    RASA_ENVIRONMENT,
    TRACKER_SCHEMA,
    default_tracker_store,
    endpoints_yaml,
    store_environment,
)
from tests.cli.test_run_plan import project
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES


@pytest.mark.parametrize(
    ("database", "tracker"),
    [
        ("sqlite:///var/arbot.db", "var/arbot.tracker.db"),
        ("sqlite:////srv/ar/books.sqlite3", "/srv/ar/books.tracker.sqlite3"),
        ("sqlite:///other", "other.tracker"),
    ],
)
def test_on_sqlite_the_tracker_is_a_file_beside_the_ar_database(
    database: str, tracker: str
) -> None:
    assert default_tracker_store(database) == tracker


def test_on_postgresql_the_tracker_is_the_ar_database_in_its_own_schema() -> None:
    tracker = default_tracker_store("postgresql+psycopg://ar:pw@db:5433/books?sslmode=require")

    url = make_url(tracker)
    assert (url.drivername, url.host, url.port, url.database) == ("postgresql", "db", 5433, "books")
    assert (url.username, url.password) == ("ar", "pw")
    assert dict(url.query) == {"sslmode": "require", "options": f"-csearch_path={TRACKER_SCHEMA}"}


def test_the_password_of_the_derived_store_stays_off_the_disk() -> None:
    tracker = default_tracker_store("postgresql+psycopg://ar:s3cret-pw@db/books")

    assert "s3cret-pw" not in endpoints_yaml("http://127.0.0.1:5055/webhook", tracker)
    assert "s3cret-pw" in store_environment(tracker).values()


@pytest.mark.parametrize("database", ["sqlite://", "sqlite:///:memory:", "mysql://u@h/db"])
def test_an_ar_database_rasa_cannot_share_asks_for_a_tracker_store(database: str) -> None:
    with pytest.raises(ConfigError, match="ARBOT_TRACKER_STORE_URL"):
        default_tracker_store(database)


def test_two_ar_databases_get_two_tracker_stores_in_arbot_runs_plan(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    written = []
    for name in ("books-a.db", "books-b.db"):
        settings = load_settings(
            {"ARBOT_DATABASE_URL": f"sqlite:///{tmp_path / name}"}, dotenv=None
        )
        plan = processes(settings, root, only={"rasa"}, var=tmp_path / "var")
        [rasa] = plan.specs
        written.append(Path(rasa.argv[rasa.argv.index("--endpoints") + 1]).read_text())

    assert f'db: "{tmp_path / "books-a.tracker.db"}"' in written[0]
    assert f'db: "{tmp_path / "books-b.tracker.db"}"' in written[1]


def test_a_relative_ar_path_gives_an_absolute_tracker_path_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"ARBOT_DATABASE_URL": "sqlite:///var/books.db"}, dotenv=None)

    assert tracker_store_of(settings) == str(tmp_path / "var" / "books.tracker.db")


def test_arbot_tracker_store_url_still_wins() -> None:
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": "sqlite:///var/books.db",
            "ARBOT_TRACKER_STORE_URL": "sqlite:////srv/shared/tracker.db",
        },
        dotenv=None,
    )

    assert tracker_store_of(settings) == "sqlite:////srv/shared/tracker.db"


def test_replicas_on_a_postgresql_ar_database_share_its_tracker_store(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": "postgresql+psycopg://ar@db/books",
            "ARBOT_RASA_REPLICAS": "2",
            "ARBOT_LOCK_STORE_URL": "redis://cache:6379/0",
        },
        dotenv=None,
    )

    plan = processes(settings, root, only={"rasa"}, var=tmp_path / "var")

    assert [spec.name for spec in plan.specs] == ["rasa-1", "rasa-2"]


# --- through Rasa's own tracker store ------------------------------------------------------

_PROBE = """
import asyncio, json, sys
sys.path.insert(1, {root!r})  # as `rasa run` adds the folder it runs in
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

domain = Domain.from_dict({{"slots": {{"verified": {{"type": "bool",
    "mappings": [{{"type": "custom"}}]}}}}}})
SENDER = "web:+16175550101"

def store(path):
    return TrackerStore.create(read_endpoint_config(path, "tracker_store"), domain)

async def main():
    first, second = store({first!r}), store({second!r})
    tracker = DialogueStateTracker.from_events(
        SENDER, [UserUttered("hi"), SlotSet("verified", True)], domain.slots)
    await first.save(tracker)
    seen_first = await first.retrieve(SENDER)
    seen_second = await second.retrieve(SENDER)
    print(json.dumps({{
        "first": seen_first.get_slot("verified") if seen_first else None,
        "second": seen_second.get_slot("verified") if seen_second else None,
    }}))

asyncio.run(main())
"""


def _through_rasa(tmp_path: Path, first: str, second: str) -> dict[str, object]:
    python = project_root() / ".venv" / "rasa" / "bin" / "python"
    if not python.is_file():
        pytest.skip(f"the Rasa environment is missing ({python}; run `make envs`)")
    paths = []
    for name, tracker in (("first", first), ("second", second)):
        path = tmp_path / f"{name}.yml"
        path.write_text(endpoints_yaml("http://127.0.0.1:5055/webhook", tracker))
        paths.append(str(path))
    probe = _PROBE.format(root=str(project_root()), first=paths[0], second=paths[1])
    env = {
        **os.environ,
        **RASA_ENVIRONMENT,
        **store_environment(first),
        **store_environment(second),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(python), "-W", "ignore", "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=project_root(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


@pytest.mark.slow
def test_a_sender_verified_on_one_sqlite_database_is_not_verified_on_another(
    tmp_path: Path,
) -> None:
    first = default_tracker_store(f"sqlite:///{tmp_path / 'books-a.db'}")
    second = default_tracker_store(f"sqlite:///{tmp_path / 'books-b.db'}")

    seen = _through_rasa(tmp_path, first, second)

    assert seen == {"first": True, "second": None}


@pytest.fixture
def two_postgres_databases() -> Iterator[tuple[str, str]]:
    """Two fresh, migrated PostgreSQL AR databases (URLs), dropped afterwards."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means no server
        if REQUIRE_POSTGRES:
            pytest.fail(f"ARBOT_TEST_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {admin_url.render_as_string()} unreachable")
    names = [f"arbot_tracker_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    urls = []
    try:
        for name in names:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = admin_url.set(database=name).render_as_string(hide_password=False)
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            urls.append(url)
        yield urls[0], urls[1]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_sender_verified_on_one_postgresql_database_is_not_verified_on_another(
    tmp_path: Path, two_postgres_databases: tuple[str, str]
) -> None:
    books_a, books_b = two_postgres_databases

    seen = _through_rasa(tmp_path, default_tracker_store(books_a), default_tracker_store(books_b))

    assert seen == {"first": True, "second": None}
    engine = make_engine(books_a)
    try:
        tables = inspect(engine)
        assert "events" in tables.get_table_names(schema=TRACKER_SCHEMA)
        assert "events" not in tables.get_table_names()  # the AR tables' schema
    finally:
        engine.dispose()
