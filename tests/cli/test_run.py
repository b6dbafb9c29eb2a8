"""``arbot run`` starts the processes, serves, and stops them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from bot.scheduler.lock import FileLock
from tests.cli.runner import ARBOT, NOW, arbot
from tests.scheduler.conftest import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scheduler_lock_taken(database: str) -> bool:
    lock = FileLock(Path(f"{database.removeprefix('sqlite:///')}.scheduler.lock"))
    if lock.acquire(0):
        lock.release()
        return False
    return True


def test_run_serves_health_and_stops_everything_on_ctrl_c(tmp_database: str) -> None:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": tmp_database,
        "ARBOT_NOW": NOW,
        "ARBOT_WEB_PORT": str(port),
        # Rasa and the action server (started when a model is trained) on ports of their own
        "ARBOT_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "ARBOT_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}/webhook",
    }
    supervisor = subprocess.Popen(
        [str(ARBOT), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200
        assert wait_until(lambda: scheduler_lock_taken(tmp_database))  # the scheduler leads
    finally:
        supervisor.send_signal(signal.SIGINT)
        out, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 0
    assert f"http://127.0.0.1:{port}" in out
    assert "arbot chat" in out
    assert "arbot stopped" in out
    assert "scheduler" in out
    assert not scheduler_lock_taken(tmp_database)  # the scheduler let it go
    try:
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
        still_serving = True
    except httpx.TransportError:
        still_serving = False
    assert not still_serving
