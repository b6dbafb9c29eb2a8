"""The NLU data: enough varied examples per intent, and a held-out set that is really held out."""

from __future__ import annotations

import difflib
from collections import Counter

from tests.nlu_examples import blind_examples, held_out_examples, normalized, training_examples

#: similarity (difflib's ratio) from which two sentences count as the same
NEAR = 0.9
#: SPEC §5
INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "ask_who", "check_balance",
    "promise_to_pay", "request_payment_plan", "dispute", "claim_paid", "hardship", "pay_now",
    "request_human", "opt_out", "opt_in", "cease_contact", "help", "inform", "out_of_scope",
}  # fmt: skip


def test_every_intent_has_at_least_25_training_examples() -> None:
    counts = Counter(intent for intent, _ in training_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 25} == {}


def test_every_intent_has_at_least_10_held_out_examples() -> None:
    counts = Counter(intent for intent, _ in held_out_examples())
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 10} == {}


def test_no_held_out_sentence_is_in_the_training_data() -> None:
    trained = {normalized(text) for _, text in training_examples()}
    copied = [text for _, text in held_out_examples() if normalized(text) in trained]
    assert copied == []


def test_no_held_out_sentence_is_a_near_copy_of_a_training_one() -> None:
    """A one-letter change ("whats" for "what's", "uh uh" for "nuh uh") is still a copy."""
    trained = {normalized(text) for _, text in training_examples()}
    near = []
    for _, text in held_out_examples():
        held = normalized(text)
        for other in trained:
            match = difflib.SequenceMatcher(None, held, other)
            # the cheap upper bounds first: the full ratio is only computed when they allow it
            bounds = (match.real_quick_ratio, match.quick_ratio, match.ratio)
            if all(bound() >= NEAR for bound in bounds):
                near.append((text, other))
    assert near == []


def test_the_blind_set_has_every_intent_and_no_training_sentence_nor_near_copy() -> None:
    """The blind set was written from SPEC §5 alone; it measures how the model generalises."""
    blind = blind_examples()
    counts = Counter(intent for intent, _ in blind)
    assert set(counts) == INTENTS
    assert {intent: n for intent, n in counts.items() if n < 10} == {}
    written = {normalized(text): text for _, text in blind}
    near = []
    for other in {normalized(text) for _, text in training_examples()}:
        # one matcher per training sentence (its index is built once), the blind ones set in turn
        match = difflib.SequenceMatcher(None, b=other)
        for held, text in written.items():
            # the cheap upper bounds first: the full ratio is only computed when they allow it
            match.set_seq1(held)
            bounds = (match.real_quick_ratio, match.quick_ratio, match.ratio)
            if all(bound() >= NEAR for bound in bounds):
                near.append((text, other))
    assert near == []


def test_no_training_sentence_is_given_two_intents() -> None:
    seen: dict[str, set[str]] = {}
    for intent, text in training_examples():
        seen.setdefault(normalized(text), set()).add(intent)
    assert {text: intents for text, intents in seen.items() if len(intents) > 1} == {}
