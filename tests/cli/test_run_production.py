"""``arbot run`` in the production profile: N replicas, M action servers, shared stores."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli.plan import Plan, ProcessSpec, processes
from bot.cli.run import supervise
from bot.errors import ConfigError
from bot.settings import load_settings
from integrations.rasa_server import LOCK_PASSWORD, TRACKER_PASSWORD
from tests.cli.runner import ARBOT
from tests.cli.test_run_plan import project

TRACKER = "postgresql+psycopg://rasa:tracker-pw@db.internal:5432/arbot_rasa"
LOCK = "redis://:lock-pw@cache.internal:6379/3"


def production(**extra: str) -> dict[str, str]:
    return {"ARBOT_TRACKER_STORE_URL": TRACKER, "ARBOT_LOCK_STORE_URL": LOCK, **extra}


def endpoints_of(spec: ProcessSpec) -> str:
    return Path(spec.argv[spec.argv.index("--endpoints") + 1]).read_text(encoding="utf-8")


def port_of(spec: ProcessSpec) -> str:
    return spec.argv[spec.argv.index("--port") + 1]


def test_n_replicas_and_m_action_servers_on_consecutive_ports(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    env = production(ARBOT_RASA_REPLICAS="3", ARBOT_ACTION_SERVERS="2")
    plan = processes(load_settings(env, dotenv=None), root)
    specs = {spec.name: spec for spec in plan.specs}
    assert list(specs) == [
        *("actions-1", "actions-2", "rasa-1", "rasa-2", "rasa-3"),
        *("web", "scheduler"),
    ]
    assert [port_of(specs[f"actions-{n}"]) for n in (1, 2)] == ["5055", "5056"]
    assert [port_of(specs[f"rasa-{n}"]) for n in (1, 2, 3)] == ["5005", "5006", "5007"]
    called = {n: endpoints_of(specs[f"rasa-{n}"]) for n in (1, 2, 3)}
    assert '"http://127.0.0.1:5055/webhook"' in called[1]
    assert '"http://127.0.0.1:5056/webhook"' in called[2]
    assert '"http://127.0.0.1:5055/webhook"' in called[3]  # replica 3 mod 2 servers


def test_each_replica_has_its_own_endpoints_file_on_the_shared_stores(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    plan = processes(load_settings(production(ARBOT_RASA_REPLICAS="2"), dotenv=None), root)
    replicas = [spec for spec in plan.specs if spec.kind == "rasa"]
    files = [spec.argv[spec.argv.index("--endpoints") + 1] for spec in replicas]
    assert files == [
        str(root / "var/rasa/rasa-1/endpoints.yml"),
        str(root / "var/rasa/rasa-2/endpoints.yml"),
    ]
    text = endpoints_of(replicas[0])
    assert "dialect: postgresql" in text
    assert 'url: "db.internal"' in text
    assert 'db: "arbot_rasa"' in text
    assert "lock_store:\n  type: redis\n" in text
    assert "db: 3" in text
    assert "tracker-pw" not in text  # passwords stay off the disk
    assert "lock-pw" not in text
    assert f"password: ${{{TRACKER_PASSWORD}}}" in text
    for spec in replicas:
        assert spec.env[TRACKER_PASSWORD] == "tracker-pw"
        assert spec.env[LOCK_PASSWORD] == "lock-pw"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ARBOT_TRACKER_STORE_URL": TRACKER}, "2 Rasa replicas need a shared Redis lock store"),
        ({"ARBOT_LOCK_STORE_URL": LOCK}, "2 Rasa replicas need a shared tracker store"),
    ],
)
def test_several_replicas_without_shared_stores_are_refused(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    settings = load_settings({**env, "ARBOT_RASA_REPLICAS": "2"}, dotenv=None)
    with pytest.raises(ConfigError, match=message):
        processes(settings, root)
    assert [s.name for s in processes(settings, root, only={"web"}).specs] == ["web"]


def test_arbot_run_refuses_two_replicas_without_redis_in_one_line(tmp_database: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": tmp_database,
        "ARBOT_RASA_REPLICAS": "2",
    }
    done = subprocess.run(
        [str(ARBOT), "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: 2 Rasa replicas need a shared Redis lock store:"
        " set ARBOT_LOCK_STORE_URL (redis://host:6379/0)"
    ]


def test_only_starts_the_named_replica_even_on_another_hosts_url(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    env = production(ARBOT_RASA_URL="http://10.0.0.11:5005,http://10.0.0.12:5005")
    settings = load_settings(env, dotenv=None)
    assert [s.kind for s in processes(settings, root).specs] == ["actions", "web", "scheduler"]
    plan = processes(settings, root, only={"rasa-2"})
    (spec,) = plan.specs
    assert spec.name == "rasa-2"
    assert spec.argv[spec.argv.index("--interface") + 1] == "10.0.0.12"
    assert [s.name for s in processes(settings, root, only={"rasa"}).specs] == ["rasa-1", "rasa-2"]
    assert [s.name for s in processes(settings, root, only={"actions-1", "web"}).specs] == [
        "actions-1",
        "web",
    ]


def test_only_refuses_a_name_the_deployment_does_not_have(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv=None)
    with pytest.raises(ConfigError, match="--only: rasa-2 is not one of"):
        processes(settings, project(tmp_path), only={"rasa-2"})


def _spec(name: str, tmp_path: Path, code: str) -> ProcessSpec:
    return ProcessSpec(name, (sys.executable, "-c", code), cwd=tmp_path)


def test_a_process_that_dies_after_starting_is_started_again_the_others_kept(
    tmp_path: Path,
) -> None:
    crashing = _spec(
        "rasa-1", tmp_path, "import time; open('starts', 'a').write('x'); time.sleep(0.6)"
    )
    steady = _spec(
        "web",
        tmp_path,
        "import os, time; open('web', 'a').write(f'{os.getpid()} '); time.sleep(60)",
    )
    deadline = time.monotonic() + 3.5
    failure = supervise(
        Plan((crashing, steady)), lambda: time.monotonic() > deadline, startup_seconds=0.3
    )
    assert failure is None
    assert len((tmp_path / "starts").read_text()) >= 3
    assert len((tmp_path / "web").read_text().split()) == 1


def test_a_process_that_dies_while_starting_stops_everything(tmp_path: Path) -> None:
    broken = _spec("web", tmp_path, "raise SystemExit(3)")
    steady = _spec(
        "scheduler",
        tmp_path,
        "import os, time; open('pid', 'w').write(str(os.getpid())); time.sleep(60)",
    )
    started = time.monotonic()
    failure = supervise(Plan((steady, broken)), lambda: time.monotonic() > started + 30)
    assert failure == "process 'web' exited with status 3"
    assert time.monotonic() - started < 20
    with pytest.raises(ProcessLookupError):  # the scheduler was stopped (and reaped) too
        os.kill(int((tmp_path / "pid").read_text()), 0)


def _late_server(port: int, delay: float) -> str:
    """A process that, like Rasa loading its model, listens only after ``delay`` seconds."""
    return (
        "import http.server, time\n"
        f"time.sleep({delay})\n"
        f"http.server.HTTPServer(('127.0.0.1', {port}), http.server.BaseHTTPRequestHandler)"
        ".serve_forever()\n"
    )


def test_running_is_announced_once_every_server_answers_not_before(tmp_path: Path) -> None:
    from tests.cli.test_run import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    rasa = ProcessSpec("rasa-1", (sys.executable, "-c", _late_server(port, 1.5)), ready_url=url)
    calls: list[tuple[float, list[str]]] = []
    began = time.monotonic()
    failure = supervise(
        Plan((rasa, _spec("scheduler", tmp_path, "import time; time.sleep(60)"))),
        lambda: bool(calls) or time.monotonic() > began + 20,
        ready=lambda seconds, waiting: calls.append((seconds, waiting)),
    )
    assert failure is None
    assert len(calls) == 1
    seconds, waiting = calls[0]
    assert waiting == []
    assert seconds >= 1.5  # not before the server listened


def test_a_server_that_never_answers_is_named_when_the_wait_ends(tmp_path: Path) -> None:
    from tests.cli.test_run import free_port

    silent = ProcessSpec(
        "rasa-1",
        (sys.executable, "-c", "import time; time.sleep(60)"),
        ready_url=f"http://127.0.0.1:{free_port()}/",
    )
    calls: list[tuple[float, list[str]]] = []
    began = time.monotonic()
    supervise(
        Plan((silent,)),
        lambda: bool(calls) or time.monotonic() > began + 20,
        ready=lambda seconds, waiting: calls.append((seconds, waiting)),
        ready_seconds=1.0,
    )
    assert [waiting for _, waiting in calls] == [["rasa-1"]]


def test_rasa_and_the_action_servers_run_below_the_web_app(tmp_path: Path) -> None:
    """A busy Rasa must not hold back webhook answers (SPEC §7): the dialogue servers are
    started ``nice``-r than ``arbot run``, the web app and the scheduler at its priority."""
    report = "import os, time; open('{0}', 'w').write(str(os.nice(0))); time.sleep(60)"
    specs = tuple(
        _spec(name, tmp_path, report.format(name))
        for name in ("actions-1", "rasa-1", "web", "scheduler")
    )
    began = time.monotonic()

    def written() -> bool:
        return all((tmp_path / s.name).exists() for s in specs) or time.monotonic() > began + 20

    assert supervise(Plan(specs), written, startup_seconds=0.1) is None
    ours = os.nice(0)
    niceness = {s.name: int((tmp_path / s.name).read_text()) for s in specs}
    assert niceness == {
        "actions-1": min(ours + 5, 19),
        "rasa-1": min(ours + 5, 19),
        "web": ours,
        "scheduler": ours,
    }
