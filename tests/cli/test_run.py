"""``arbot run`` starts the processes, serves, and stops them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx

from bot.cli.plan import project_root
from bot.scheduler.lock import FileLock
from bot.services.chat import TROUBLE_REPLY
from integrations.rasa_server import newest_model
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


def _following(stream: object, lines: list[str]) -> threading.Thread:
    """Collects a process's output lines while it runs."""

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_run_answers_from_the_first_message_after_it_says_running(tmp_database: str) -> None:
    """``make run`` trains the model first; ``arbot run`` says "arbot is running" only once
    the bot answers, so the first message after it gets the bot, not "having trouble"."""
    assert newest_model(project_root() / "models") is not None, "run `make model` first"
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": tmp_database,
        "ARBOT_NOW": NOW,
        "ARBOT_WEB_PORT": str(port),
        # Rasa and the action server on ports of their own
        "ARBOT_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "ARBOT_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}/webhook",
    }
    supervisor = subprocess.Popen(
        [str(ARBOT), "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    reader = _following(supervisor.stdout, lines)
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200  # the console and API serve while Rasa loads
        assert wait_until(lambda: scheduler_lock_taken(tmp_database))  # the scheduler leads
        assert wait_until(
            lambda: any(line.startswith("arbot is running") for line in lines), timeout=240
        ), "".join(lines)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            json={"sender": "+16175550199", "message": "hi"},
            timeout=30,
        )
        assert answer.status_code == 200
        texts = [message.get("text", "") for message in answer.json()]
        assert texts, "the bot said nothing"
        assert TROUBLE_REPLY not in texts
    finally:
        supervisor.send_signal(signal.SIGINT)
        supervisor.wait(timeout=30)
        reader.join(timeout=5)
        assert supervisor.stdout is not None
        supervisor.stdout.close()
    out = "".join(lines)
    assert supervisor.returncode == 0
    assert out.index("arbot is starting") < out.index("arbot is running: the bot answers now")
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
