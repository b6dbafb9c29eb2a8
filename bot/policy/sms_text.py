"""Cutting a long text into SMS that each fit in one Twilio message (SPEC §7).

Twilio takes at most 1,600 characters in a message body (it concatenates the carrier
segments itself). A longer bot message is sent as several, each cut where a reader would
pause: at a paragraph break, else a line break, else the end of a sentence, else between
words — and only inside a word when one word alone is longer than the limit. A break is
taken only in the second half of the room left, so a short first paragraph does not cost
a whole message of its own.

Nothing is lost or reordered: the parts, joined with blanks, hold the same words; only the
blanks at the cuts are dropped.
"""

from __future__ import annotations

import re

#: the most characters Twilio accepts in one message body
SMS_MAX_CHARS = 1600

# (pattern, cut after the match?) from the best place to break to the worst
_BREAKS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(r"\n[ \t\r]*\n"), False),  # a paragraph break
    (re.compile(r"\n"), False),  # a line break
    (re.compile(r"[.!?…][\"'”’)\]]*(?=\s)"), True),  # the end of a sentence
)
_BLANK = re.compile(r"\s")


def split_sms(text: str, limit: int = SMS_MAX_CHARS) -> list[str]:
    """The parts to send ``text`` as, each at most ``limit`` characters, in order.

    A text that fits is returned as it is (one part, blanks kept); a longer one is cut
    at the best break (module docstring) and the blanks around each cut are dropped.

    Raises:
        ValueError: when ``limit`` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit: {limit} is less than 1")
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut(text: str, limit: int) -> int:
    """Where to end the first part of ``text`` (which starts with a non-blank)."""
    window = text[: limit + 1]
    earliest = max(1, limit // 2)
    for pattern, after in _BREAKS:
        cuts = [m.end() if after else m.start() for m in pattern.finditer(window)]
        fitting = [cut for cut in cuts if earliest <= cut <= limit]
        if fitting:
            return fitting[-1]
    blanks = [m.start() for m in _BLANK.finditer(window) if m.start() >= 1]
    if blanks:
        return blanks[-1]
    return limit  # one word longer than a message: cut inside it
