"""What ``arbot run`` starts: Rasa and the action server only with a trained model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.cli.run import processes
from bot.settings import load_settings
from integrations.rasa_server import CREDENTIALS_YAML, endpoints_yaml


def project(tmp_path: Path, *, rasa: bool = True, models: tuple[str, ...] = ()) -> Path:
    if rasa:
        (tmp_path / ".venv" / "rasa" / "bin").mkdir(parents=True)
        (tmp_path / ".venv" / "rasa" / "bin" / "rasa").write_text("#!/bin/sh\n")
    (tmp_path / "models").mkdir()
    for age, name in enumerate(reversed(models)):
        path = tmp_path / "models" / name
        path.write_bytes(b"model")
        os.utime(path, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))
    return tmp_path


def test_without_a_model_only_the_web_app_starts_and_the_note_says_make_model(
    tmp_path: Path,
) -> None:
    plan = processes(load_settings({}, dotenv=None), project(tmp_path))
    assert [spec.name for spec in plan.specs] == ["web", "scheduler"]
    assert any("make model" in note for note in plan.notes)


def test_without_the_rasa_environment_the_note_says_make_envs(tmp_path: Path) -> None:
    plan = processes(load_settings({}, dotenv=None), project(tmp_path, rasa=False))
    assert [spec.name for spec in plan.specs] == ["web", "scheduler"]
    assert any("make envs" in note for note in plan.notes)


def test_with_models_rasa_serves_the_newest_with_the_written_endpoints(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-old.tar.gz", "arbot-new.tar.gz"))
    settings = load_settings(
        {
            "ARBOT_RASA_URL": "http://127.0.0.1:5105",
            "ARBOT_ACTION_SERVER_URL": "http://127.0.0.1:5155/webhook",
        },
        dotenv=None,
    )
    plan = processes(settings, root)
    specs = {spec.name: spec for spec in plan.specs}
    assert list(specs) == ["actions-1", "rasa-1", "web", "scheduler"]
    rasa = specs["rasa-1"]
    assert rasa.argv[:3] == (str(root / ".venv/rasa/bin/rasa"), "run", "--enable-api")
    assert rasa.argv[rasa.argv.index("--model") + 1] == str(root / "models/arbot-new.tar.gz")
    assert rasa.argv[rasa.argv.index("--port") + 1] == "5105"
    assert rasa.cwd == root
    assert rasa.env["RASA_TELEMETRY_ENABLED"] == "false"
    endpoints = Path(rasa.argv[rasa.argv.index("--endpoints") + 1]).read_text()
    assert '"http://127.0.0.1:5155/webhook"' in endpoints
    assert f'db: "{Path.cwd() / "var" / "arbot.tracker.db"}"' in endpoints
    actions = specs["actions-1"]
    assert actions.argv[:3] == (sys.executable, "-m", "rasa_sdk")
    assert actions.argv[actions.argv.index("--port") + 1] == "5155"
    # what `arbot run` waits for before it says "arbot is running"
    assert rasa.ready_url == "http://127.0.0.1:5105/"
    assert actions.ready_url == "http://127.0.0.1:5155/health"
    assert specs["web"].ready_url == f"http://127.0.0.1:{settings.web_port}/health"
    assert specs["scheduler"].ready_url is None


def test_the_scheduler_is_started_as_arbot_scheduler(tmp_path: Path) -> None:
    plan = processes(load_settings({}, dotenv=None), project(tmp_path))
    scheduler = {spec.name: spec for spec in plan.specs}["scheduler"]
    assert scheduler.argv[-1] == "scheduler"
    assert scheduler.argv[0] in (str(Path(sys.executable).with_name("arbot")), sys.executable)


def test_a_remote_rasa_is_not_started_here(tmp_path: Path) -> None:
    root = project(tmp_path, models=("arbot-1.tar.gz",))
    settings = load_settings(
        {"ARBOT_RASA_URL": "http://rasa-1:5005,http://rasa-2:5005"}, dotenv=None
    )
    plan = processes(settings, root)
    assert [spec.kind for spec in plan.specs] == ["actions", "web", "scheduler"]
    assert any("rasa-1" in note and "not started" in note for note in plan.notes)


def test_the_committed_rasa_files_are_the_defaults_arbot_run_writes() -> None:
    root = Path(__file__).resolve().parents[2]
    settings = load_settings({}, dotenv=None)
    expected = endpoints_yaml(settings.action_server_url, "var/arbot.tracker.db")
    assert (root / "endpoints.yml").read_text(encoding="utf-8") == expected
    assert (root / "credentials.yml").read_text(encoding="utf-8") == CREDENTIALS_YAML
