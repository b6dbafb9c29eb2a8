"""Per-turn latency and throughput of a chat message through the gateway, against Rasa alone.

What the gateway adds to every message — the transcript (inbound and outbound), the
collector-takeover check, the sender's account for the disclosure, one hop to Rasa — is
measured against a baseline taken in the same run: the same messages sent straight to the
same Rasa. The machine may be shared and noisy, so the ratios matter more than the
milliseconds. Targets: the gateway's p95 at most 1.5x the bare server's, its throughput at
least 0.8x.

Two modes:

- default: a bare Rasa serving the minimal model of ``bench/minimal_rasa/`` (trained into
  ``.cache/bench/`` only when its files changed) and the web app in front of it, on a
  temporary SQLite database migrated and loaded with the demo portfolio.
- ``--rasa URL --gateway URL``: a running deployment (``make run``); the baseline is its
  Rasa, so the ratio is what a customer feels. Every simulated customer posts from this
  machine, so start that deployment with ``ARBOT_WEBCHAT_RATE_LIMIT=0`` (or above what
  the run sends a minute): the web chat's per-client limit would otherwise answer 429.
  The local deployment turns the limit off itself.

Each sender holds four-turn conversations, each from a new phone number that is not in the
demo portfolio (no takeover, no disclosure); the bare Rasa and the gateway get different
numbers, so neither sees the other's trackers. Each concurrency level is measured in rounds
that alternate which side goes first, so a burst of load from elsewhere hits both alike.
Errors (a transport error, a non-2xx status, a body that is not a JSON list, the gateway's
"having trouble" reply) are counted; any makes the exit status 1. The servers' output goes
to ``.cache/bench/rasa.log`` and ``gateway.log``, ``rasa train``'s to ``train.log``.

Usage::

    .venv/app/bin/python bench/chat_latency.py --messages 400 --concurrency 1,8
    .venv/app/bin/python bench/chat_latency.py --rasa http://127.0.0.1:5005 \\
        --gateway http://127.0.0.1:8000 --messages 100
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services.chat import TROUBLE_REPLY  # noqa: E402

PROJECT = ROOT / "bench" / "minimal_rasa"
CACHE = ROOT / ".cache" / "bench"
RASA = ROOT / ".venv" / "rasa" / "bin" / "rasa"
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
WEBHOOK = "/webhooks/rest/webhook"  # Rasa's REST channel, which the gateway speaks too
NOW = "2026-11-22T15:00:00+00:00"
TEXTS = ("hi", "how much do I owe", "I'll pay 300 on Friday", "thanks")  # one conversation
P95_TARGET = 1.5  # gateway p95 / bare p95, at most
RATE_TARGET = 0.8  # gateway msg/s / bare msg/s, at least
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


# --- the minimal model ------------------------------------------------------------------


def model_inputs() -> list[Path]:
    """What the minimal model is trained from, Rasa's own version included."""
    data = sorted(p for p in (PROJECT / "data").rglob("*") if p.is_file())
    return [PROJECT / "config.yml", PROJECT / "domain.yml", *data, ROOT / "requirements/rasa.lock"]


def fingerprint() -> str:
    """SHA-256 (first 12 hex digits) of the model's inputs, as scripts/rasa_model.py does."""
    sha = hashlib.sha256()
    for path in model_inputs():
        sha.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]


