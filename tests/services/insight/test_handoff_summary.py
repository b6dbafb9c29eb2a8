"""The handoff summary (SPEC §13) on every escalation, whatever opened it, and its redaction.

Account ``A-7`` (conftest): balance 1,200.00, 800.00 past due on 2026-11-22, phone on file.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Escalation, Promise
from bot.policy.rules import DEFAULT_POLICY
from bot.services import identity
from bot.services.conversations import record_inbound
from bot.services.disputes import open_dispute
from bot.services.escalations import REASONS, escalate, escalate_account
from tests.services.conftest import NOW, PHONE, Seeded

ACCOUNT_FACTS = ("account_number", "balance", "past_due", "pending_promise", "plan")


def _summary(session: Session, escalation_id: int) -> dict[str, Any]:
    with session.begin():
        escalation = session.get(Escalation, escalation_id)
        assert escalation is not None
        assert escalation.summary is not None
        return json.loads(escalation.summary)  # type: ignore[no-any-return]


def _say(session: Session, *texts: str, address: str = PHONE) -> int:
    conversation_id = 0
    for minute, text in enumerate(texts):
        record = record_inbound(session, "sms", address, text, now=NOW + timedelta(minutes=minute))
        conversation_id = record.conversation_id or 0
    return conversation_id


def _verify(session: Session, address: str = PHONE) -> None:
    result = identity.verify_sender(session, "sms", address, "A-7", "60614", NOW, DEFAULT_POLICY)
    assert result.status == "verified"


def _promise(session: Session, seeded: Seeded) -> None:
    with session.begin():
        session.add(
            Promise(
                account_id=seeded.account_id,
                amount=Decimal("250.00"),
                due_date=date(2026, 11, 28),
                status="pending",
                channel="sms",
                taken_by="bot",
                amount_collected=Decimal(0),
                created_at=NOW,
            )
        )


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_a_verified_senders_case_carries_the_account_for_every_reason(
    session: Session, seeded: Seeded, reason: str
) -> None:
    _say(session, "how much do I owe", "I lost my job, can I do a plan?")
    _verify(session)
    _promise(session, seeded)
    record = escalate(session, reason, channel="sms", address=PHONE, account_number="A-7", now=NOW)
    summary = _summary(session, record.id)
    assert (summary["reason"], summary["verified"]) == (reason, True)
    assert (summary["balance"], summary["past_due"]) == ("1200.00", "800.00")
    assert summary["pending_promise"] == {"amount": "250.00", "due_date": "2026-11-28"}
    assert [m["text"] for m in summary["last_messages"]] == [
        "how much do I owe",
        "I lost my job, can I do a plan?",
    ]
    assert summary["intents"] == ["check_balance", "request_payment_plan", "hardship"]
    assert summary["hardship"] is True
    assert summary["line"].startswith(f"{reason.replace('_', ' ')}; verified; past due 800.00")


def test_an_unverified_sender_gets_nothing_about_the_account(
    session: Session, seeded: Seeded
) -> None:
    _say(session, "who is this? talk to my attorney", "STOP")
    _promise(session, seeded)
    record = escalate(session, "cease", channel="sms", address=PHONE, account_number="A-7", now=NOW)
    summary = _summary(session, record.id)
    assert summary["verified"] is False
    assert all(summary[key] is None for key in ACCOUNT_FACTS)
    assert (summary["open_disputes"], summary["earlier_escalations"]) == ([], [])
    assert (summary["legal_threat"], summary["cease"]) == (True, True)
    assert "800.00" not in summary["line"]
    assert "250.00" not in summary["line"]
    assert summary["line"].startswith("cease; not verified")


def test_only_the_last_five_messages_are_kept_and_the_earlier_cases_are_listed(
    session: Session, seeded: Seeded
) -> None:
    _say(session, *(f"message {n}" for n in range(1, 8)))
    _verify(session)
    first = escalate(
        session, "fallback", channel="sms", address=PHONE, account_number="A-7", now=NOW
    )
    second = escalate(
        session, "customer_request", channel="sms", address=PHONE, account_number="A-7", now=NOW
    )
    summary = _summary(session, second.id)
    assert [m["text"] for m in summary["last_messages"]] == [f"message {n}" for n in range(3, 8)]
    assert [(e["id"], e["reason"]) for e in summary["earlier_escalations"]] == [
        (first.id, "fallback")
    ]


def test_a_verification_lock_opens_a_case_with_a_summary_and_no_account(
    session: Session, seeded: Seeded
) -> None:
    _say(session, "A-7 99999", address="+14155550199")
    for minute in range(DEFAULT_POLICY.verification_max_failures):
        identity.verify_sender(
            session,
            "sms",
            "+14155550199",
            "A-7",
            "99999",
            NOW + timedelta(minutes=minute),
            DEFAULT_POLICY,
        )
    with session.begin():
        case = session.scalars(select(Escalation)).one()
        case_id = case.id
    summary = _summary(session, case_id)
    assert (summary["reason"], summary["verified"], summary["balance"]) == (
        "verification_failed",
        False,
        None,
    )
    assert summary["last_messages"][0]["text"] == "A-7 99999"


def test_a_dispute_from_a_verified_chat_lists_the_open_dispute(
    session: Session, seeded: Seeded
) -> None:
    conversation_id = _say(session, "invoice I-2 arrived damaged")
    _verify(session)
    open_dispute(
        session,
        "A-7",
        "I-2",
        "damaged",
        "arrived broken",
        channel="sms",
        now=NOW,
        conversation_id=conversation_id,
    )
    with session.begin():
        case_id = session.scalars(select(Escalation.id).where(Escalation.reason == "dispute")).one()
    summary = _summary(session, case_id)
    assert summary["verified"] is True
    assert [(d["invoice_number"], d["reason"]) for d in summary["open_disputes"]] == [
        ("I-2", "damaged")
    ]
    assert summary["past_due"] == "500.00"  # I-2 is on hold while disputed
    assert summary["intents"] == ["dispute"]


def test_a_rule_opened_case_with_no_conversation_says_nothing_about_the_account(
    session: Session, seeded: Seeded
) -> None:
    """The daily review's cases (broken promises, plan default) have no verified sender:
    the summary holds the reason; the account is in the conversation view's panel."""
    with session.begin():
        account = session.get(Account, seeded.account_id)
        assert account is not None
        record = escalate_account(session, account, "broken_promises", NOW, "2 broken")
    summary = _summary(session, record.id)
    assert (summary["verified"], summary["last_messages"]) == (False, [])
    assert all(summary[key] is None for key in ACCOUNT_FACTS)
    assert summary["line"] == "broken promises; not verified"


