"""What ``arbot run`` starts: the process plan of a deployment, from the settings.

In start order: the action servers ``actions-1..M`` (rasa-sdk), the Rasa replicas
``rasa-1..N`` (from ``.venv/rasa``, serving the newest ``models/arbot-*.tar.gz``), the web
app and the reminder scheduler. Replica i calls action server ((i - 1) mod M) + 1 (Rasa has
one action endpoint) and gets its own endpoints file under ``var/rasa/rasa-i/``.

Without ``--only`` the servers whose URLs name this machine are started and the others are
noted; ``--only NAME`` (a name such as ``rasa-2``, or a kind: ``rasa``, ``actions``,
``web``, ``scheduler``) starts just those, wherever their URLs point — one systemd unit per
process runs ``arbot run --only rasa-%i`` on the host that serves it. Without a trained
model Rasa and the action servers are skipped with a note; the gateway then answers that it
is having trouble, and everything else works.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import bot
from bot.errors import ConfigError
from bot.settings import Settings, consecutive_ports
from integrations import rasa_server

KINDS = ("actions", "rasa", "web", "scheduler")
#: how much lower the dialogue servers (Rasa, the action servers) run than the web app and
#: the scheduler: the web app answers webhooks at once (SPEC §7) while Rasa's turns, however
#: busy, take the cores left
DIALOGUE_NICENESS = 5


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    #: a URL that answers once the process serves (Rasa: once its model is loaded)
    ready_url: str | None = None

    @property
    def kind(self) -> str:
        """``rasa`` for ``rasa-2``: what the process is, whichever replica."""
        return self.name.partition("-")[0]

    @property
    def niceness(self) -> int:
        """How much lower than ``arbot run`` the process runs (``nice``):
        :data:`DIALOGUE_NICENESS` for Rasa and the action servers, 0 for the web app and
        the scheduler — on a busy machine a Rasa turn waits a little, a webhook does not."""
        return DIALOGUE_NICENESS if self.kind in ("rasa", "actions") else 0


@dataclass(frozen=True)
class Plan:
    """What ``arbot run`` starts, and what it says about what it does not start."""

    specs: tuple[ProcessSpec, ...]
    notes: tuple[str, ...] = ()


def project_root() -> Path:
    """The repository: the folder holding the ``bot`` package, ``models/`` and ``.venv/``."""
    return Path(bot.__file__).resolve().parent.parent


def action_server_urls(settings: Settings) -> tuple[str, ...]:
    """The action servers' webhook URLs: ``ARBOT_ACTION_SERVERS`` consecutive ports."""
    return consecutive_ports(settings.action_server_url, settings.action_servers, 5055)


def processes(
    settings: Settings,
    root: Path | None = None,
    only: Collection[str] = (),
    *,
    var: Path | None = None,
) -> Plan:
    """The processes of a deployment on this machine (or just ``only``), in start order.

    Rasa's endpoints files go to ``var``, by default ``var/`` of the repository ``root``;
    its tracker store is :func:`tracker_store_of` the settings.

    Raises:
        ConfigError: when ``only`` names no process of this deployment, or Rasa replicas
            would start without the stores they must share (:func:`shared_stores_problem`).
    """
    root = root or project_root()
    unknown = [name for name in only if not _named(name, settings)]
    if unknown:
        raise ConfigError(f"--only: {', '.join(unknown)} is not one of {_names(settings)}")
    dialogue, notes = _dialogue(settings, root, only, var or root / "var")
    web = ProcessSpec("web", _web_argv(settings), ready_url=f"{_local_url(settings)}/health")
    own = (web, ProcessSpec("scheduler", _scheduler_argv()))
    specs = (*dialogue, *own)
    if only:
        specs = tuple(spec for spec in specs if spec.name in only or spec.kind in only)
    return Plan(specs, notes)


def tracker_store_of(settings: Settings) -> str:
    """Rasa's tracker store: ``ARBOT_TRACKER_STORE_URL``, else the one that goes with the
    AR database (:func:`integrations.rasa_server.default_tracker_store`).

    A relative SQLite path is made absolute from the working directory, where the other
    processes open the AR database's relative path too (Rasa runs in the repository).

    Raises:
        ConfigError: when there is no default for this AR database and none is set.
    """
    if settings.tracker_store_url:
        return settings.tracker_store_url
    tracker = rasa_server.default_tracker_store(settings.database_url)
    if "://" in tracker:
        return tracker
    return str(Path.cwd() / tracker)


