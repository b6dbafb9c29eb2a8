"""Runs the real ``arbot`` executable of the app env, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARBOT = Path(sys.executable).with_name("arbot")
NOW = "2026-11-22T15:00:00+00:00"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def arbot(
    *args: str,
    database: str,
    now: str = NOW,
    stdin: str = "",
    cwd: Path | None = None,
    settings: Mapping[str, str] | None = None,
) -> Result:
    """Runs ``arbot ARGS`` on ``database`` at ``now``; ``settings``: more ``ARBOT_…``."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": now,
        **(settings or {}),
    }
    done = subprocess.run(
        [str(ARBOT), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)
