"""Plays the blind dialogues by hand and prints the table and the figures.

    .venv/app/bin/python -m tests.dialogues.run                  # both sets
    .venv/app/bin/python -m tests.dialogues.run --set holdout
    .venv/app/bin/python -m tests.dialogues.run --only t14,t16   # a few, by name or prefix
    .venv/app/bin/python -m tests.dialogues.run --list           # the files, no stack

It runs ``tests/e2e/test_dialogues.py`` with pytest, which starts the live stack (Rasa, the
action server and the web app on a temporary database, ``ARBOT_NOW`` fixed) and writes one
transcript per dialogue to ``--out`` (``.cache/dialogues``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import datetime

import pytest

from tests.cli.runner import NOW
from tests.dialogues.dialogue import ROOT, SETS, load_set

TEST = ROOT.parent / "e2e" / "test_dialogues.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.dialogues.run", description=__doc__)
    parser.add_argument("--set", choices=(*SETS, "all"), default="all")
    parser.add_argument("--only", default="", help="comma-separated dialogue names or prefixes")
    parser.add_argument("--workers", type=int, default=4, help="dialogues played at once")
    parser.add_argument("--out", default=".cache/dialogues", help="folder for the transcripts")
    parser.add_argument("--list", action="store_true", help="list the dialogues and stop")
    args = parser.parse_args(argv)
    sets = SETS if args.set == "all" else (args.set,)
    if args.list:
        return _list(sets)
    os.environ |= {
        "ARBOT_TEST_DIALOGUES_ONLY": args.only,
        "ARBOT_TEST_DIALOGUES_WORKERS": str(args.workers),
        "ARBOT_TEST_DIALOGUES_OUT": args.out,
    }
    selected = " or ".join(sets)
    return int(pytest.main([str(TEST), "-q", "-p", "no:cacheprovider", "-k", selected]))


def _list(sets: tuple[str, ...]) -> int:
    now = datetime.fromisoformat(NOW)
    for set_name in sets:
        dialogues = load_set(set_name, now)
        for d in dialogues:
            print(f"{d.name:<40} {d.persona:<12} {', '.join(d.flow)}")
        personas = Counter(d.persona for d in dialogues)
        counts = ", ".join(f"{p} {n}" for p, n in sorted(personas.items()))
        print(f"{set_name}: {len(dialogues)} dialogues ({counts})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
