"""Reading a tracker: slots, the latest message's entities and text, and the events to return.

rasa-sdk has no type information, so these helpers are where untyped tracker values become
``str``, ``bool`` and friends.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet

Event = dict[str, Any]


def text_slot(tracker: Tracker, name: str) -> str | None:
    """A slot's value as stripped text; None when unset or blank."""
    value = tracker.get_slot(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def entity(tracker: Tracker, name: str) -> str | None:
    """The first value of entity ``name`` in the latest user message."""
    for value in tracker.get_latest_entity_values(name):
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def latest_text(tracker: Tracker) -> str:
    """What the customer last wrote."""
    text = tracker.latest_message.get("text") if tracker.latest_message else None
    return str(text).strip() if text else ""


def requested_slot(tracker: Tracker) -> str | None:
    """The slot the active form asked for last."""
    return text_slot(tracker, "requested_slot")


def reset(*names: str) -> list[Event]:
    """Clears slots."""
    return [SlotSet(name, None) for name in names]


def leave_form(tracker: Tracker) -> list[Event]:
    """Deactivates the active form, if any (nothing when no form is active)."""
    if tracker.active_loop and tracker.active_loop.get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []
