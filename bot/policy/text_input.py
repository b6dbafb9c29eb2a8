"""Text people type, made storable: what a database column cannot hold is replaced.

PostgreSQL refuses a NUL character anywhere in text (``PostgreSQL text fields cannot
contain NUL (0x00) bytes``), and no UTF-8 driver can encode a lone surrogate (JSON's
``"\\ud800"`` decodes to one). Either would turn a customer's message, a chat sender or a
console field into a server error; both become U+FFFD, the replacement character a
decoder puts for bytes it cannot read, so the rest of the text is kept as typed and SQL
metacharacters stay plain data.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` with each NUL and lone surrogate replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)
