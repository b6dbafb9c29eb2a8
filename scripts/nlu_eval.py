"""Measures the current NLU model on the held-out sets ``tests/data/nlu_test.yml`` and
``tests/data/nlu_blind.yml``, and on the Spanish ones ``tests/data/nlu_test_es.yml`` and
``tests/data/nlu_blind_es.yml`` (when it exists; SPEC §14).

Runs in the rasa env (``scripts/nlu_eval [--out DIR] [--model PATH] [--nlu FILE ...]
[--min-intent-f1 F] [--min-entity-f1 F] [--min-intent-f1-es F] [--min-entity-f1-es F]``).
The model is loaded once (loading takes most of a minute here); for each test file,
with its reports in ``DIR/<file stem>``:

1. Rasa's own evaluation, what ``rasa test nlu --nlu FILE --model MODEL --out DIR``
   runs (``rasa.model_testing.test_nlu``: ``Agent.load`` then
   ``rasa.nlu.test.run_evaluation``), called in this process. It writes Rasa's reports
   (DIR is ``.cache/nlu-eval`` unless ``--out``): ``intent_report.json``,
   ``intent_errors.json``, ``DIETClassifier_report.json``, ... The intent figure is the
   macro-averaged F1 of ``intent_report.json``. Rasa undoes FallbackClassifier
   predictions before it scores intents, so ``nlu_fallback`` never counts as a wrong
   intent there.
2. Rasa's entity reports cannot give the entity figure: they score tokens, one extractor
   at a time, and ``run_evaluation`` drops SpacyEntityExtractor's predictions altogether
   (it counts it as a pre-trained extractor). So every test sentence is parsed again by
   the same loaded model, as the running bot would parse it. The entities of all
   extractors are merged into one set of ``(start, end, label)`` spans (a span found by
   two extractors counts once) and compared with the annotated spans: a true positive
   needs the exact span and label; micro F1 = 2TP / (2TP + FP + FN) over every sentence,
   those without entities included (a span predicted there is a false positive). The
   same figure is computed for each extractor alone and for each label. The details go
   to ``DIR/entity_spans.json``.

Prints, among other lines::

    intent macro-F1: 0.9xx
    entity F1 (micro, all extractors merged, exact span+label): 0.9xx

then whether each meets its target (intent macro-F1 0.95, entity F1 0.90; for the Spanish
files, named ``*_es.yml``, 0.92 and 0.90), and exits with status 1 when either is below its
required minimum (the target, unless ``--min-intent-f1`` / ``--min-entity-f1`` or, for the
Spanish files, ``--min-intent-f1-es`` / ``--min-entity-f1-es`` say otherwise), so
``make rasa-check`` fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_model import ROOT, SPACY_MODEL, model_path

Span = tuple[int, int, str]
#: the NLU targets: intent macro-F1 and merged entity F1 on the held-out set
#: the targets of the conversations issue, always reported as met or missed
TARGET_INTENT_F1 = 0.95
TARGET_ENTITY_F1 = 0.90
#: the held-out sets, each written apart from the training data: ``nlu_test.yml`` (also
#: used for error analysis while the data grew) and ``nlu_blind.yml`` (written from SPEC
#: §5 alone by someone who never saw the training data; not used to tune anything)
TEST_FILES = (ROOT / "tests" / "data" / "nlu_test.yml", ROOT / "tests" / "data" / "nlu_blind.yml")
#: the Spanish targets (issue 18) and sets: ``nlu_test_es.yml``, written apart from
#: ``data/nlu/es_*.yml``, and ``nlu_blind_es.yml``, written from SPEC §5 and §14 alone by
#: someone who never saw the training data, measured whenever it is in the tree
TARGET_INTENT_F1_ES = 0.92
TARGET_ENTITY_F1_ES = 0.90
SPANISH_FILES = (ROOT / "tests" / "data" / "nlu_test_es.yml",)
BLIND_ES = ROOT / "tests" / "data" / "nlu_blind_es.yml"
#: reported apart, with no floor: requests without any amount, date or number and venting,
#: written blind (issue 13); it covers a few intents, so the figure is the macro-F1 over
#: its own intents (a wrong guess still costs recall) and the share recognised
ENTITY_FREE = ROOT / "tests" / "data" / "nlu_blind_entity_free.yml"


@dataclass
class Score:
    """True positives, false positives and false negatives of exact-span matching."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Span], predicted: set[Span]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "f1": round(self.f1, 4)}