def test_a_rule_opened_case_in_an_unverified_conversation_is_redacted(
    session: Session, seeded: Seeded
) -> None:
    _say(session, "hello?")
    with session.begin():
        account = session.get(Account, seeded.account_id)
        assert account is not None
        record = escalate_account(session, account, "plan_default", NOW)
    summary = _summary(session, record.id)
    assert (summary["verified"], summary["balance"], summary["past_due"]) == (False, None, None)


def test_a_case_opened_in_a_chat_turn_carries_the_dialogue_engines_intents(
    session: Session, seeded: Seeded
) -> None:
    _say(session, "hola cuanto debo", "no puedo pagar todo, perdi mi trabajo", "mi abogado llamara")
    record = escalate(
        session,
        "customer_request",
        channel="sms",
        address=PHONE,
        now=NOW,
        dialogue_intents=["check_balance", "hardship", "hardship", "cease_contact"],
    )
    summary = _summary(session, record.id)
    assert summary["intents"] == ["check_balance", "hardship", "cease_contact"]
    assert (summary["hardship"], summary["cease"], summary["legal_threat"]) == (True, True, True)


def test_a_spanish_conversation_without_a_turn_is_read_by_the_spanish_patterns(
    session: Session, seeded: Seeded
) -> None:
    _say(session, "¿Cuánto debo?", "quiero pagar en cuotas", "quiero hablar con una persona")
    record = escalate(session, "fallback", channel="sms", address=PHONE, now=NOW)
    summary = _summary(session, record.id)
    assert summary["intents"] == ["check_balance", "request_payment_plan", "request_human"]
