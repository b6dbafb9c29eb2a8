"""``arbot run``: every process under one supervisor; Ctrl-C stops them all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import click

from bot.cli.context import wired
from bot.settings import Settings

POLL_SECONDS = 0.5
STOP_GRACE_SECONDS = 10


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]


def processes(settings: Settings) -> tuple[ProcessSpec, ...]:
    """What a deployment runs; later work adds Rasa, the action server and the scheduler."""
    web = (
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bot.web.app:create_app",
        "--host",
        settings.web_host,
        "--port",
        str(settings.web_port),
        "--log-level",
        "warning",
        "--ws",  # the websockets release rasa-sdk pins is too old for uvicorn; none is used
        "none",
    )
    return (ProcessSpec("web", web),)


@click.command()
def run() -> None:
    """Start every arbot process and keep them running until Ctrl-C."""
    app = wired()
    settings = app.settings
    specs = processes(settings)
    children = {spec.name: subprocess.Popen(spec.argv) for spec in specs}  # noqa: S603
    url = f"http://{settings.web_host}:{settings.web_port}"
    click.echo(f"arbot is running: {', '.join(children)}")
    click.echo(f"  web app      {url}  (health: {url}/health)")
    cli = Path(sys.executable).with_name("arbot")
    click.echo(f"  try          {cli} show A-1012   ({cli} --help lists every command)")
    click.echo(f"               {cli} report aging · {cli} report kpis")
    click.echo("  stop         Ctrl-C")
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    failed = None
    while not stopping and failed is None:
        failed = next((name for name, child in children.items() if child.poll() is not None), None)
        time.sleep(POLL_SECONDS)
    _stop_all(children)
    if failed is not None:
        raise click.ClickException(
            f"process {failed!r} exited with status {children[failed].returncode}"
        )
    click.echo("arbot stopped")


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
