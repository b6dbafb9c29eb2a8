"""``arbot run``: every process under one supervisor; Ctrl-C stops them all.

What it starts is the process plan of :mod:`bot.cli.plan`: the action servers, the Rasa
replicas, the web app (gateway, console, API) and the reminder scheduler (``arbot
scheduler``; when another scheduler already holds the database's scheduler lock it waits to
take over). A process that stops after it has been running for a while (a replica killed,
out of memory) is started again, and the gateway passes that replica over meanwhile; one
that stops within :data:`STARTUP_SECONDS` of starting did not start at all, and then
``arbot run`` stops everything and says which one failed.

``arbot run`` first says what it starts ("arbot is starting"), then waits until every
process that serves answers — Rasa only listens once its model is loaded — and only then
says "arbot is running": the first message after that is answered by the bot. Should a
process not answer within :data:`READY_SECONDS`, it says which, and keeps running.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import click
import httpx

from bot.cli.context import wired
from bot.cli.plan import Plan, ProcessSpec, action_server_urls, processes, project_root
from bot.scheduler.timetable import Timetable
from bot.settings import Settings, load_settings

__all__ = ["Plan", "ProcessSpec", "processes", "project_root", "run", "supervise"]

POLL_SECONDS = 0.5
STOP_GRACE_SECONDS = 10
#: a process that exits sooner than this after starting failed to start: everything stops
STARTUP_SECONDS = 30.0
#: how long ``arbot run`` waits for every process to answer before saying which did not
READY_SECONDS = 300.0
DEMO_PHONE = "+16175550101"


@dataclass
class _Child:
    spec: ProcessSpec
    popen: subprocess.Popen[bytes]
    started: float


def _start(spec: ProcessSpec) -> subprocess.Popen[bytes]:
    env = {**os.environ, **spec.env} if spec.env else None
    lower = functools.partial(os.nice, spec.niceness) if spec.niceness else None
    return subprocess.Popen(spec.argv, env=env, cwd=spec.cwd, preexec_fn=lower)  # noqa: S603


@click.command()
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="NAME",
    help="Start only these processes (rasa-2, actions-1, web, scheduler, or a kind: rasa,"
    " actions), wherever their URLs point; repeat or separate with commas.",
)
def run(only: tuple[str, ...]) -> None:
    """Start every arbot process and keep them running until Ctrl-C."""
    names = {name.strip() for item in only for name in item.split(",") if name.strip()}
    settings = load_settings()
    plan = processes(settings, only=names)
    if not plan.specs:
        raise click.ClickException("; ".join(plan.notes) or "nothing to start")
    wired(check_schema=any(spec.kind != "rasa" for spec in plan.specs))
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    failure = supervise(
        plan,
        lambda: stopping,
        started=lambda c: _describe(settings, plan, c),
        ready=_announce,
    )
    if failure is not None:
        raise click.ClickException(failure)
    click.echo("arbot stopped")


def supervise(
    plan: Plan,
    stopping: Callable[[], bool],
    *,
    started: Callable[[Mapping[str, subprocess.Popen[bytes]]], None] = lambda _c: None,
    ready: Callable[[float, list[str]], None] = lambda _s, _w: None,
    startup_seconds: float = STARTUP_SECONDS,
    ready_seconds: float = READY_SECONDS,
    answers: Callable[[str], bool] | None = None,
) -> str | None:
    """Runs the plan's processes until ``stopping()``, then stops them all.

    A process that exits after ``startup_seconds`` is started again; one that exits
    sooner stops everything, and the returned message names it (None after ``stopping``).
    ``ready(seconds, waiting)`` is called once: when every process with a ``ready_url``
    answers there (``waiting`` empty), or after ``ready_seconds`` with those that do not.
    """
    answers = answers or _answers
    begun = time.monotonic()
    children = {spec.name: _Child(spec, _start(spec), begun) for spec in plan.specs}
    started({name: child.popen for name, child in children.items()})
    waiting = {spec.name: spec.ready_url for spec in plan.specs if spec.ready_url}
    announced = False
    failure = None
    while failure is None and not stopping():
        if not announced:
            for name, url in list(waiting.items()):
                if answers(url):
                    del waiting[name]
            elapsed = time.monotonic() - begun
            if not waiting or elapsed > ready_seconds:
                ready(elapsed, sorted(waiting))
                announced = True
        for name, child in children.items():
            status = child.popen.poll()
            if status is None:
                continue
            if time.monotonic() - child.started < startup_seconds:
                failure = f"process {name!r} exited with status {status}"
                break
            click.echo(f"arbot: {name} exited with status {status}; starting it again")
            children[name] = _Child(child.spec, _start(child.spec), time.monotonic())
        time.sleep(POLL_SECONDS)
    _stop_all([child.popen for child in children.values()])
    return failure


def _answers(url: str) -> bool:
    """Whether something answers HTTP at ``url`` (any status: it is listening)."""
    try:
        httpx.get(url, timeout=1.0)
    except httpx.HTTPError:
        return False
    return True


def _announce(seconds: float, waiting: list[str]) -> None:
    if waiting:
        click.echo(
            f"arbot is running, but {', '.join(waiting)} did not answer within {seconds:.0f} s;"
            " until it does, the bot answers that it is having trouble"
        )
    else:
        click.echo(f"arbot is running: the bot answers now (ready {seconds:.0f} s after start)")


def _describe(
    settings: Settings, plan: Plan, children: Mapping[str, subprocess.Popen[bytes]]
) -> None:
    """What runs where, and what to try first."""
    url = f"http://{settings.web_host}:{settings.web_port}"
    cli = _shown(Path(sys.executable).with_name("arbot"))
    click.echo(f"arbot is starting: {', '.join(children)}")
    if any(name.startswith("rasa-") for name in children):
        click.echo(
            "  wait for     'arbot is running' below: Rasa loads its model first (about a minute)"
        )
    if "web" in children:
        click.echo(f"  console      {url}/console  (health: {url}/health)")
        click.echo(
            "               logins: the ones `arbot demo` printed, or `arbot user add EMAIL`"
        )
        click.echo(f"  chat with    {cli} chat   (as {DEMO_PHONE}; --as PHONE for another sender)")
        click.echo(f"               or POST {url}/webhooks/rest/webhook")
    for number, rasa_url in enumerate(settings.rasa_urls, start=1):
        if f"rasa-{number}" in children:
            click.echo(f"  {f'rasa-{number}':<12} {rasa_url}")
    for number, action_url in enumerate(action_server_urls(settings), start=1):
        if f"actions-{number}" in children:
            click.echo(f"  {f'actions-{number}':<12} {action_url}")
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


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
