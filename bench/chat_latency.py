"""Latency and throughput of a chat message through the gateway, against Rasa alone.

What the gateway adds to every message — the transcript (inbound and outbound), the
collector-takeover check, the sender's account for the disclosure, one hop to Rasa — is
measured against a baseline taken in the same run: the same message sent straight to the
same Rasa. The machine may be shared and noisy, so the ratio matters more than the
milliseconds.

Two modes:

- default: a stand-in Rasa that answers at once (this script, ``--serve-fake-rasa``) and the
  web app, each in its own process, on a temporary SQLite database migrated and loaded with
  the demo portfolio. This isolates the gateway's own cost.
- ``--rasa URL --gateway URL``: a running deployment (``make run``); the baseline is the
  real Rasa, so the ratio is what a customer feels. Rasa alone answers in ~40 ms and serves
  ~23 msg/s per process (SPEC §10).

Usage::

    .venv/app/bin/python bench/chat_latency.py --messages 400 --concurrency 1,8
    .venv/app/bin/python bench/chat_latency.py --rasa http://127.0.0.1:5005 \\
        --gateway http://127.0.0.1:8000 --messages 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2026-11-22T15:00:00+00:00"
PHONES = [f"+1617555{n:04d}" for n in range(200, 264)]  # not in the demo: no takeover, no lock


@dataclass(frozen=True)
class Run:
    label: str
    latencies: list[float]
    seconds: float

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        rate = len(ms) / self.seconds
        return (
            f"{self.label:<34} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"
            f"   {rate:7.1f} msg/s"
        )


async def drive(
    label: str, url: str, body: Callable[[str, int], dict[str, Any]], messages: int, workers: int
) -> Run:
    """Sends ``messages`` messages with ``workers`` senders in parallel, each one at a time."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def sender(phone: str, count: int) -> None:
            for n in range(count):
                started = time.perf_counter()
                response = await client.post(url, json=body(phone, n))
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        share = [messages // workers + (1 if i < messages % workers else 0) for i in range(workers)]
        started = time.perf_counter()
        await asyncio.gather(*(sender(PHONES[i % len(PHONES)], share[i]) for i in range(workers)))
        return Run(f"{label} (x{workers})", latencies, time.perf_counter() - started)


def text(n: int) -> str:
    return ("hi", "how much do I owe", "I'll pay 300 on Friday", "thanks")[n % 4]


async def compare(rasa: str, gateway: str, messages: int, concurrency: list[int]) -> None:
    def direct(phone: str, n: int) -> dict[str, Any]:
        return {"sender": f"web:{phone}", "message": text(n)}

    def through(phone: str, n: int) -> dict[str, Any]:
        return {"sender": phone, "message": text(n)}

    await drive("warm-up", f"{gateway}/webhooks/rest/webhook", through, 8, 2)
    for workers in concurrency:
        base = await drive("Rasa alone", f"{rasa}/webhooks/rest/webhook", direct, messages, workers)
        full = await drive("through the gateway", f"{gateway}/webhooks/rest/webhook", through,
                           messages, workers)  # fmt: skip
        print(base.line())
        print(full.line())
        added = statistics.median(full.latencies) - statistics.median(base.latencies)
        ratio = statistics.median(full.latencies) / statistics.median(base.latencies)
        print(f"{'  gateway / Rasa alone (p50)':<34} {ratio:5.2f}x   (+{added * 1000:.1f} ms)\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{url}: the process exited with status {process.returncode}")
        try:
            httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    sys.exit(f"{url} did not come up in {seconds:.0f} s")


@contextmanager
def local_deployment() -> Iterator[tuple[str, str]]:
    """A stand-in Rasa and the web app on a demo database; yields both base URLs."""
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as folder:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
            "ARBOT_DATABASE_URL": f"sqlite:///{Path(folder) / 'arbot.db'}",
            "ARBOT_NOW": NOW,
        }
        arbot = str(Path(sys.executable).with_name("arbot"))
        for step in (["db", "upgrade"], ["demo"]):
            subprocess.run([arbot, *step], env=env, check=True, capture_output=True)
        rasa_port, web_port = free_port(), free_port()
        env["ARBOT_RASA_URL"] = f"http://127.0.0.1:{rasa_port}"
        rasa = [sys.executable, __file__, "--serve-fake-rasa", str(rasa_port)]
        web = [sys.executable, "-m", "uvicorn", "--factory", "bot.web.app:create_app"]
        web += ["--port", str(web_port), "--log-level", "warning", "--ws", "none"]
        processes = [subprocess.Popen(rasa, env=env), subprocess.Popen(web, env=env, cwd=ROOT)]
        try:
            wait_ready(f"http://127.0.0.1:{rasa_port}/", processes[0])
            wait_ready(f"http://127.0.0.1:{web_port}/health", processes[1])
            yield f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{web_port}"
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


def serve_fake_rasa(port: int) -> None:
    """A Rasa REST channel that answers every message at once with one text message."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse([{"recipient_id": body["sender"], "text": "Hello! How can I help?"}])

    async def hello(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("Hello from the stand-in Rasa")

    app = Starlette(
        routes=[Route("/", hello), Route("/webhooks/rest/webhook", webhook, methods=["POST"])]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=400, help="per concurrency level")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated sender counts")
    parser.add_argument("--rasa", help="a running Rasa (with --gateway)")
    parser.add_argument("--gateway", help="a running web app (with --rasa)")
    parser.add_argument("--serve-fake-rasa", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake_rasa:
        serve_fake_rasa(args.serve_fake_rasa)
        return
    concurrency = [int(n) for n in args.concurrency.split(",")]
    if bool(args.rasa) != bool(args.gateway):
        parser.error("--rasa and --gateway go together")
    if args.rasa:
        print(f"deployment: Rasa {args.rasa}, gateway {args.gateway}")
        asyncio.run(compare(args.rasa.rstrip("/"), args.gateway.rstrip("/"), args.messages,
                            concurrency))  # fmt: skip
        return
    with local_deployment() as (rasa, gateway):
        print("stand-in Rasa (answers at once) and the web app on a demo SQLite database")
        asyncio.run(compare(rasa, gateway, args.messages, concurrency))


if __name__ == "__main__":
    main()
