"""Carrier keywords: the SMS commands a gateway must obey before anything reads the text.

SPEC §5 Opt-out: a message that is nothing but one of these words (any case, surrounding
blanks and a final full stop or exclamation mark ignored) is a command to the sender's
carrier-level subscription, not a sentence for the bot. "stop texting me" is a sentence:
the bot's ``opt_out`` intent handles it.

SPEC §14: the Spanish words too — ALTO, PARAR, BAJA, CANCELAR and NO MAS / NO MÁS stop,
AYUDA asks for help — compared without accents, so "no más", "NO MAS" and "Parar." are
the same keyword.
"""

from __future__ import annotations

from enum import Enum

from bot.policy.languages import ENGLISH, SPANISH, folded


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
#: SPEC §14, written without accents (they are folded away before comparing)
SPANISH_STOP_WORDS = frozenset({"ALTO", "PARAR", "BAJA", "CANCELAR", "NO MAS"})
SPANISH_HELP_WORDS = frozenset({"AYUDA"})

_WORDS = (
    {word: Keyword.STOP for word in STOP_WORDS | SPANISH_STOP_WORDS}
    | {word: Keyword.START for word in START_WORDS}
    | {word: Keyword.HELP for word in HELP_WORDS | SPANISH_HELP_WORDS}
)
_SPANISH = SPANISH_STOP_WORDS | SPANISH_HELP_WORDS
#: channels whose customers text from a phone: every keyword applies
PHONE_CHANNELS = frozenset({"sms", "web"})
#: channels where only the Spanish words apply (Telegram's English ones are /stop, /help)
SPANISH_ONLY_CHANNELS = frozenset({"telegram"})


def _word(body: str) -> str:
    return " ".join(folded(body.strip().rstrip(".!").strip()).split())


def carrier_keyword(body: str) -> Keyword | None:
    """The keyword ``body`` consists of, or None when it is anything else."""
    return _WORDS.get(_word(body))


def keyword_language(body: str) -> str | None:
    """``es`` when ``body`` is a Spanish keyword, ``en`` when an English one, else None:
    a Spanish keyword from an unknown sender is answered in Spanish."""
    word = _word(body)
    if word not in _WORDS:
        return None
    return SPANISH if word in _SPANISH else ENGLISH


def keyword_on(channel: str, body: str) -> Keyword | None:
    """The carrier keyword ``body`` is on ``channel`` (module docstring), or None."""
    if channel in PHONE_CHANNELS or (
        channel in SPANISH_ONLY_CHANNELS and keyword_language(body) == SPANISH
    ):
        return carrier_keyword(body)
    return None
