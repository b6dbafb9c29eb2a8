"""The table and the two figures of a dialogue run, and one transcript file per dialogue."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.dialogues.evaluate import Outcome

#: the first failing expectation is cut to this width in the table
FAILURE_WIDTH = 90


@dataclass(frozen=True)
class Figures:
    """What one set scored.

    Attributes:
        total: dialogues run.
        completed: dialogues whose every expectation held.
        contained: dialogues that ended without an escalation the customer did not ask for.
    """

    total: int
    completed: int
    contained: int

    @property
    def completed_share(self) -> float:
        return self.completed / self.total if self.total else 0.0

    @property
    def containment(self) -> float:
        return self.contained / self.total if self.total else 0.0

    def line(self, set_name: str) -> str:
        return (
            f"{set_name}: completed {self.completed}/{self.total} = {self.completed_share:.1%}"
            f"  contained {self.contained}/{self.total} = {self.containment:.1%}"
        )


def figures(outcomes: Sequence[Outcome]) -> Figures:
    return Figures(
        total=len(outcomes),
        completed=sum(o.completed for o in outcomes),
        contained=sum(o.contained for o in outcomes),
    )


def table(outcomes: Sequence[Outcome]) -> str:
    """One line per dialogue: name, persona, completed, contained, first failing expectation."""
    rows = [("dialogue", "persona", "completed", "contained", "first failing expectation")]
    for o in outcomes:
        failure = o.first_failure
        if len(failure) > FAILURE_WIDTH:
            failure = failure[: FAILURE_WIDTH - 1] + "…"
        rows.append(
            (
                o.dialogue.name,
                o.dialogue.persona,
                "yes" if o.completed else "NO",
                "yes" if o.contained else "NO",
                failure,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        + ("  " + row[4] if row[4] else "")
        for row in rows
    )


def summary(set_name: str, outcomes: Sequence[Outcome]) -> str:
    """The table, then the figures of the set."""
    return f"\n{table(outcomes)}\n{figures(outcomes).line(set_name)}\n"


def write_transcripts(outcomes: Sequence[Outcome], folder: Path) -> None:
    """``<folder>/<set>/<dialogue>.txt``: the turns, the replies, the verdict and the state."""
    for o in outcomes:
        target = folder / o.dialogue.set_name / f"{o.dialogue.name}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"# {o.dialogue.name} ({o.dialogue.persona}): {o.dialogue.about}",
            f"# sender {o.dialogue.sender}, account {o.dialogue.account_number}",
            "",
        ]
        for n, turn in enumerate(o.turns, 1):
            lines.append(f"{n:>2} customer: {turn.message}")
            lines += [f"   bot: {reply}" for reply in turn.replies]
            if turn.error:
                lines.append(f"   (no answer: {turn.error})")
        lines += ["", f"completed: {o.completed}  contained: {o.contained}"]
        if o.unlinked:
            lines.append(f"escalations for the sender, not the account: {', '.join(o.unlinked)}")
        lines += [f"FAILED: {failure}" for failure in o.failures]
        lines += ["", json.dumps(o.state, indent=2, sort_keys=True)]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
