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


RESUME_ACTION = "action_resume_request"
_NOT_A_STEP = {"action_listen", "action_session_start", "action_extract_slots"}


def previous_action(tracker: Tracker) -> str | None:
    """The last action the bot ran before the customer's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in _NOT_A_STEP:
            return str(event.get("name"))
    return None


def current_message(tracker: Tracker) -> dict[str, Any]:
    """The customer message the bot is acting on: the latest one — or, while a request
    resumes after verification, the message that made the request.

    Once ``action_resume_request`` has run after the latest message, that message was the
    answer to the verification questions (a postal code, say); the amounts, dates and
    invoice numbers the resumed flow needs are in the message that asked for it, the last
    one before ``pending_request`` was set.
    """
    events = tracker.events
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    resumed = any(
        e.get("event") == "action" and e.get("name") == RESUME_ACTION for e in events[latest_user:]
    )
    if not resumed:
        return dict(tracker.latest_message or {})
    asked = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "slot" and e.get("name") == "pending_request" and e.get("value")
        ),
        default=-1,
    )
    for event in reversed(events[:asked]):
        if event.get("event") == "user":
            return {"text": event.get("text"), **(event.get("parse_data") or {})}
    return dict(tracker.latest_message or {})


def entity(tracker: Tracker, name: str) -> str | None:
    """The value of entity ``name`` in :func:`current_message`, from its widest span.

    The rule-based and the learned extractor may both answer for the same words, the learned
    one often with fragments ("next" and "friday" where the rules found "next friday"), so
    the widest span wins; among equals, the first found.
    """
    found: list[tuple[int, int, str]] = []
    entities = current_message(tracker).get("entities") or []
    for order, item in enumerate(entities):
        value = item.get("value")
        if item.get("entity") != name or value is None or not str(value).strip():
            continue
        start, end = item.get("start"), item.get("end")
        width = end - start if isinstance(start, int) and isinstance(end, int) else 0
        found.append((-width, order, str(value).strip()))
    return min(found)[2] if found else None


def latest_text(tracker: Tracker) -> str:
    """What the customer wrote in :func:`current_message`."""
    text = current_message(tracker).get("text")
    return str(text).strip() if text else ""


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU gave :func:`current_message`."""
    intent = current_message(tracker).get("intent") or {}
    name = intent.get("name") if isinstance(intent, dict) else None
    return str(name) if name else None


def dialogue_intents(tracker: Tracker) -> list[str]:
    """The intents NLU gave the customer's messages of this session, in order: what a case
    opened in this turn carries in its handoff summary (SPEC §13)."""
    found = []
    for event in tracker.applied_events():
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        name = intent.get("name") if isinstance(intent, dict) else None
        if name:
            found.append(str(name))
    return found


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
