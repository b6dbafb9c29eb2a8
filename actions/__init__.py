"""arbot's Rasa custom actions, served by ``python -m rasa_sdk --actions actions``.

One module per flow (docs/conversations.md). They are imported here so that rasa-sdk's
discovery, which registers every ``Action`` subclass it has seen imported, finds them all.
"""

from actions import (
    balance,
    claims,
    disputes,
    fallback,
    greeting,
    handoff,
    hardship,
    language,
    payment_link,
    plans,
    preferences,
    promises,
    resume,
    verification,
)

__all__ = [
    "balance",
    "claims",
    "disputes",
    "fallback",
    "greeting",
    "handoff",
    "hardship",
    "language",
    "payment_link",
    "plans",
    "preferences",
    "promises",
    "resume",
    "verification",
]
