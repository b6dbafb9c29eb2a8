"""Carrier keywords: the SMS commands a gateway must obey before anything reads the text.

SPEC §5 Opt-out: a message that is nothing but one of these words (any case, surrounding
blanks and a final full stop or exclamation mark ignored) is a command to the sender's
carrier-level subscription, not a sentence for the bot. "stop texting me" is a sentence:
the bot's ``opt_out`` intent handles it.
"""

from __future__ import annotations

from enum import Enum


class Keyword(Enum):
    """What a carrier keyword asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"


STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

_WORDS = (
    {word: Keyword.STOP for word in STOP_WORDS}
    | {word: Keyword.START for word in START_WORDS}
    | {word: Keyword.HELP for word in HELP_WORDS}
)


def carrier_keyword(body: str) -> Keyword | None:
    """The keyword ``body`` consists of, or None when it is anything else."""
    word = body.strip().rstrip(".!").strip().upper()
    return _WORDS.get(word)
