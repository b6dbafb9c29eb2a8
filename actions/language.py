"""The conversation's language (SPEC §14): the ``language`` slot, from the gateway.

The gateway settles the language of every message (:mod:`bot.services.languages`) and
sends it as the message's ``language`` metadata; Rasa runs
``action_validate_slot_mappings`` after each message, which copies it into the slot.
Responses in ``domain.yml`` have a Spanish variation conditioned on the slot, and actions
that write their own texts read it with :func:`language_of`. A message without the
metadata (``rasa shell``, a test story) leaves the slot as it was.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from bot.policy.languages import DEFAULT, normalise

SLOT = "language"


def language_of(tracker: Tracker) -> str:
    """The conversation's language: ``en`` or ``es`` (English when unset)."""
    return normalise(tracker.get_slot(SLOT)) or DEFAULT


class ActionValidateSlotMappings(ValidationAction):  # type: ignore[misc]
    """Fills the ``language`` slot from the latest message's metadata."""

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """``{"language": "es"}`` when the gateway said so; ``{}`` leaves the slot."""
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        given = normalise(metadata.get(SLOT)) if isinstance(metadata, dict) else None
        if given is None or given == tracker.get_slot(SLOT):
            return {}
        return {SLOT: given}