def ensure_model() -> Path:
    """The minimal model trained from the current files, training it first if needed."""
    target = CACHE / f"minimal-{fingerprint()}.tar.gz"
    if target.is_file():
        progress(f"minimal model is current ({target.relative_to(ROOT)})")
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    log = CACHE / "train.log"
    progress(f"training {target.relative_to(ROOT)} (about a minute; log: {log.relative_to(ROOT)})")
    command = [str(RASA), "train", "--config", "config.yml", "--domain", "domain.yml"]
    command += ["--data", "data", "--out", str(CACHE), "--fixed-model-name", target.stem[:-4]]
    env = {**os.environ, **RASA_ENV, "RASA_CACHE_DIRECTORY": str(CACHE / "rasa-cache")}
    with log.open("wb") as out:
        done = subprocess.run(command, cwd=PROJECT, env=env, stdout=out, stderr=out, check=False)
    if done.returncode != 0 or not target.is_file():
        sys.exit(f"rasa train failed (status {done.returncode}); see {log}")
    for old in CACHE.glob("minimal-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


# --- the local deployment ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_of(name: str) -> Path:
    return CACHE / f"{name}.log"


@contextmanager
def server(
    name: str, command: list[str], env: dict[str, str], cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Runs ``command`` in a process group of its own, output to .cache/bench/NAME.log, and
    stops the whole group on the way out, whatever the way out is (Ctrl-C, an error).
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    with log_of(name).open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=out, start_new_session=True
        )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, seconds in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            continue


def wait_ready(url: str, process: subprocess.Popen[bytes], name: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} exited with status {process.returncode}; see {log_of(name)}")
        try:
            if httpx.get(url, timeout=2).status_code == httpx.codes.OK:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    sys.exit(f"{name} ({url}) did not come up in {seconds:.0f} s; see {log_of(name)}")


def demo_database(folder: Path) -> dict[str, str]:
    """Migrates and loads a demo SQLite database in ``folder``; returns the app's env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")}
    env |= {"ARBOT_DATABASE_URL": f"sqlite:///{folder / 'arbot.db'}", "ARBOT_NOW": NOW}
    env["ARBOT_WEBCHAT_RATE_LIMIT"] = "0"  # every simulated customer posts from 127.0.0.1
    arbot = str(Path(sys.executable).with_name("arbot"))
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([arbot, *step], env=env, check=True, capture_output=True)
    return env


def rasa_command(model: Path, port: int) -> list[str]:
    """``rasa run`` (from bench/minimal_rasa/): HTTP API, REST channel, no action server."""
    command = [str(RASA), "run", "--enable-api", "--model", str(model), "--quiet"]
    command += ["--interface", "127.0.0.1", "--port", str(port)]
    return command + ["--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]


def web_command(port: int) -> list[str]:
    """The web app, as ``arbot run`` serves it (bot/cli/run.py)."""
    command = [sys.executable, "-m", "uvicorn", "--factory", "bot.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return command + ["--ws", "none"]


@contextmanager
def local_deployment(model: Path) -> Iterator[tuple[str, str]]:
    """The bare Rasa and the web app in front of it; yields both base URLs."""
    rasa_port, web_port = free_port(), free_port()
    rasa_url, web_url = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{web_port}"
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as folder, ExitStack() as stack:
        progress("migrating and loading the demo database")
        env = demo_database(Path(folder)) | {"ARBOT_RASA_URL": rasa_url}
        progress(f"starting the bare Rasa ({rasa_url}) and the web app ({web_url})")
        rasa_env = {**os.environ, **RASA_ENV}
        bare = stack.enter_context(
            server("rasa", rasa_command(model, rasa_port), rasa_env, PROJECT)
        )
        app = stack.enter_context(server("gateway", web_command(web_port), env, ROOT))
        wait_ready(f"{web_url}/health", app, "gateway", 60)
        wait_ready(f"{rasa_url}/status", bare, "rasa", 300)  # 200 once the model is loaded
        progress("both are up")
        yield rasa_url, web_url


# --- measuring --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """The latencies (seconds) of the messages that succeeded, the time taken, the errors."""

    latencies: list[float]
    seconds: float
    errors: int

    def __add__(self, other: Run) -> Run:
        total = self.latencies + other.latencies
        return Run(total, self.seconds + other.seconds, self.errors + other.errors)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        ranked = sorted(self.latencies)
        return ranked[math.ceil(len(ranked) * 0.95) - 1]  # nearest rank

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self, label: str) -> str:
        counts = f"{len(self.latencies)} ok, {self.errors} errors"
        if not self.latencies:
            return f"  {label:<20} no message succeeded{'':38}{counts}"
        return (
            f"  {label:<20} p50 {self.p50 * 1000:7.1f} ms   p95 {self.p95 * 1000:7.1f} ms"
            f"   {self.rate:6.1f} msg/s   {counts}"
        )


Body = Callable[[str, str], dict[str, Any]]
PHONES = (f"+16175{n:06d}" for n in itertools.count(552000))  # the demo's are 555 01xx


def failed(response: httpx.Response) -> bool:
    if not response.is_success:
        return True
    try:
        replies = response.json()
    except ValueError:
        return True
    return not isinstance(replies, list) or any(
        isinstance(r, dict) and TROUBLE_REPLY in str(r.get("text")) for r in replies
    )


async def post(client: httpx.AsyncClient, url: str, payload: dict[str, Any]) -> float | None:
    """One message; its latency in seconds, or None when it failed."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json=payload)
    except httpx.HTTPError:
        return None
    return None if failed(response) else time.perf_counter() - started


async def drive(url: str, body: Body, messages: int, workers: int) -> Run:
    """Sends ``messages`` messages with ``workers`` senders in parallel, each one at a time."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def sender(count: int) -> None:
            nonlocal errors
            phone = ""
            for n in range(count):
                if n % len(TEXTS) == 0:
                    phone = next(PHONES)  # a new conversation
                latency = await post(client, url, body(phone, TEXTS[n % len(TEXTS)]))
                if latency is None:
                    errors += 1
                else:
                    latencies.append(latency)

        share = [messages // workers + (1 if i < messages % workers else 0) for i in range(workers)]
        started = time.perf_counter()
        await asyncio.gather(*(sender(count) for count in share))
        return Run(latencies, time.perf_counter() - started, errors)


def direct(phone: str, text: str) -> dict[str, Any]:
    return {"sender": f"web:{phone}", "message": text}  # the sender id the gateway uses


def through(phone: str, text: str) -> dict[str, Any]:
    return {"sender": phone, "message": text}


async def level(
    rasa: str, gateway: str, messages: int, workers: int, rounds: int
) -> tuple[Run, Run]:
    """Both sides at one concurrency level, in rounds that alternate which goes first."""
    sides = [(f"{rasa}{WEBHOOK}", direct), (f"{gateway}{WEBHOOK}", through)]
    totals = [Run([], 0.0, 0), Run([], 0.0, 0)]
    for r in range(rounds):
        count = messages // rounds + (1 if r < messages % rounds else 0)
        for side in (0, 1) if r % 2 == 0 else (1, 0):
            totals[side] += await drive(*sides[side], count, workers)
    return totals[0], totals[1]


def verdict(ratio: float, target: float, *, at_most: bool) -> str:
    met = ratio <= target if at_most else ratio >= target
    sign = "<=" if at_most else ">="
    return f"{ratio:5.2f}x   target {sign} {target}: {'met' if met else 'MISSED'}"


def report(workers: int, bare: Run, full: Run) -> None:
    print(f"concurrency {workers}:")
    print(bare.line("Rasa alone"))
    print(full.line("through the gateway"))
    if bare.latencies and full.latencies:
        p95 = verdict(full.p95 / bare.p95, P95_TARGET, at_most=True)
        rate = verdict(full.rate / bare.rate, RATE_TARGET, at_most=False)
        print(f"  {'p95 gateway/bare':<20} {p95}")
        print(f"  {'msg/s gateway/bare':<20} {rate}")
    print(flush=True)


async def compare(rasa: str, gateway: str, messages: int, levels: list[int], rounds: int) -> int:
    """Measures every level and prints the figures; returns the number of errors."""
    progress("warming up both")
    for _ in range(2):
        for url, body in ((rasa, direct), (gateway, through)):
            await drive(f"{url}{WEBHOOK}", body, 8 * max(levels), max(levels))
    errors = 0
    for workers in levels:
        progress(f"measuring {messages} messages a side with {workers} sender(s)")
        bare, full = await level(rasa, gateway, messages, workers, rounds)
        report(workers, bare, full)
        errors += bare.errors + full.errors
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=400, help="per side and level")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated sender counts")
    parser.add_argument("--rounds", type=int, default=4, help="alternations per level")
    parser.add_argument("--rasa", help="a running Rasa (with --gateway)")
    parser.add_argument("--gateway", help="a running web app (with --rasa)")
    args = parser.parse_args()
    levels = [int(n) for n in args.concurrency.split(",")]
    if bool(args.rasa) != bool(args.gateway):
        parser.error("--rasa and --gateway go together")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped
    try:
        if args.rasa:
            print(f"deployment: Rasa {args.rasa}, gateway {args.gateway}")
            rasa, gateway = args.rasa.rstrip("/"), args.gateway.rstrip("/")
            errors = asyncio.run(compare(rasa, gateway, args.messages, levels, args.rounds))
        else:
            with local_deployment(ensure_model()) as (rasa, gateway):
                errors = asyncio.run(compare(rasa, gateway, args.messages, levels, args.rounds))
    except KeyboardInterrupt:
        print("interrupted; the servers were stopped", file=sys.stderr)
        sys.exit(130)
    progress(f"done, {errors} errors")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
