"""How Rasa and the action server are started: command lines and Rasa's config files.

Rasa runs from its own environment (``.venv/rasa``) as a server (SPEC §2); the action server
is rasa-sdk in the app env. ``arbot run`` and the end-to-end tests both start them from
here, so the ports, the tracker store and the channels are set up the same way everywhere:

- the REST channel only (``credentials.yml``); the gateway is the one client;
- the SQL tracker store with the AR data it refers to (:func:`default_tracker_store`: a
  SQLite file beside the AR database's, or the schema ``rasa`` of the AR database on
  PostgreSQL), unless ``ARBOT_TRACKER_STORE_URL`` names another; the in-memory lock store
  (one Rasa process), or in production a Redis lock store (``ARBOT_LOCK_STORE_URL``) that
  every replica shares;
- the action endpoint at ``ARBOT_ACTION_SERVER_URL`` (one of them per replica).

Passwords never go into the endpoints file: it says ``password: ${RASA_…_PASSWORD}``, which
Rasa expands from its environment, and :func:`store_environment` is what to put there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

#: Rasa's own telemetry is off in every process arbot starts. A conversation's lock (in
#: the Redis lock store) lasts 15 s instead of Rasa's 60: a replica killed while it holds
#: one leaves it behind, and the conversation waits for it on every other replica; 15 s
#: still outlasts the gateway's 12 s wait for an answer (integrations/rasa.py).
RASA_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TICKET_LOCK_LIFETIME": "15",
}
MODEL_PATTERN = "arbot-*.tar.gz"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})  # noqa: S104
#: the variables Rasa reads the stores' passwords from (never written to a file)
TRACKER_PASSWORD = "RASA_TRACKER_STORE_PASSWORD"  # noqa: S105 (a variable's name)
LOCK_PASSWORD = "RASA_LOCK_STORE_PASSWORD"  # noqa: S105
#: the tracker store class on PostgreSQL (imported by Rasa from the project folder)
POSTGRESQL_TRACKER_STORE = "arbot_nlu.tracker_store.PrePingSQLTrackerStore"
#: the schema of the AR database that holds Rasa's tables by default on PostgreSQL (made
#: by the migrations: bot/db/migrations/versions/0007_tracker_schema.py)
TRACKER_SCHEMA = "rasa"
#: what a SQLite AR database's file name gets before its suffix for the tracker's file
TRACKER_FILE_MARK = ".tracker"


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


@dataclass(frozen=True)
class Store:
    """One store's block of the endpoints file, and its password for Rasa's environment."""

    yaml: str
    env: Mapping[str, str] = field(default_factory=dict)


def endpoints_yaml(action_url: str, tracker: str, lock: str = "") -> str:
    """Rasa's endpoints file: the action server, the tracker store and the lock store.

    Args:
        action_url: the action server's webhook URL.
        tracker: a SQLite file's path, or a ``sqlite:///`` or ``postgresql://`` URL.
        lock: blank for the in-memory lock store, or a ``redis://`` / ``rediss://`` URL.
    """
    return (
        "# Rasa's endpoints, from integrations/rasa_server.py. `arbot run` writes its own copy\n"
        "# (var/rasa/) from the settings; the repository's copy has the defaults.\n"
        "action_endpoint:\n"
        f"  url: {json.dumps(action_url)}\n"
        f"{tracker_store(tracker).yaml}{lock_store(lock).yaml}"
    )


def store_environment(tracker: str, lock: str = "") -> dict[str, str]:
    """The variables Rasa needs to read the endpoints file of ``tracker`` and ``lock``."""
    return {**tracker_store(tracker).env, **lock_store(lock).env}


def default_tracker_store(database_url: str) -> str:
    """Rasa's tracker store that goes with the AR database at ``database_url``.

    Conversation state refers to the AR data (who is verified, for which account, which
    form is open), so it lives with it: pointed at another AR database, the bot starts
    every conversation afresh. On SQLite it is a file beside the AR database's
    (``var/arbot.db`` → ``var/arbot.tracker.db``; a relative path stays relative, to the
    same folder); on PostgreSQL the same database, its schema :data:`TRACKER_SCHEMA`
    (Rasa's ``events`` table never meets the AR tables).

    Raises:
        ConfigError: when the AR database is one Rasa cannot share (in memory, or neither
            SQLite nor PostgreSQL): ``ARBOT_TRACKER_STORE_URL`` must then name a store.
    """
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise ConfigError("ARBOT_DATABASE_URL: not a database URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = url.database or ""
        if path in ("", ":memory:") or path.startswith("file:"):
            raise ConfigError(
                "ARBOT_TRACKER_STORE_URL: the AR database is in memory or a URI, so Rasa's"
                " tracker store cannot go beside it; set ARBOT_TRACKER_STORE_URL"
            )
        ar_file = Path(path)
        name = f"{ar_file.stem}{TRACKER_FILE_MARK}{ar_file.suffix}"
        return str(ar_file.with_name(name))
    if backend not in ("postgresql", "postgres"):
        raise ConfigError(
            f"ARBOT_TRACKER_STORE_URL: an AR database on {backend} has no default tracker"
            " store; set ARBOT_TRACKER_STORE_URL to a sqlite or postgresql URL"
        )
    query = dict(url.query)
    search_path = f"-csearch_path={TRACKER_SCHEMA}"
    options = str(query.get("options", "")).strip()
    query["options"] = f"{options} {search_path}".strip()
    tracker = url.set(drivername="postgresql", query=query)
    return tracker.render_as_string(hide_password=False)


def tracker_store(target: str) -> Store:
    """Rasa's SQL tracker store on a SQLite file or a PostgreSQL database.

    Raises:
        ConfigError: naming ``ARBOT_TRACKER_STORE_URL`` (without its value, which may
            hold a password) when the URL cannot be read.
    """
    if "://" not in target:
        return Store(_block("tracker_store", {"type": "SQL", "dialect": "sqlite", "db": target}))
    try:
        url = make_url(target)
    except ArgumentError:
        raise ConfigError("ARBOT_TRACKER_STORE_URL: not a database URL") from None
    if url.get_backend_name() == "sqlite":
        return tracker_store(url.database or "")
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise ConfigError("ARBOT_TRACKER_STORE_URL: only sqlite and postgresql are supported")
    return _postgresql(url)


def _postgresql(url: URL) -> Store:
    # Rasa's env has psycopg2, SQLAlchemy's default PostgreSQL driver: the dialect alone.
    # Rasa's SQL store, made to ride out a PostgreSQL restart (arbot_nlu/tracker_store.py).
    fields: dict[str, object] = {"type": POSTGRESQL_TRACKER_STORE, "dialect": "postgresql"}
    if url.host:
        fields["url"] = url.host
    if url.port:
        fields["port"] = url.port
    fields["db"] = url.database or "postgres"
    if url.username:
        fields["username"] = url.username
    env = {}
    if url.password:
        fields["password"] = _FromEnvironment(TRACKER_PASSWORD)
        env[TRACKER_PASSWORD] = str(url.password)
    if url.query:
        fields["query"] = {key: str(value) for key, value in url.query.items()}
    return Store(_block("tracker_store", fields), env)


def lock_store(target: str) -> Store:
    """Rasa's lock store: in memory when ``target`` is blank, else Redis at ``target``.

    ``redis://[user:password@]host[:port][/db][?key_prefix=abc]``; ``rediss://`` is TLS.

    Raises:
        ConfigError: naming ``ARBOT_LOCK_STORE_URL`` when the URL cannot be used.
    """
    if not target:
        return Store(_block("lock_store", {"type": "in_memory"}))
    parts = urlsplit(target)
    options = dict(parse_qsl(parts.query))
    unknown = sorted(set(options) - {"key_prefix"})
    db = parts.path.strip("/") or "0"
    prefix = options.get("key_prefix", "")
    try:
        port = parts.port or 6379
    except ValueError:
        port = 0
    if parts.scheme not in ("redis", "rediss") or not parts.hostname or not port:
        raise ConfigError("ARBOT_LOCK_STORE_URL: expected redis://host:port/db")
    if unknown or not db.isdigit() or (prefix and not prefix.isalnum()):
        raise ConfigError(
            "ARBOT_LOCK_STORE_URL: the path is a database number and the only option is"
            " an alphanumeric key_prefix"
        )
    fields: dict[str, object] = {"type": "redis", "url": parts.hostname, "port": port}
    fields["db"] = int(db)
    if parts.username:
        fields["username"] = unquote(parts.username)
    env = {}
    if parts.password:
        fields["password"] = _FromEnvironment(LOCK_PASSWORD)
        env[LOCK_PASSWORD] = unquote(parts.password)
    if parts.scheme == "rediss":
        fields["use_ssl"] = True
    if prefix:
        fields["key_prefix"] = prefix
    return Store(_block("lock_store", fields), env)


@dataclass(frozen=True)
class _FromEnvironment:
    """A value Rasa reads from its environment: written ``${NAME}``, unquoted."""

    name: str


def _block(name: str, fields: Mapping[str, object]) -> str:
    lines = [f"{name}:"]
    for key, value in fields.items():
        if isinstance(value, Mapping):
            lines.append(f"  {key}:")
            lines += [f"    {k}: {json.dumps(v)}" for k, v in value.items()]
        elif isinstance(value, _FromEnvironment):
            lines.append(f"  {key}: ${{{value.name}}}")
        elif key in ("type", "dialect"):  # Rasa's own words, written bare
            lines.append(f"  {key}: {value}")
        else:
            lines.append(f"  {key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def write_config(
    directory: Path, action_url: str, tracker: str, lock: str = ""
) -> tuple[Path, Path]:
    """Writes ``endpoints.yml`` and ``credentials.yml`` into ``directory``; returns both."""
    directory.mkdir(parents=True, exist_ok=True)
    endpoints = directory / "endpoints.yml"
    credentials = directory / "credentials.yml"
    endpoints.write_text(endpoints_yaml(action_url, tracker, lock), encoding="utf-8")
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
    rasa: Path,
    model: Path,
    url: str,
    endpoints: Path,
    credentials: Path,
    *,
    project: Path,
    env: Mapping[str, str] | None = None,
) -> ServerCommand:
    """``rasa run`` serving ``model`` at ``url`` with the HTTP API and the REST channel.

    It runs in ``project`` (the repository), where ``config.yml`` names the spaCy model by
    a relative path; ``env`` adds to its environment (the stores' passwords).
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
    return ServerCommand(argv, {**RASA_ENVIRONMENT, **(env or {})}, project)


def action_server_command(python: str, url: str) -> ServerCommand:
    """The rasa-sdk action server for the ``actions`` package, listening where ``url`` says."""
    host, port = host_and_port(url, 5055)
    argv = (python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port), "--quiet")
    return ServerCommand(argv, {"SANIC_HOST": host})
