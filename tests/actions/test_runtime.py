"""The actions' plumbing: sender ids, text helpers, the runtime seam, discovery."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from rasa_sdk.executor import ActionExecutor

from actions import runtime
from actions.replies import day, money
from actions.sender import Sender, parse_sender

ACTION_NAMES = {
    "action_greet",
    "action_bot_challenge",
    "action_bare_answer",
    "action_ask_who",
    "action_goodbye",
    "action_out_of_scope",
    "action_check_balance",
    "action_start_promise",
    "action_ask_ptp_confirmed",
    "action_record_promise",
    "action_start_plan",
    "action_ask_plan_confirmed",
    "action_record_plan",
    "action_start_dispute",
    "action_record_dispute",
    "action_claim_paid",
    "action_hardship",
    "action_pay_now",
    "action_request_human",
    "action_opt_out",
    "action_opt_in",
    "action_cease",
    "action_fallback",
    "action_resume_request",
    "validate_verification_form",
    "validate_promise_form",
    "validate_plan_form",
    "validate_dispute_form",
    "action_validate_slot_mappings",
}


@pytest.mark.parametrize(
    ("sender_id", "expected"),
    [
        ("sms:+16175550101", Sender("sms", "+16175550101")),
        ("telegram:550118", Sender("telegram", "550118")),
        ("web:+16175550101", Sender("web", "+16175550101")),
        ("default", Sender("web", "default")),
        ("fax:123", Sender("web", "fax:123")),
        ("sms:", Sender("web", "sms:")),
    ],
)
def test_parse_sender(sender_id: str, expected: Sender) -> None:
    assert parse_sender(sender_id) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("1250", "USD", "$1,250.00"),
        ("0.5", "USD", "$0.50"),
        ("1234567.891", "USD", "$1,234,567.89"),
        ("-5", "USD", "-$5.00"),
        ("99.99", "EUR", "99.99 EUR"),
    ],
)
def test_money(amount: str, currency: str, text: str) -> None:
    assert money(Decimal(amount), currency) == text


def test_day() -> None:
    assert day(date(2026, 12, 4)) == "Friday, Dec 4"


def test_call_runs_the_use_case_in_a_thread_with_its_own_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []

    @contextlib.contextmanager
    def sessions() -> Iterator[str]:
        opened.append("open")
        yield "session"
        opened.append("closed")

    wired = runtime.current()
    monkeypatch.setattr(
        runtime,
        "current",
        lambda: runtime.Runtime(wired.settings, wired.clock, sessions, wired.services),
    )

    def use_case(session: str, value: int, *, twice: bool) -> tuple[str, int, str]:
        return session, value * (2 if twice else 1), threading.current_thread().name

    session, value, thread = asyncio.run(runtime.call(use_case, 21, twice=True))

    assert (session, value) == ("session", 42)
    assert thread != threading.current_thread().name
    assert opened == ["open", "closed"]


def test_every_action_of_the_dialogue_map_is_discovered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")

    assert set(executor.actions) == ACTION_NAMES
