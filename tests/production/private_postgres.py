"""A PostgreSQL server of one's own, to stop and start at will (fault tests and benches).

The shared server other people use (``ARBOT_TEST_POSTGRES_URL``) is never restarted: a
fault test that restarts PostgreSQL gets a private cluster instead — ``initdb`` into a
temporary folder, ``pg_ctl`` on a free port, trust authentication for ``postgres`` on
127.0.0.1 only, no fsync (scratch data). The server refuses to run as root, so as root the
cluster belongs to the ``postgres`` system user and its programs run through ``runuser``.

The programs are found on ``PATH``, in ``pg_config --bindir`` or in ``/usr/local/bin``;
:func:`missing` says what is missing, so a caller can skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

PROGRAMS = ("initdb", "pg_ctl")
#: the unprivileged user a root process runs the cluster as
SYSTEM_USER = "postgres"
START_SECONDS = 60


def _program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    folders = [Path("/usr/local/bin")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            folders.insert(0, Path(done.stdout.strip()))
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    return None


def missing() -> str | None:
    """Why a private cluster cannot be made here, or None when it can."""
    absent = [name for name in PROGRAMS if _program(name) is None]
    if absent:
        return f"{' and '.join(absent)} not found (PATH, pg_config --bindir, /usr/local/bin)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root and there is no {SYSTEM_USER!r} user to run PostgreSQL"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateCluster:
    """A running private cluster: where it lives, its port, and how to bounce it."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """A SQLAlchemy URL of ``database`` on this cluster (user postgres, no password)."""
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        log = str(self.folder / "server.log")
        self._ctl("start", "-w", "-t", str(START_SECONDS), "-o", options, "-l", log)

    def stop(self, mode: str = "fast") -> None:
        """Stops the server (``fast``: open connections are cut, as in a restart)."""
        self._ctl("stop", "-w", "-m", mode)

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stops the server, leaves it down ``down_seconds``, and starts it again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def _ctl(self, *args: str) -> None:
        _run(["pg_ctl", "-D", str(self.data), *args])


def _run(argv: list[str]) -> None:
    program = _program(argv[0])
    if program is None:
        raise RuntimeError(f"{argv[0]} not found")
    command = [program, *argv[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SYSTEM_USER, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr}")


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A new cluster, started, on a free port; stopped and deleted when the block ends.

    Raises:
        RuntimeError: when :func:`missing` names a reason, or initdb or pg_ctl fail.
    """
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="arbot-pg-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam(SYSTEM_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = PrivateCluster(folder, _free_port())
    try:
        initdb = ["initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres"]
        _run([*initdb, "-E", "UTF8", "--no-sync", "--no-locale"])
        cluster.start()
        yield cluster
    finally:
        with suppress(RuntimeError):  # it was not running
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
