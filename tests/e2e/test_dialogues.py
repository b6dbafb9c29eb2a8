"""The blind dialogues of ``tests/dialogues`` played against the live stack (issue 13).

Each set prints its table (dialogue, persona, completed, contained, first failing
expectation) and its two figures. The tuning set fails the suite when its share completed
falls below :data:`TUNING_MIN_COMPLETED`; the held-out set, which nobody tunes on, is only
guarded by a low floor. Raise the floors as the bot improves.

Knobs (environment): ``ARBOT_TEST_DIALOGUES_MIN_COMPLETED`` and
``ARBOT_TEST_DIALOGUES_MIN_HOLDOUT_COMPLETED`` override the floors,
``ARBOT_TEST_DIALOGUES_ONLY`` (comma-separated names or prefixes) plays a subset,
``ARBOT_TEST_DIALOGUES_WORKERS`` sets how many play at once (4) and
``ARBOT_TEST_DIALOGUES_OUT`` names a folder for one transcript per dialogue.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.runner import NOW
from tests.dialogues.dialogue import load_set
from tests.dialogues.play import play_all
from tests.dialogues.report import Figures, figures, summary, write_transcripts
from tests.e2e.conftest import Stack

#: the bot before issue 13's work (3b54957) completed 28/65; after it (model
#: arbot-b4b11e464aad), 63/65 = 96.9 %. The same training data trained again gives a
#: slightly different model (TensorFlow's threads sum in varying order): the data of
#: 2026-12-07 completed 62/65, then 60/65 trained again on 2026-12-08 (t14 and t57
#: failing besides t19, t23, t52), and a variant with more Spanish examples 59/65. CI
#: trains its own, so the floor sits under that spread: a guard against regressions, not
#: the 95 % target, which is reported.
TUNING_MIN_COMPLETED = float(os.environ.get("ARBOT_TEST_DIALOGUES_MIN_COMPLETED", "0.87"))
#: the held-out set is reported, not tuned on: 13/35 before issue 13, 31/35 = 88.6 % after
HOLDOUT_MIN_COMPLETED = float(os.environ.get("ARBOT_TEST_DIALOGUES_MIN_HOLDOUT_COMPLETED", "0.75"))
WORKERS = int(os.environ.get("ARBOT_TEST_DIALOGUES_WORKERS", "4"))


def _play(stack: Stack, set_name: str, capsys: pytest.CaptureFixture[str]) -> Figures:
    now = datetime.fromisoformat(NOW)
    dialogues = load_set(set_name, now)
    only = [n.strip() for n in os.environ.get("ARBOT_TEST_DIALOGUES_ONLY", "").split(",")]
    only = [n for n in only if n]
    if only:
        dialogues = [d for d in dialogues if any(d.name.startswith(n) for n in only)]
    outcomes = play_all(stack.db, stack.chat, dialogues, now, WORKERS)
    folder = os.environ.get("ARBOT_TEST_DIALOGUES_OUT")
    if folder:
        write_transcripts(outcomes, Path(folder))
    with capsys.disabled():
        print(summary(set_name, outcomes))
    return figures(outcomes)


@pytest.mark.timeout(600)
def test_the_tuning_dialogues_complete_at_least_the_floor(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _play(stack, "tuning", capsys)

    assert result.completed_share >= TUNING_MIN_COMPLETED, result.line("tuning")


@pytest.mark.timeout(600)
def test_the_holdout_dialogues_complete_at_least_the_low_floor(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _play(stack, "holdout", capsys)

    assert result.completed_share >= HOLDOUT_MIN_COMPLETED, result.line("holdout")
