"""Reading entities when the rule-based and the learned extractor both answer."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.slots import entity, latest_intent, latest_text

FRAGMENTS = [
    {"entity": "amount", "value": "400", "start": 10, "end": 13, "extractor": "DIETClassifier"},
    {"entity": "date", "value": "next", "start": 14, "end": 18, "extractor": "DIETClassifier"},
    {"entity": "date", "value": "friday", "start": 19, "end": 25, "extractor": "DIETClassifier"},
    {
        "entity": "date",
        "value": "next friday",
        "start": 14,
        "end": 25,
        "extractor": "SpacyEntityExtractor",
    },
]


def _tracker(entities: list[dict[str, object]]) -> Tracker:
    message = {"text": "i can pay 400 next friday", "intent": {"name": "promise_to_pay"}}
    return Tracker.from_dict(
        {"sender_id": "web:+1", "latest_message": {**message, "entities": entities}, "events": []}
    )


def test_the_widest_span_wins_over_fragments() -> None:
    assert entity(_tracker(FRAGMENTS), "date") == "next friday"


def test_a_single_entity_is_returned_as_is() -> None:
    assert entity(_tracker(FRAGMENTS), "amount") == "400"


def test_an_entity_not_found_is_none() -> None:
    assert entity(_tracker(FRAGMENTS), "invoice_number") is None


def test_without_offsets_the_first_value_wins() -> None:
    values = [{"entity": "date", "value": "friday"}, {"entity": "date", "value": "monday"}]
    assert entity(_tracker(values), "date") == "friday"


def _resumed_tracker() -> Tracker:
    """ "dispute INV-7" asked unverified, then the two verification answers, then resumed."""
    request = {
        "text": "dispute INV-7 it was damaged",
        "intent": {"name": "dispute"},
        "entities": [{"entity": "invoice_number", "value": "INV-7", "start": 8, "end": 13}],
    }
    postal = {
        "text": "98101",
        "intent": {"name": "inform"},
        "entities": [{"entity": "amount", "value": "98101", "start": 0, "end": 5}],
    }
    events = [
        {"event": "user", "text": request["text"], "parse_data": request},
        {"event": "action", "name": "action_start_dispute"},
        {"event": "slot", "name": "pending_request", "value": "dispute"},
        {"event": "action", "name": "verification_form"},
        {"event": "user", "text": "1003", "parse_data": {"text": "1003", "entities": []}},
        {"event": "action", "name": "verification_form"},
        {"event": "user", "text": postal["text"], "parse_data": postal},
        {"event": "action", "name": "verification_form"},
        {"event": "slot", "name": "verified", "value": True},
        {"event": "action", "name": "action_resume_request"},
        {"event": "slot", "name": "pending_request", "value": None},
    ]
    return Tracker.from_dict({"sender_id": "web:+1", "latest_message": postal, "events": events})


def test_a_resumed_request_reads_the_message_that_made_it() -> None:
    resumed = _resumed_tracker()
    assert entity(resumed, "invoice_number") == "INV-7"
    assert entity(resumed, "amount") is None
    assert latest_text(resumed) == "dispute INV-7 it was damaged"
    assert latest_intent(resumed) == "dispute"


def test_the_next_answer_after_a_resume_is_read_as_usual() -> None:
    resumed = _resumed_tracker()
    answer = {"text": "3", "intent": {"name": "inform"}, "entities": []}
    state = resumed.current_state()
    state["events"].append({"event": "user", "text": "3", "parse_data": answer})
    state["latest_message"] = answer
    assert latest_text(Tracker.from_dict(state)) == "3"
