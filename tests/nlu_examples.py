"""The NLU examples of the Rasa project, read without Rasa (the app env has no YAML reader
for Rasa's format, and needs none: the files are a list of ``- intent:`` blocks)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "data" / "nlu"
HELD_OUT = ROOT / "tests" / "data" / "nlu_test.yml"
#: written from SPEC §5 alone, without reading the training data or the held-out set
BLIND = ROOT / "tests" / "data" / "nlu_blind.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def examples(path: Path) -> Iterator[tuple[str, str]]:
    """``(intent, text)`` of every example of a Rasa NLU YAML file, annotations removed."""
    intent = None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- intent:"):
            intent = stripped.removeprefix("- intent:").strip()
        elif stripped.startswith(("- synonym:", "- regex:", "- lookup:")):
            intent = None
        elif intent and line.startswith("    - "):
            yield intent, ANNOTATION.sub(r"\1", stripped.removeprefix("- ")).strip()


def training_examples() -> list[tuple[str, str]]:
    return [example for path in sorted(TRAINING.glob("*.yml")) for example in examples(path)]


def held_out_examples() -> list[tuple[str, str]]:
    return list(examples(HELD_OUT))


def blind_examples() -> list[tuple[str, str]]:
    return list(examples(BLIND))


def normalized(text: str) -> str:
    """Lower case, letters and digits only: how near-identical sentences are compared.

    A sentence of nothing but punctuation or emoji ("...", "👍") stays as it is.
    """
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    return words or text.strip()