def shared_stores_problem(settings: Settings) -> str | None:
    """Why these settings cannot run several Rasa replicas, or None when they can.

    Replicas share each conversation, so they need one tracker store (PostgreSQL) and one
    lock store (Redis); Rasa's in-memory lock store would let two replicas answer one
    conversation at once.
    """
    replicas = len(settings.rasa_urls)
    if replicas == 1:
        return None
    if not settings.lock_store_url:
        return (
            f"{replicas} Rasa replicas need a shared Redis lock store:"
            " set ARBOT_LOCK_STORE_URL (redis://host:6379/0)"
        )
    if not tracker_store_of(settings).lower().startswith("postgres"):
        return (
            f"{replicas} Rasa replicas need a shared tracker store: a PostgreSQL AR"
            " database (ARBOT_DATABASE_URL), or ARBOT_TRACKER_STORE_URL set to a"
            " postgresql:// URL"
        )
    return None


def _dialogue(
    settings: Settings, root: Path, only: Collection[str], var: Path
) -> tuple[tuple[ProcessSpec, ...], tuple[str, ...]]:
    """The action servers and Rasa replicas to start here, and notes on the others."""
    action_urls = action_server_urls(settings)
    actions = tuple(_action_spec(n, url) for n, url in enumerate(action_urls, start=1))
    replicas = tuple(enumerate(settings.rasa_urls, start=1))
    notes: list[str] = []
    if only:
        replicas = tuple((n, u) for n, u in replicas if f"rasa-{n}" in only or "rasa" in only)
    else:
        actions = tuple(
            s for s, url in zip(actions, action_urls, strict=True) if rasa_server.is_local(url)
        )
        remote = [url for _, url in replicas if not rasa_server.is_local(url)]
        replicas = tuple((n, url) for n, url in replicas if rasa_server.is_local(url))
        if remote:
            notes.append(f"Rasa at {', '.join(remote)} is not on this machine: not started")
    if not replicas:
        return actions, tuple(notes)
    problem = shared_stores_problem(settings)
    if problem:
        raise ConfigError(problem)
    found = _rasa_and_model(root)
    if isinstance(found, str):  # the action servers serve nobody then, unless named
        return (actions if only else ()), (*notes, found)
    rasa, model = found
    tracker = tracker_store_of(settings)
    secrets = rasa_server.store_environment(tracker, settings.lock_store_url)
    specs = []
    for number, url in replicas:
        action_url = action_urls[(number - 1) % len(action_urls)]
        endpoints, credentials = rasa_server.write_config(
            var / "rasa" / f"rasa-{number}", action_url, tracker, settings.lock_store_url
        )
        command = rasa_server.rasa_command(
            rasa, model, url, endpoints, credentials, project=root, env=secrets
        )
        # Rasa listens only once its model is loaded: its root URL answering means ready
        specs.append(
            ProcessSpec(f"rasa-{number}", command.argv, command.env, command.cwd, f"{url}/")
        )
    notes.append(f"Rasa serves {model.name}; it takes a minute to load before the bot answers")
    return (*actions, *specs), tuple(notes)


def _rasa_and_model(root: Path) -> tuple[Path, Path] | str:
    """Rasa's program and the model it serves, or why Rasa cannot start here."""
    rasa = root / ".venv" / "rasa" / "bin" / "rasa"
    if not rasa.is_file():
        return f"Rasa not started: {rasa} is missing (run `make envs`)"
    model = rasa_server.newest_model(root / "models")
    if model is None:
        return (
            f"Rasa not started: no trained model in {root / 'models'} (run `make model`);"
            " until then the bot answers that it is having trouble"
        )
    return rasa, model


def _action_spec(number: int, url: str) -> ProcessSpec:
    command = rasa_server.action_server_command(sys.executable, url)
    health = f"{url.rstrip('/').removesuffix('/webhook')}/health"
    return ProcessSpec(f"actions-{number}", command.argv, command.env, ready_url=health)


def _local_url(settings: Settings) -> str:
    """The web app's address as seen from this machine."""
    host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host  # noqa: S104
    return f"http://{host}:{settings.web_port}"


def _names(settings: Settings) -> str:
    rasa = [f"rasa-{n}" for n in range(1, len(settings.rasa_urls) + 1)]
    actions = [f"actions-{n}" for n in range(1, settings.action_servers + 1)]
    return ", ".join([*KINDS, *actions, *rasa])


def _named(name: str, settings: Settings) -> bool:
    return name in _names(settings).split(", ")


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
