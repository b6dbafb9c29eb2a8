"""Short replies made only of one lexicon's words: "mhm", "FAREWELL", "much obliged".

Pure (no Rasa): :func:`short_reply_intent` reads a message against the word lists of
``data/nlu/lexicon.yml``. A reply of at most :data:`MAX_WORDS` words, each a word of the
same list (or a filler such as "very" or "uh"), with at least one word of the list and
no digit, means that list's intent whatever the classifier made of it — a one-word answer
has no context for it to weigh, and an unfamiliar spelling of yes is still yes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: the lexicons whose words alone answer a question, and the intent each means
INTENT_OF_LEXICON: Mapping[str, str] = {
    "yes_word": "affirm",
    "no_word": "deny",
    "bye_word": "goodbye",
    "thanks_word": "thank",
}
#: words that say nothing by themselves ("thank you very much", "nuh uh", "muchas gracias",
#: "sí por favor")
FILLERS = frozenset(
    {"uh", "um", "oh", "so", "very", "much", "really", "a", "lot", "you", "u"}
    | {"eh", "ah", "pues", "muy", "muchas", "muchísimas", "muchisimas", "mil", "por", "favor"}
)
MAX_WORDS = 3
#: a word of letters, accented ones included ("sí", "adiós"); no digits
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def word_intents(lexicons: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Each lexicon word → its intent; a word in two lists of different intents is left
    out (it decides nothing)."""
    found: dict[str, set[str]] = {}
    for name, words in lexicons.items():
        intent = INTENT_OF_LEXICON.get(name)
        if intent is None:
            continue
        for word in words:
            found.setdefault(word.strip().lower(), set()).add(intent)
    return {word: next(iter(intents)) for word, intents in found.items() if len(intents) == 1}


def short_reply_intent(text: str, words: Mapping[str, str]) -> str | None:
    """The intent a short reply of lexicon words means, or None when it is not one."""
    lowered = text.strip().lower()
    if not lowered or any(ch.isdigit() for ch in lowered):
        return None
    tokens = _WORD.findall(lowered)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    if re.sub(r"[\s.!?,'¡¿]+", "", lowered) != "".join(t.replace("'", "") for t in tokens):
        return None  # other signs than punctuation: "c&d", "yes/no"
    meant = {words[t] for t in tokens if t not in FILLERS and t in words}
    known = all(t in FILLERS or t in words for t in tokens)
    return next(iter(meant)) if known and len(meant) == 1 else None
