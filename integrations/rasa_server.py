"""How Rasa and the action server are started: command lines and Rasa's config files.

Rasa runs from its own environment (``.venv/rasa``) as a server (SPEC §2); the action server
is rasa-sdk in the app env. ``arbot run`` and the end-to-end tests both start them from
here, so the ports, the tracker store and the channels are set up the same way everywhere:

- the REST channel only (``credentials.yml``); the gateway is the one client;
- the SQL tracker store on a SQLite file and the in-memory lock store (one Rasa process);
- the action endpoint at ``ARBOT_ACTION_SERVER_URL``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: Rasa's own telemetry is off in every process arbot starts.
RASA_ENVIRONMENT = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
MODEL_PATTERN = "arbot-*.tar.gz"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})  # noqa: S104


@dataclass(frozen=True)
class ServerCommand:
    """A server process: its command line, extra environment and working directory."""

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None


CREDENTIALS_YAML = """\
# Rasa's input channels: only REST. The gateway (bot/web/gateway.py) receives SMS, Telegram
# and web chat itself and forwards each message here; Rasa's own connectors are not used.
rest:
"""


def endpoints_yaml(action_url: str, tracker_db: str) -> str:
    """Rasa's endpoints file: the action server, the SQLite tracker store, in-memory locks."""
    return (
        "# Rasa's endpoints, from integrations/rasa_server.py. `arbot run` writes its own copy\n"
        "# (var/rasa/) from the settings; the repository's copy has the defaults.\n"
        "action_endpoint:\n"
        f"  url: {json.dumps(action_url)}\n"
        "tracker_store:\n"
        "  type: SQL\n"
        "  dialect: sqlite\n"
        f"  db: {json.dumps(tracker_db)}\n"
        "lock_store:\n"
        "  type: in_memory\n"
    )


def write_config(directory: Path, action_url: str, tracker_db: str) -> tuple[Path, Path]:
    """Writes ``endpoints.yml`` and ``credentials.yml`` into ``directory``; returns both."""
    directory.mkdir(parents=True, exist_ok=True)
    endpoints = directory / "endpoints.yml"
    credentials = directory / "credentials.yml"
    endpoints.write_text(endpoints_yaml(action_url, tracker_db), encoding="utf-8")
    credentials.write_text(CREDENTIALS_YAML, encoding="utf-8")
    return endpoints, credentials


def newest_model(models: Path) -> Path | None:
    """The most recently trained ``arbot-*.tar.gz`` in ``models``, or None."""
    trained = [path for path in models.glob(MODEL_PATTERN) if path.is_file()]
    return max(trained, key=lambda path: path.stat().st_mtime, default=None)


def host_and_port(url: str, default_port: int) -> tuple[str, int]:
    """The host and port a server at ``url`` listens on."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def is_local(url: str) -> bool:
    """True when ``url`` names this machine (so ``arbot run`` starts that server)."""
    return host_and_port(url, 80)[0] in LOCAL_HOSTS


def rasa_command(
    rasa: Path, model: Path, url: str, endpoints: Path, credentials: Path, *, project: Path
) -> ServerCommand:
    """``rasa run`` serving ``model`` at ``url`` with the HTTP API and the REST channel.

    It runs in ``project`` (the repository), where ``config.yml`` names the spaCy model by
    a relative path.
    """
    host, port = host_and_port(url, 5005)
    argv = (
        str(rasa),
        "run",
        "--enable-api",
        "--model",
        str(model),
        "--interface",
        host,
        "--port",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
        "--quiet",
    )
    return ServerCommand(argv, RASA_ENVIRONMENT, project)


def action_server_command(python: str, url: str) -> ServerCommand:
    """The rasa-sdk action server for the ``actions`` package, listening where ``url`` says."""
    host, port = host_and_port(url, 5055)
    argv = (python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port), "--quiet")
    return ServerCommand(argv, {"SANIC_HOST": host})
