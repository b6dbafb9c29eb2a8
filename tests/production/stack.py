"""The production profile under ``arbot run``'s supervisor, texted through signed webhooks.

Shared by the fault tests (``tests/production/test_faults.py``) and the benches
(``bench/load_twilio.py``, ``bench/faults.py``); nothing here needs pytest. A
:class:`Supervised` stack is the process plan of :mod:`bot.cli.plan` — the action servers,
the Rasa replicas and the web app — run by :mod:`tests.production.supervised` (``arbot
run``'s own supervisor, so a killed process comes back by itself) with the real Twilio
sender sending to a :class:`~tests.fakes.twilio_api.FakeTwilio` in this process.
:func:`environment` gives every process its ports, stores and providers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from bot.cli.plan import ProcessSpec, action_server_urls, processes, project_root
from bot.settings import Settings, load_settings
from tests.cli.runner import ARBOT, NOW
from tests.fakes.twilio_api import FROM as TWILIO_FROM
from tests.fakes.twilio_api import FakeTwilio

READY_SECONDS = float(os.environ.get("ARBOT_TEST_RASA_START_SECONDS", "240"))
SMS_PATH = "/webhooks/twilio/sms"
DIALOGUE = ("actions", "rasa", "web")


class StackFailed(RuntimeError):
    """The stack did not come up, or a step of setting it up failed (the message says)."""


def free_ports(count: int) -> int:
    """A port p such that nothing listens on p .. p + count - 1 (consecutive ports)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if all(_is_free(first + n) for n in range(1, count)):
            return first
    raise StackFailed(f"no {count} consecutive free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def environment(
    *,
    database: str,
    tracker: str,
    lock: str,
    twilio: FakeTwilio,
    replicas: int = 1,
    action_servers: int = 1,
) -> dict[str, str]:
    """The ``ARBOT_*`` settings of a production-profile stack on free local ports.

    Args:
        database: the AR database's SQLAlchemy URL.
        tracker: Rasa's tracker store (``postgresql://``).
        lock: Rasa's Redis lock store (``redis://host:port/db[?key_prefix=…]``).
        twilio: the served fake the real Twilio sender sends to (its ``url`` set).
    """
    web = f"http://127.0.0.1:{free_ports(1)}"
    return {
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": NOW,
        "ARBOT_WEB_PORT": web.rpartition(":")[2],
        "ARBOT_PUBLIC_URL": web,
        "ARBOT_RASA_URL": f"http://127.0.0.1:{free_ports(replicas)}",
        "ARBOT_RASA_REPLICAS": str(replicas),
        "ARBOT_ACTION_SERVER_URL": f"http://127.0.0.1:{free_ports(action_servers)}/webhook",
        "ARBOT_ACTION_SERVERS": str(action_servers),
        "ARBOT_TRACKER_STORE_URL": tracker,
        "ARBOT_LOCK_STORE_URL": lock,
        "ARBOT_SMS_PROVIDER": "twilio",
        "ARBOT_TWILIO_ACCOUNT_SID": twilio.account_sid,
        "ARBOT_TWILIO_AUTH_TOKEN": twilio.auth_token,
        "ARBOT_TWILIO_FROM": TWILIO_FROM,
        "ARBOT_TWILIO_API_URL": twilio.url,
    }


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")}


def load_demo(database: str) -> None:
    """Migrates ``database`` and loads the demo portfolio (``arbot db upgrade``, ``demo``)."""
    env = {**_clean_environment(), "ARBOT_DATABASE_URL": database, "ARBOT_NOW": NOW}
    for step in (("db", "upgrade"), ("demo",)):
        done = subprocess.run(  # noqa: S603
            [str(ARBOT), *step], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise StackFailed(f"arbot {' '.join(step)} failed: {done.stderr}")


@dataclass
class Supervised:
    """A running stack: the supervisor, the settings its processes share, their plan."""

    settings: Settings
    specs: Mapping[str, ProcessSpec]
    supervisor: subprocess.Popen[bytes]
    log: Path

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def health_urls(self) -> dict[str, str]:
        """Each process's readiness URL by plan name."""
        urls = {f"rasa-{n}": f"{u}/status" for n, u in enumerate(self.settings.rasa_urls, 1)}
        for number, url in enumerate(action_server_urls(self.settings), start=1):
            urls[f"actions-{number}"] = url.removesuffix("/webhook") + "/health"
        urls["web"] = f"{self.web_url}/health"
        return {name: url for name, url in urls.items() if name in self.specs}

    def pids(self) -> dict[str, int]:
        """The supervisor's children by plan name (read from /proc)."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rpartition(")")[2].split()[1])
                if parent != self.supervisor.pid:
                    continue
                argv = tuple((entry / "cmdline").read_bytes().decode().split("\0")[:-1])
                for name, spec in self.specs.items():
                    # a script's interpreter comes first (#!): the plan's argv ends it
                    if argv[-len(spec.argv) :] == spec.argv:
                        found[name] = int(entry.name)
        return found

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Sends ``sig`` to process ``name`` (as a crash would); returns the pid it had."""
        pid = self.pids()[name]
        os.kill(pid, sig)
        return pid

    def wait_ready(self, *names: str, seconds: float = READY_SECONDS) -> None:
        """Waits until each named process (default: all) answers its health URL."""
        deadline = time.monotonic() + seconds
        for name, url in self.health_urls().items():
            if names and name not in names:
                continue
            while not _answers(url):
                if self.supervisor.poll() is not None:
                    raise StackFailed(f"the supervisor exited:\n{self.tail()}")
                if time.monotonic() > deadline:
                    raise StackFailed(f"{name} not ready at {url}:\n{self.tail()}")
                time.sleep(0.5)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stops the supervisor, which stops every process (killed if it hangs)."""
        if self.supervisor.poll() is None:
            self.supervisor.terminate()
            try:
                self.supervisor.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.supervisor.pid, signal.SIGKILL)
                self.supervisor.wait(timeout=10)
        with suppress(ProcessLookupError):  # anything left of the group
            os.killpg(self.supervisor.pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == httpx.codes.OK
    except httpx.TransportError:
        return False


@contextmanager
def supervised(
    env: Mapping[str, str], work: Path, only: tuple[str, ...] = DIALOGUE
) -> Iterator[Supervised]:
    """Starts the plan's ``only`` processes under the supervisor and waits until all answer.

    Output of every process goes to ``work/stack.log``; Rasa's files to ``work/``.

    Raises:
        StackFailed: with the log's tail, when a process does not come up.
    """
    settings = load_settings(env, dotenv=None)
    plan = processes(settings, project_root(), only=set(only), var=work)
    log = work / "stack.log"
    argv = [sys.executable, "-m", "tests.production.supervised", str(work), ",".join(only)]
    with log.open("ab") as sink:
        popen = subprocess.Popen(  # noqa: S603
            argv,
            env={**_clean_environment(), **env},
            cwd=project_root(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = Supervised(settings, {spec.name: spec for spec in plan.specs}, popen, log)
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.stop()


def signed_sms(
    url: str, auth_token: str, phone: str, body: str, sid: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The form and headers Twilio posts to ``url`` when ``phone`` texts ``body``."""
    form = {"From": phone, "To": TWILIO_FROM, "Body": body, "MessageSid": sid}
    signature = RequestValidator(auth_token).compute_signature(url, form)
    return form, {"X-Twilio-Signature": signature}
