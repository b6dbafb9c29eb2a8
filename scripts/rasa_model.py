"""Trains the Rasa model only when what it is built from changed.

The model is named for a fingerprint (SHA-256, first 12 hex digits) of its inputs:
``config.yml``, ``domain.yml``, every file under ``data/``, ``arbot_nlu/*.py`` (the spaCy
pipeline and its patterns) and ``requirements/rasa.lock`` (the Rasa and spaCy versions).
``models/arbot-<fingerprint>.tar.gz`` existing means the model is current and nothing
runs. Otherwise the spaCy pipeline is rebuilt, ``rasa train`` writes the new model and
older ``models/arbot-*.tar.gz`` are removed.

SpacyNLP loads the spaCy pipeline from ``.cache/spacy/en_arbot`` at run time (it is not
packed into the Rasa model), so that directory is rebuilt whenever it is missing or was
built from other code, even when the Rasa model is current.

Usage (rasa env, from anywhere): ``scripts/train`` or ``.venv/rasa/bin/python
scripts/rasa_model.py``. Prints the model's path last.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SPACY_MODEL = ROOT / ".cache" / "spacy" / "en_arbot"  # config.yml: SpacyNLP.model
SPACY_STAMP = SPACY_MODEL.with_name("en_arbot.fingerprint")


def _spacy_inputs(root: Path) -> list[Path]:
    return [*sorted((root / "arbot_nlu").glob("*.py")), root / "requirements" / "rasa.lock"]


def _model_inputs(root: Path) -> list[Path]:
    data = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return [root / "config.yml", root / "domain.yml", *data, *_spacy_inputs(root)]


def _digest(root: Path, paths: Iterable[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.relative_to(root).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]


def fingerprint(root: Path = ROOT) -> str:
    """The fingerprint of everything the Rasa model is trained from."""
    return _digest(root, _model_inputs(root))


def model_path(root: Path = ROOT) -> Path:
    """Where the model trained from the current inputs is (or would be) stored."""
    return root / "models" / f"arbot-{fingerprint(root)}.tar.gz"


def _run(*args: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def ensure_spacy_model() -> None:
    """Builds the spaCy pipeline unless it exists and was built from the current code."""
    stamp = _digest(ROOT, _spacy_inputs(ROOT))
    if SPACY_MODEL.is_dir() and SPACY_STAMP.is_file() and SPACY_STAMP.read_text() == stamp:
        return
    print(f"==> building the spaCy pipeline in {SPACY_MODEL.relative_to(ROOT)}", flush=True)
    _run("-m", "arbot_nlu.build_spacy", str(SPACY_MODEL))
    SPACY_STAMP.write_text(stamp)


def train() -> Path:
    """Returns the current model, training it first if it does not exist yet."""
    ensure_spacy_model()
    target = model_path()
    if target.is_file():
        print(f"model is current ({target.name})")
        return target
    print(
        f"==> training {target.relative_to(ROOT)}: none trained from the current data yet"
        " (5 to 10 minutes on two cores; only when they change)",
        flush=True,
    )
    started = time.monotonic()
    name = target.name.removesuffix(".tar.gz")
    _run("-m", "rasa", "train", "--fixed-model-name", name, "--out", str(MODELS))
    if not target.is_file():
        sys.exit(f"rasa train did not write {target}")
    print(f"==> trained in {time.monotonic() - started:.0f} s", flush=True)
    for old in MODELS.glob("arbot-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


if __name__ == "__main__":
    print(train().relative_to(ROOT))
