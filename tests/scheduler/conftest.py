"""Fixtures of the scheduler tests: databases of their own and subprocess helpers.

The scheduler's job table and the tests' own tables never go into the shared migrated
databases of ``tests/conftest.py`` (their schema is compared with the models).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the scheduler tests, dropped at the end."""
    admin_url = make_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL at {admin_url.render_as_string()} unreachable: {exc.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"ARBOT_TEST_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"arbot_sched_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'arbot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The AR database's URL, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Polls ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Child:
    """A subprocess whose stdout lines are collected as they come (stderr kept for failures)."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        """Starts ``argv`` in the repository with ``env`` (default: this process's)."""
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.errors: list[str] = []
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], keep: Callable[[str], object]) -> None:
        with stream:
            for line in stream:
                keep(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_for_line(self, text: str, timeout: float = 15.0) -> bool:
        """Whether a stdout line containing ``text`` arrives within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                return False
        return True

    def wait(self, timeout: float = 15.0) -> int:
        """Waits for the exit; the exit status."""
        status = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return status

    def stop(self) -> None:
        """Kills the process if it still runs, and collects what it wrote."""
        if self.process.poll() is None:
            self.process.kill()
        self.wait()


@pytest.fixture
def children() -> Iterator[Callable[..., Child]]:
    """Starts subprocesses and kills whichever is still running after the test."""
    started: list[Child] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Child:
        """``python -m ARGS``, or ``ARGS`` when the first is a path to an executable."""
        argv = list(args) if Path(args[0]).is_absolute() else [sys.executable, "-m", *args]
        child = Child(argv, env)
        started.append(child)
        return child

    yield start
    for child in started:
        child.stop()
