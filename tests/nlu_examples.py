"""The NLU examples of the Rasa project, read without Rasa (the app env has no YAML reader
for Rasa's format, and needs none: the files are a list of ``- intent:`` blocks)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "data" / "nlu"
HELD_OUT = ROOT / "tests" / "data" / "nlu_test.yml"
#: written from SPEC §5 alone, without reading the training data or the held-out set
BLIND = ROOT / "tests" / "data" / "nlu_blind.yml"
#: Spanish (SPEC §14): the training files are data/nlu/es_*.yml, the held-out set is
#: written apart from them, the blind one from SPEC §5 and §14 alone
SPANISH_TRAINING = "es_*.yml"
HELD_OUT_ES = ROOT / "tests" / "data" / "nlu_test_es.yml"
BLIND_ES = ROOT / "tests" / "data" / "nlu_blind_es.yml"
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


def spanish_training_examples() -> list[tuple[str, str]]:
    return [
        example for path in sorted(TRAINING.glob(SPANISH_TRAINING)) for example in examples(path)
    ]


def held_out_examples() -> list[tuple[str, str]]:
    return list(examples(HELD_OUT))


def held_out_es_examples() -> list[tuple[str, str]]:
    return list(examples(HELD_OUT_ES))


def blind_examples(path: Path = BLIND) -> list[tuple[str, str]]:
    return list(examples(path))


def normalized(text: str) -> str:
    """Lower case, letters and digits only, accents dropped ("cuánto" is "cuanto"): how
    near-identical sentences are compared.

    A sentence of nothing but punctuation or emoji ("...", "👍") stays as it is.
    """
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch)
    )
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
    return words or text.strip()