@dataclass
class EntityScores:
    merged: Score = field(default_factory=Score)
    by_extractor: dict[str, Score] = field(default_factory=dict)
    by_label: dict[str, Score] = field(default_factory=dict)
    mistakes: list[dict[str, Any]] = field(default_factory=list)


async def run_rasa_test(agent: Any, nlu: Path, out: Path) -> dict[str, Any]:
    """Runs Rasa's NLU evaluation (``rasa test nlu``) and returns its intent report."""
    from rasa.nlu.test import run_evaluation

    await run_evaluation(
        str(nlu),
        agent.processor,
        output_directory=str(out),
        errors=True,
        disable_plotting=True,
        domain_path=str(ROOT / "domain.yml"),
    )
    return json.loads((out / "intent_report.json").read_text())  # type: ignore[no-any-return]


def _spans(entities: list[dict[str, Any]]) -> set[Span]:
    return {(e["start"], e["end"], e["entity"]) for e in entities}


def _score_message(scores: EntityScores, text: str, gold: set[Span], found: list[Any]) -> None:
    predicted = _spans(found)
    scores.merged.add(gold, predicted)
    for extractor in {e.get("extractor", "?") for e in found} | set(scores.by_extractor):
        own = _spans([e for e in found if e.get("extractor", "?") == extractor])
        scores.by_extractor.setdefault(extractor, Score()).add(gold, own)
    for label in {span[2] for span in gold | predicted}:
        scores.by_label.setdefault(label, Score()).add(
            {s for s in gold if s[2] == label}, {s for s in predicted if s[2] == label}
        )
    if gold != predicted:
        missed = sorted((text[a:b], label) for a, b, label in gold - predicted)
        spurious = sorted((text[a:b], label) for a, b, label in predicted - gold)
        scores.mistakes.append({"text": text, "missed": missed, "spurious": spurious})


async def score_entities(agent: Any, nlu: Path) -> EntityScores:
    """Parses every test sentence with the model and scores the merged entity spans."""
    from rasa.shared.nlu.training_data.loading import load_data

    scores = EntityScores()
    for example in load_data(str(nlu)).nlu_examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        _score_message(scores, text, _spans(example.get("entities") or []), parsed["entities"])
    return scores


async def evaluate(model: Path, files: list[Path], out: Path) -> dict[str, tuple[float, float]]:
    """Loads the model once and, for each test file, runs both evaluations and prints the
    figures (reports in ``out/<file stem>``); returns (intent F1, entity F1) by file name.
    """
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else every parse is logged at debug level
    agent = Agent.load(model)
    figures = {}
    for nlu in files:
        print(f"== {nlu.relative_to(ROOT) if nlu.is_relative_to(ROOT) else nlu}")
        where = out / nlu.stem
        where.mkdir(parents=True, exist_ok=True)
        intents = await run_rasa_test(agent, nlu, where)
        entities = await score_entities(agent, nlu)
        report(intents, entities, where)
        figures[nlu.name] = (float(intents["macro avg"]["f1-score"]), entities.merged.f1)
    return figures


def entity_free_figures(intent_report: Path) -> tuple[float, float]:
    """Macro-F1 over the intents the set holds, and the share of examples recognised."""
    intents = json.loads(intent_report.read_text())
    own = [
        v
        for k, v in intents.items()
        if isinstance(v, dict) and v.get("support") and " avg" not in k
    ]
    macro = sum(v["f1-score"] for v in own) / len(own) if own else 0.0
    return macro, float(intents.get("accuracy", 0.0))


