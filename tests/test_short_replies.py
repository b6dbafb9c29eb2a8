"""Short replies of one lexicon's words mean its intent (arbot_nlu/short_replies.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arbot_nlu.short_replies import short_reply_intent, word_intents

LEXICON = Path(__file__).resolve().parent.parent / "data" / "nlu" / "lexicon.yml"


def _lexicons() -> dict[str, list[str]]:
    """The ``- lookup:`` lists of the lexicon file (read as tests/nlu_examples.py reads)."""
    lexicons: dict[str, list[str]] = {}
    name = None
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- lookup:"):
            name = stripped.removeprefix("- lookup:").strip()
            lexicons[name] = []
        elif name and line.startswith("    - "):
            lexicons[name].append(stripped.removeprefix("- ").strip())
    return lexicons


WORDS = word_intents(_lexicons())


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mhm", "affirm"),
        ("AFFIRMATIVE", "affirm"),
        ("yes!", "affirm"),
        ("nope", "deny"),
        ("nuh-uh", "deny"),
        ("FAREWELL", "goodbye"),
        ("much obliged", "thank"),
        ("thank you very much", None),  # four words: the classifier's to read
        ("yes no", None),  # two lists: no decision
        ("yes 5pm", None),  # a digit: an answer with a detail
        ("ok c&d", None),
        ("can you fix my computer", None),
        ("", None),
        # Spanish (SPEC §14): accented words and ¡¿ are words and punctuation too
        ("sí", "affirm"),
        ("¡Sí, claro!", "affirm"),
        ("si por favor", "affirm"),
        ("dale", "affirm"),
        ("vale", "affirm"),
        ("nel", "deny"),
        ("chao", "goodbye"),
        ("adiós", "goodbye"),
        ("muchas gracias", "thank"),
        ("mil gracias", "thank"),
        ("no gracias", None),  # two lists: the classifier's to read
        ("sí 300", None),
        ("¿cuánto debo?", None),
    ],
)
def test_a_short_reply_of_one_lexicons_words_means_its_intent(
    text: str, intent: str | None
) -> None:
    assert short_reply_intent(text, WORDS) == intent


def test_a_word_in_two_lists_of_different_intents_decides_nothing() -> None:
    words = word_intents({"yes_word": ["ok", "sure"], "bye_word": ["ok", "bye"]})
    assert words == {"sure": "affirm", "bye": "goodbye"}
    assert short_reply_intent("ok", words) is None
