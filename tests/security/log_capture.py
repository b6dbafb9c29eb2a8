"""A logging handler that keeps every record it is handed, formatted (not a test module)."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass


@dataclass
class Captured(logging.Handler):
    """Every record handed to it, formatted (message, traceback and stack)."""

    lines: list[str] = dataclasses.field(default_factory=list)
    records: list[logging.LogRecord] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    def __hash__(self) -> int:  # a Handler is kept in sets by logging
        return id(self)

    def text(self) -> str:
        return "\n".join(self.lines)
