"""The judge of a dialogue: facts found however they are written, every expectation checked."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.runner import NOW
from tests.dialogues.dialogue import Dialogue, DialogueError, load
from tests.dialogues.evaluate import Turn, judge
from tests.dialogues.mentions import amount_pattern, date_pattern

FILE = """\
persona: cooperative
customer:
  account_number: "99990001"
  name: Test Customer
  postal_code: "30305"
  phone: "+14705550001"
  timezone: America/New_York
invoices:
  - {invoice_number: X-1, issue_date: today-40, due_date: today-10, amount: "1240.00"}
turns: [hi, "0001", "30305", i will pay 400 on friday, "yes"]
expect:
  promise: {amount: "400.00", due_date: today+5}
  escalations: [customer_request]
  says:
    - {amount: "1240.00", from_turn: 3}
    - {state: promise.due_date, turn: 5}
  never_says:
    - {amount: "1240.00", to_turn: 2}
"""
TODAY = date(2026, 11, 22)  # NOW in New York


@pytest.mark.parametrize("text", ["$1,240.00", "1240.00", "owe 1,240 now", "(1240)"])
def test_an_amount_is_found_with_or_without_separators_and_cents(text: str) -> None:
    assert amount_pattern("1240.00").search(text)


@pytest.mark.parametrize("text", ["11,240.00", "1240.50", "1,240.005", "12400"])
def test_an_amount_is_not_found_inside_another_number(text: str) -> None:
    assert not amount_pattern("1240.00").search(text)


@pytest.mark.parametrize(
    "text", ["Friday, Dec 4", "December 4th", "4 Dec", "2026-12-04", "by 12/04", "Dec. 04"]
)
def test_a_date_is_found_however_it_is_written(text: str) -> None:
    assert date_pattern(date(2026, 12, 4)).search(text)


def test_today_and_tomorrow_are_dates_when_the_day_is_known() -> None:
    assert date_pattern(TODAY, TODAY).search("the first payment is due today")
    assert date_pattern(date(2026, 11, 23), TODAY).search("by tomorrow")
    assert not date_pattern(date(2026, 11, 24), TODAY).search("by tomorrow")


@pytest.mark.parametrize("text", ["Dec 14", "December 24th", "Friday", "12/14", "2026-12-14"])
def test_another_date_or_a_weekday_alone_is_not_the_date(text: str) -> None:
    assert not date_pattern(date(2026, 12, 4)).search(text)


@pytest.fixture
def dialogue(tmp_path: Path) -> Dialogue:
    path = tmp_path / "t99_example.yml"
    path.write_text(FILE, encoding="utf-8")
    return load(path, datetime.fromisoformat(NOW))


def _state(**changes: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "promises": [{"amount": "400.00", "due_date": "2026-11-27", "status": "pending"}],
        "plans": [],
        "disputes": [],
        "escalations": [{"reason": "customer_request", "status": "open"}],
        "contact": {"sms_opt_out": False, "cease": False},
    }
    return state | changes


def _turns(*replies: str) -> list[Turn]:
    return [Turn(f"message {n}", (reply,)) for n, reply in enumerate(replies, 1)]


GOOD = _turns("hi", "zip?", "Your balance is $1,240.00", "Friday, Nov 27?", "Recorded: Nov 27")


def test_relative_dates_are_resolved_in_the_customer_s_zone(dialogue: Dialogue) -> None:
    assert dialogue.today == TODAY
    assert dialogue.invoices[0]["due_date"] == "2026-11-12"
    assert dialogue.sender == "+14705550001"


def test_a_dialogue_that_left_what_it_expects_is_completed_and_contained(
    dialogue: Dialogue,
) -> None:
    outcome = judge(dialogue, GOOD, _state())

    assert outcome.failures == ()
    assert outcome.completed
    assert outcome.contained


def test_a_promise_of_another_amount_fails_the_dialogue(dialogue: Dialogue) -> None:
    promises = [{"amount": "300.00", "due_date": "2026-11-27", "status": "pending"}]

    outcome = judge(dialogue, GOOD, _state(promises=promises))

    assert not outcome.completed
    assert outcome.first_failure == "promise amount 400.00 expected, found 300.00 by 2026-11-27"


def test_an_escalation_nobody_asked_for_fails_completion_and_containment(
    dialogue: Dialogue,
) -> None:
    escalations = [{"reason": "customer_request"}, {"reason": "fallback"}]

    outcome = judge(dialogue, GOOD, _state(escalations=escalations))

    assert not outcome.contained
    assert "escalation fallback not asked for" in outcome.failures


def test_a_missing_escalation_fails_completion_but_not_containment(dialogue: Dialogue) -> None:
    outcome = judge(dialogue, GOOD, _state(escalations=[]))

    assert outcome.contained
    assert outcome.failures == ("escalation customer_request expected, found none",)


def test_a_plan_or_dispute_nobody_expected_fails_the_dialogue(dialogue: Dialogue) -> None:
    plan = {"status": "active", "total": "1240.00", "installments": [{}, {}, {}]}
    dispute = {"invoice_number": "X-1", "reason": "other", "status": "open"}

    outcome = judge(dialogue, GOOD, _state(plans=[plan], disputes=[dispute]))

    assert outcome.failures == (
        "no plan expected, found active 2 months 1240.00",
        "unexpected open dispute on X-1 (other)",
    )


def test_an_escalation_for_the_sender_alone_counts_and_is_contained_when_asked_for(
    dialogue: Dialogue,
) -> None:
    outcome = judge(dialogue, GOOD, _state(escalations=[]), unlinked=["customer_request"])

    assert outcome.failures == ()


def test_an_escalation_for_the_sender_alone_counts_against_containment(
    dialogue: Dialogue,
) -> None:
    outcome = judge(dialogue, GOOD, _state(), unlinked=["fallback"])

    assert not outcome.contained
    assert outcome.failures == ("escalation fallback not asked for",)


def test_a_verification_lock_must_be_linked_to_the_named_account(tmp_path: Path) -> None:
    path = tmp_path / "t96_lock.yml"
    path.write_text(FILE.replace("[customer_request]", "[verification_failed]"), encoding="utf-8")
    locked = load(path, datetime.fromisoformat(NOW))

    outcome = judge(locked, GOOD, _state(escalations=[]), unlinked=["verification_failed"])

    assert outcome.contained
    assert outcome.failures == (
        "escalation verification_failed opened but not linked to account 99990001",
    )


def test_contact_flags_default_to_not_opted_out(dialogue: Dialogue) -> None:
    outcome = judge(dialogue, GOOD, _state(contact={"sms_opt_out": True, "cease": False}))

    assert outcome.failures == ("contact sms_opt_out=false expected, found true",)


def test_the_balance_before_verification_fails_the_dialogue(dialogue: Dialogue) -> None:
    early = _turns("hi", "You owe 1240.00", *["ok"] * 3)
    early[2:] = GOOD[2:]

    outcome = judge(dialogue, early, _state())

    assert outcome.failures == ("a reply mentions amount '1240.00' in the replies to turns 1-2",)


def test_a_fact_of_the_state_must_be_in_the_reply_to_its_turn(dialogue: Dialogue) -> None:
    vague = [*GOOD[:4], Turn("yes", ("Recorded.",))]

    outcome = judge(dialogue, vague, _state())

    assert outcome.failures == ("no reply mentions date '2026-11-27' in the reply to turn 5",)


def test_a_turn_without_an_answer_fails_the_dialogue(dialogue: Dialogue) -> None:
    turns = [*GOOD[:4], Turn("yes", (), "HTTP 500"), GOOD[4]]

    outcome = judge(dialogue, turns, _state())

    assert outcome.first_failure == "turn 5: no answer (HTTP 500)"


def test_an_unknown_key_in_a_dialogue_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "t98_typo.yml"
    path.write_text(FILE.replace("  promise:", "  promis:"), encoding="utf-8")

    with pytest.raises(DialogueError, match="expect: unknown key 'promis'"):
        load(path, datetime.fromisoformat(NOW))


def test_money_without_two_decimal_places_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t97_money.yml"
    path.write_text(FILE.replace('amount: "400.00"', "amount: 400"), encoding="utf-8")

    with pytest.raises(DialogueError, match="expect.promise.amount: '400' is not written"):
        load(path, datetime.fromisoformat(NOW))
