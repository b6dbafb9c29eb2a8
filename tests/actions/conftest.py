"""Trackers from JSON fixtures, a collecting dispatcher and fake services (SPEC §11 style:
RasaHQ/financial-demo ``tests/conftest.py``).

Every test runs with :func:`actions.runtime.current` replaced: fake services, a clock fixed
at Wednesday 2026-11-25 15:00 UTC and sessions that never touch a database.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from bot.clock import FixedClock
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.settings import Settings
from tests.actions.fakes import FakeServices

GUARD_SLOTS = frozenset({"form_offer", "form_misses"})
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
SENDER = "sms:+16175550101"
TRACKERS = json.loads((Path(__file__).parent / "fixtures" / "trackers.json").read_text())
DOMAIN: dict[str, Any] = {
    "intents": [],
    "entities": ["amount", "date", "invoice_number", "account_number", "postal_code"],
    "slots": {},
    "responses": {},
    "actions": [],
    "forms": {
        "verification_form": {"required_slots": ["verify_account", "verify_postal_code"]},
        "promise_form": {"required_slots": ["ptp_amount", "ptp_date", "ptp_confirmed"]},
        "plan_form": {"required_slots": ["plan_request", "plan_confirmed"]},
        "dispute_form": {
            "required_slots": ["dispute_invoice", "dispute_reason", "dispute_description"]
        },
    },
}


@dataclass(frozen=True)
class Outcome:
    """What an action said and the events it returned."""

    messages: list[str]
    events: list[dict[str, Any]]
    buttons: list[dict[str, str]] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.messages)

    def slots(self) -> dict[str, Any]:
        """The slots the events set, the last value winning."""
        return {e["name"]: e["value"] for e in self.events if e["event"] == "slot"}

    @property
    def flow_events(self) -> list[dict[str, Any]]:
        """The events without the forms' bookkeeping (offers and misses, actions/forms.py)."""
        return [e for e in self.events if e.get("name") not in GUARD_SLOTS]

    def flow_slots(self) -> dict[str, Any]:
        """:meth:`slots` without the forms' bookkeeping."""
        return {k: v for k, v in self.slots().items() if k not in GUARD_SLOTS}


def tracker(
    base: str = "verified",
    *,
    text: str = "",
    intent: str = "inform",
    entities: Mapping[str, str] | None = None,
    slots: Mapping[str, Any] | None = None,
    events: Iterable[dict[str, Any]] = (),
    form: str | None = None,
    requested: str | None = None,
    candidates: Mapping[str, Any] | None = None,
    sender: str = SENDER,
) -> Tracker:
    """A tracker from a JSON base state plus the customer's latest message.

    With ``form``, it is shaped as Rasa hands it to a form's validation action: the form is
    active, ``requested_slot`` is set, and the slot candidates close the event list.
    """
    state = copy.deepcopy(TRACKERS[base])
    state["sender_id"] = sender
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    state["latest_message"] = parse_data
    state["events"] += [*events, UserUttered(text, parse_data)]
    state["slots"].update(slots or {})
    if form is not None:
        state["active_loop"] = {"name": form}
        state["slots"]["requested_slot"] = requested
        state["events"] += [SlotSet("requested_slot", requested), ActionExecuted(form)]
        state["events"] += [SlotSet(k, v) for k, v in (candidates or {}).items()]
        state["slots"].update(candidates or {})
    return Tracker.from_dict(state)


def run(action: Action, given: Tracker) -> Outcome:
    """Runs an action the way the action server does and collects what it returns."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, given, DOMAIN))
    said = dispatcher.messages
    return Outcome(
        [m["text"] for m in said if m.get("text")],
        events,
        [b for m in said for b in m.get("buttons") or []],
        [m["response"] for m in said if m.get("response")],
    )


@contextlib.contextmanager
def no_database() -> Iterator[None]:
    yield None


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> Settings:
    """The action server's settings; a test may give ``ARBOT_HOLD_DAYS_PAST_DUE`` as the
    fixture's parameter (``indirect``)."""
    return Settings(
        database_url="sqlite://",
        company_name="Acme Supply Co.",
        payment_link="https://pay.example.com/{account_number}",
        default_timezone=ZoneInfo("America/New_York"),
        now=NOW,
        hold_days_past_due=getattr(request, "param", HOLD_DAYS_PAST_DUE),
    )


@pytest.fixture(autouse=True)
def services(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> FakeServices:
    """The fake services every action reaches through ``runtime.current()``."""
    fakes = FakeServices()
    wired = runtime.Runtime(
        settings=settings, clock=FixedClock(NOW), sessions=no_database, services=fakes.bundle()
    )
    monkeypatch.setattr(runtime, "current", lambda: wired)
    return fakes
