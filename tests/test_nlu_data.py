"""The NLU data: enough varied examples per intent, in English and in Spanish (SPEC §14),
and held-out sets that are really held out."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.nlu_examples import (
    BLIND,
    BLIND_ES,
    blind_examples,
    held_out_es_examples,
    held_out_examples,
    normalized,
    spanish_training_examples,
    training_examples,
)

#: similarity (difflib's ratio) from which two sentences count as the same
NEAR = 0.9
#: SPEC §5
INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "ask_who", "check_balance",
    "promise_to_pay", "request_payment_plan", "dispute", "claim_paid", "hardship", "pay_now",
    "request_human", "opt_out", "opt_in", "cease_contact", "help", "inform", "out_of_scope",
}  # fmt: skip
#: the blind sets written so far and the examples each has per intent at least (the Spanish
#: one is written apart, from SPEC §5 and §14)
BLIND_SETS = [(path, least) for path, least in ((BLIND, 10), (BLIND_ES, 8)) if path.is_file()]


def near_copies(
    held: Iterable[tuple[str, str]], training: Iterable[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """``(held-out text, training text)`` pairs at least :data:`NEAR` alike once normalized
    (so "cuánto debo" and "cuanto debo" are the same), against ``training`` (all of it by
    default)."""
    written = {normalized(text): text for _, text in held}
    near = []
    for other in {normalized(text) for _, text in training or training_examples()}:
        # one matcher per training sentence (its index is built once), the held-out ones in turn
        match = difflib.SequenceMatcher(None, b=other)
        for sentence, text in written.items():
            # the cheap upper bounds first: the full ratio is only computed when they allow it
            match.set_seq1(sentence)
            bounds = (match.real_quick_ratio, match.quick_ratio, match.ratio)
            if all(bound() >= NEAR for bound in bounds):
                near.append((text, other))
    return near


def test_every_intent_has_at_least_25_training_examples() -> None:
    counts = Counter(intent for intent, _ in training_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 25} == {}


def test_every_intent_has_at_least_40_spanish_training_examples() -> None:
    counts = Counter(intent for intent, _ in spanish_training_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 40} == {}


def test_every_intent_has_at_least_10_held_out_examples() -> None:
    counts = Counter(intent for intent, _ in held_out_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 10} == {}


def test_every_intent_has_at_least_8_spanish_held_out_examples() -> None:
    counts = Counter(intent for intent, _ in held_out_es_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 8} == {}


def test_no_held_out_sentence_is_in_the_training_data() -> None:
    trained = {normalized(text) for _, text in training_examples()}
    held = [*held_out_examples(), *held_out_es_examples()]
    copied = [text for _, text in held if normalized(text) in trained]
    assert copied == []


def test_no_held_out_sentence_is_a_near_copy_of_a_training_one() -> None:
    """A one-letter change ("whats" for "what's", "uh uh" for "nuh uh") is still a copy."""
    assert near_copies(held_out_examples()) == []


def test_no_spanish_held_out_sentence_is_a_near_copy_of_a_training_one() -> None:
    """Nor is a missing accent ("cuanto" for "cuánto"), nor an English training sentence."""
    assert near_copies(held_out_es_examples()) == []


def test_normalized_drops_accents_case_and_punctuation() -> None:
    assert normalized("¿Cuánto DEBO?") == normalized("cuanto debo") == "cuanto debo"
    assert normalized("ya pagué, señor") == "ya pague senor"


@pytest.mark.parametrize(("path", "least"), BLIND_SETS, ids=[p.name for p, _ in BLIND_SETS])
def test_the_blind_set_has_every_intent_and_no_training_sentence_nor_near_copy(
    path: Path, least: int
) -> None:
    """The blind sets were written from the SPEC alone; they measure how the model generalises."""
    blind = blind_examples(path)
    counts = Counter(intent for intent, _ in blind)
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < least} == {}
    # the Spanish set's English replies ("ok", "thanks", "bye": customers mix the two) are
    # English training sentences too; its Spanish is checked against the Spanish training
    training = spanish_training_examples() if path == BLIND_ES else None
    assert near_copies(blind, training) == []


def test_no_training_sentence_is_given_two_intents() -> None:
    seen: dict[str, set[str]] = {}
    for intent, text in training_examples():
        seen.setdefault(normalized(text), set()).add(intent)
    assert {text: intents for text, intents in seen.items() if len(intents) > 1} == {}