def report(intents: dict[str, Any], entities: EntityScores, out: Path) -> None:
    """Prints the figures and writes the entity details next to Rasa's reports."""
    print(f"intent macro-F1: {intents['macro avg']['f1-score']:.3f}")
    print(f"entity F1 (micro, all extractors merged, exact span+label): {entities.merged.f1:.3f}")
    for name, score in sorted(entities.by_extractor.items()):
        print(f"  {name}: F1 {score.f1:.3f} (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    for label, score in sorted(entities.by_label.items()):
        print(f"  {label}: F1 {score.f1:.3f} (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    weak = {k: v for k, v in intents.items() if isinstance(v, dict) and "support" in v}
    weak = {k: v["f1-score"] for k, v in weak.items() if " avg" not in k and v["f1-score"] < 0.9}
    for name, f1 in sorted(weak.items(), key=lambda item: item[1]):
        print(f"  intent below 0.9: {name} {f1:.3f}")
    details = {
        "merged": entities.merged.as_dict(),
        "by_extractor": {k: v.as_dict() for k, v in entities.by_extractor.items()},
        "by_label": {k: v.as_dict() for k, v in entities.by_label.items()},
        "mistakes": entities.mistakes,
    }
    (out / "entity_spans.json").write_text(json.dumps(details, indent=2) + "\n")
    print(f"reports in {out}")


def default_files() -> list[Path]:
    """English and Spanish held-out sets; the Spanish blind one once it is written."""
    return [*TEST_FILES, *SPANISH_FILES, *([BLIND_ES] if BLIND_ES.is_file() else [])]


def is_spanish(path: Path) -> bool:
    return path.stem.endswith("_es")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="default: the current models/arbot-*")
    parser.add_argument(
        "--nlu",
        type=Path,
        action="append",
        help="a test file; may be repeated (default: the English and Spanish held-out sets)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "nlu-eval")
    floors = (
        ("--min-intent-f1", TARGET_INTENT_F1, "English"),
        ("--min-entity-f1", TARGET_ENTITY_F1, "English"),
        ("--min-intent-f1-es", TARGET_INTENT_F1_ES, "Spanish (*_es.yml)"),
        ("--min-entity-f1-es", TARGET_ENTITY_F1_ES, "Spanish (*_es.yml)"),
    )
    for flag, target, files in floors:
        parser.add_argument(flag, type=float, default=target, help=f"{files}: fail below")
    parser.add_argument(
        "--min-entity-f1-blind-es",
        type=float,
        help="nlu_blind_es.yml's entity F1: fail below (default: --min-entity-f1-es)",
    )
    return parser.parse_args()


def verdicts(name: str, figures: tuple[float, float], args: argparse.Namespace) -> list[str]:
    """Prints whether each figure of a file meets its target; returns those below floor."""
    spanish = is_spanish(Path(name))
    targets = (
        (TARGET_INTENT_F1_ES, TARGET_ENTITY_F1_ES)
        if spanish
        else (TARGET_INTENT_F1, TARGET_ENTITY_F1)
    )
    floors = (
        (args.min_intent_f1_es, args.min_entity_f1_es)
        if spanish
        else (args.min_intent_f1, args.min_entity_f1)
    )
    if Path(name).name == BLIND_ES.name and args.min_entity_f1_blind_es is not None:
        floors = (floors[0], args.min_entity_f1_blind_es)
    below = []
    for figure, value, target, floor in zip(
        ("intent macro-F1", "entity F1"), figures, targets, floors, strict=True
    ):
        verdict = "met" if value >= target else "MISSED"
        print(f"{name}: target {figure} >= {target:.2f}: {verdict} ({value:.4f})")
        if value < floor:
            below.append(f"{name}: {figure} {value:.4f} < {floor:.2f}")
    return below


def main() -> None:
    args = parse_args()
    model = (args.model or model_path()).resolve()
    if not model.is_file():
        sys.exit(f"no model {model.relative_to(ROOT)} for the current data: run `make model`")
    if not SPACY_MODEL.is_dir():
        sys.exit(f"no spaCy pipeline in {SPACY_MODEL.relative_to(ROOT)}: run `make model`")
    out = args.out.resolve()
    files = [path.resolve() for path in (args.nlu or default_files())]
    os.chdir(ROOT)  # config.yml names the spaCy pipeline by a path relative to the repo
    sys.path.insert(0, str(ROOT))  # custom components (arbot_nlu) as `rasa` finds them
    below = []
    run_free = args.nlu is None and ENTITY_FREE.is_file()
    results = asyncio.run(evaluate(model, [*files, *([ENTITY_FREE] if run_free else [])], out))
    for name, figures in results.items():
        if name == ENTITY_FREE.name:
            own, accuracy = entity_free_figures(out / ENTITY_FREE.stem / "intent_report.json")
            print(f"{name}: intent macro-F1 over its intents {own:.4f}, recognised {accuracy:.4f}")
            continue
        below.extend(verdicts(name, figures, args))
    if below:
        sys.exit("NLU below the required minimum: " + "; ".join(below))


if __name__ == "__main__":
    main()
