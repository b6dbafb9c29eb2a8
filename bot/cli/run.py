"""``arbot run``: every process under one supervisor; Ctrl-C stops them all.

Processes: the action server (rasa-sdk), Rasa (from ``.venv/rasa``, serving the newest
``models/arbot-*.tar.gz``), the web app (gateway, console, API) and the reminder scheduler
(``arbot scheduler``; when another scheduler already holds the database's scheduler lock
it waits to take over). Without a trained model Rasa and the action server are skipped
with a note; the gateway then answers that it is having trouble, and everything else works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import click

import bot
from bot.cli.context import wired
from bot.scheduler.timetable import Timetable
from bot.settings import Settings
from integrations import rasa_server

POLL_SECONDS = 0.5
STOP_GRACE_SECONDS = 10
DEMO_PHONE = "+16175550101"


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None


@dataclass(frozen=True)
class Plan:
    """What ``arbot run`` starts, and what it says about what it does not start."""

    specs: tuple[ProcessSpec, ...]
    notes: tuple[str, ...] = ()


def project_root() -> Path:
    """The repository: the folder holding the ``bot`` package, ``models/`` and ``.venv/``."""
    return Path(bot.__file__).resolve().parent.parent


def processes(settings: Settings, root: Path | None = None) -> Plan:
    """The processes of a deployment on this machine, in start order."""
    root = root or project_root()
    dialogue, notes = _dialogue(settings, root)
    web = ProcessSpec("web", _web_argv(settings))
    return Plan((*dialogue, web, ProcessSpec("scheduler", _scheduler_argv())), notes)


def _dialogue(settings: Settings, root: Path) -> tuple[tuple[ProcessSpec, ...], tuple[str, ...]]:
    rasa_url = settings.rasa_urls[0]
    actions = rasa_server.action_server_command(sys.executable, settings.action_server_url)
    action_spec = ProcessSpec("actions", actions.argv, actions.env)
    if not rasa_server.is_local(rasa_url):
        note = f"Rasa at {', '.join(settings.rasa_urls)} is not on this machine: not started"
        local_actions = rasa_server.is_local(settings.action_server_url)
        return ((action_spec,) if local_actions else ()), (note,)
    rasa = root / ".venv" / "rasa" / "bin" / "rasa"
    if not rasa.is_file():
        return (), (f"Rasa not started: {rasa} is missing (run `make envs`)",)
    model = rasa_server.newest_model(root / "models")
    if model is None:
        return (), (
            f"Rasa not started: no trained model in {root / 'models'} (run `make model`);"
            " until then the bot answers that it is having trouble",
        )
    endpoints, credentials = rasa_server.write_config(
        root / "var" / "rasa",
        settings.action_server_url,
        str(root / "var" / "rasa_tracker.db"),
    )
    command = rasa_server.rasa_command(rasa, model, rasa_url, endpoints, credentials, project=root)
    rasa_spec = ProcessSpec("rasa", command.argv, command.env, command.cwd)
    note = f"Rasa serves {model.name}; it takes a minute to load before the bot answers"
    return (action_spec, rasa_spec), (note,)


def _web_argv(settings: Settings) -> tuple[str, ...]:
    return (
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


def _scheduler_argv() -> tuple[str, ...]:
    """``arbot scheduler``, by the app env's ``arbot`` script when it is installed."""
    script = Path(sys.executable).with_name("arbot")
    if script.is_file():
        return (str(script), "scheduler")
    return (sys.executable, "-c", "from bot.cli.main import main; main()", "scheduler")


def _start(spec: ProcessSpec) -> subprocess.Popen[bytes]:
    env = {**os.environ, **spec.env} if spec.env else None
    return subprocess.Popen(spec.argv, env=env, cwd=spec.cwd)  # noqa: S603


@click.command()
def run() -> None:
    """Start every arbot process and keep them running until Ctrl-C."""
    app = wired()
    settings = app.settings
    plan = processes(settings)
    children = {spec.name: _start(spec) for spec in plan.specs}
    _describe(settings, plan, children)
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


def _describe(
    settings: Settings, plan: Plan, children: Mapping[str, subprocess.Popen[bytes]]
) -> None:
    url = f"http://{settings.web_host}:{settings.web_port}"
    cli = _shown(Path(sys.executable).with_name("arbot"))
    click.echo(f"arbot is running: {', '.join(children)}")
    click.echo(f"  console      {url}/console  (health: {url}/health)")
    click.echo("               logins: the ones `arbot demo` printed, or `arbot user add EMAIL`")
    click.echo(f"  chat with    {cli} chat   (as {DEMO_PHONE}; --as PHONE for another sender)")
    click.echo(f"               or POST {url}/webhooks/rest/webhook")
    if "rasa" in children:
        click.echo(f"  rasa         {settings.rasa_urls[0]}")
    if "actions" in children:
        click.echo(f"  actions      {settings.action_server_url}")
    if "scheduler" in children:
        click.echo(f"  scheduler    {Timetable.from_settings(settings).describe()}")
        click.echo("               (one active per database; another waits to take over)")
    for note in plan.notes:
        click.echo(f"  note         {note}")
    click.echo(f"  try          {cli} show A-1012   ({cli} --help lists every command)")
    click.echo(f"               {cli} report aging · {cli} report kpis")
    click.echo("  stop         Ctrl-C")


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is beneath it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
