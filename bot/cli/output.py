"""How listings leave the CLI: text, ``--json`` or ``--csv``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import click

BAR_WIDTH = 40


def emit_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def emit_csv(rows: Sequence[Mapping[str, str]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def bar_chart(values: Mapping[str, Decimal], *, width: int = BAR_WIDTH) -> list[str]:
    """Horizontal bars scaled to the largest value, one line per label."""
    largest = max(values.values(), default=Decimal(0))
    label_width = max((len(label) for label in values), default=0)
    lines = []
    for label, value in values.items():
        cells = 0 if largest <= 0 else round(float(value / largest) * width)
        bar = "█" * cells if cells else ("▏" if value > 0 else "")
        lines.append(f"{label:>{label_width}}  {bar:<{width}}  {value:>14,.2f}")
    return lines
