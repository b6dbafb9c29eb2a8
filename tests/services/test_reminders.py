"""The reminder pass over the database: sends once, holds with reasons, survives restarts.

On SQLite and PostgreSQL. Accounts are in Chicago; ``NOW`` is 09:00 there on 2026-11-22.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import ContactAttempt, Message
from bot.policy.keywords import Keyword
from bot.services import keywords, preferences
from bot.services.delivery import Postman
from bot.services.dispatch import dispatch_due, settle
from bot.services.reminders import plan, run_pass
from tests.services.reminder_portfolio import (
    NOW,
    SETTINGS,
    RecordingSender,
    add_account,
    add_dispute,
    add_escalation,
    add_plan,
    add_promise,
    add_sent_attempt,
    attempts,
    messages_to,
    phone,
    run,
)

LATER = NOW + timedelta(minutes=15)


def sent(rows: list[ContactAttempt]) -> list[ContactAttempt]:
    return [row for row in rows if row.status == "sent"]


def held(rows: list[ContactAttempt]) -> list[tuple[str, str | None]]:
    return [(row.kind, row.reason) for row in rows if row.status == "held"]


def claim_by_hand(sessions: sessionmaker[Session], account_id: int, key: str) -> None:
    """What a pass killed right after claiming a send leaves behind."""
    with sessions() as session, session.begin():
        session.add(
            ContactAttempt(
                account_id=account_id,
                channel="sms",
                kind="dunning",
                target="I-1:+1",
                local_date=NOW.date(),
                idempotency_key=key,
                status="sending",
                created_at=NOW,
            )
        )


def test_a_due_dunning_message_is_sent_once_and_logged_with_its_key(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])

    summary = run(sessions)

    assert (summary.accounts, summary.sent, summary.failed) == (1, 1, 0)
    (attempt,) = attempts(sessions, account)
    assert attempt.status == "sent"
    assert attempt.idempotency_key == f"{account}:dunning:I-1:+1:2026-11-22"
    assert (attempt.channel, attempt.template, attempt.delivery_status) == (
        "sms",
        "overdue",
        "delivered",
    )
    assert attempt.provider_id is not None
    assert attempt.provider_id.startswith("OB")
    (message,) = messages_to(sessions, phone("R-1"))
    assert attempt.message_id == message.id
    assert message.idempotency_key == attempt.idempotency_key
    assert "$250.00" in message.body
    assert "Reply STOP to opt out" in message.body


def test_the_same_pass_run_twice_sends_nothing_more(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    run(sessions)

    again = run(sessions, LATER)

    assert again.sent == 0
    assert again.held == {"already_sent": 1}
    assert len(messages_to(sessions, phone("R-1"))) == 1
    assert len(attempts(sessions, account)) == 1


def test_a_claimed_send_is_skipped_by_a_rerun_and_nothing_is_sent_twice(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    claim_by_hand(sessions, account, f"{account}:dunning:I-1:+1:2026-11-22")
    sender = RecordingSender()

    summary = run(sessions, NOW, sender)

    assert (summary.sent, sender.sent) == (0, [])
    assert messages_to(sessions, phone("R-1")) == []


def test_a_claim_a_stopped_pass_never_sent_is_released_and_sent_once_later(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    claim_by_hand(sessions, account, f"{account}:dunning:I-1:+1:2026-11-22")

    settled = run(sessions, LATER)
    resent = run(sessions, LATER + timedelta(minutes=15))
    after = run(sessions, LATER + timedelta(minutes=30))

    assert (settled.recovered, settled.sent) == (1, 0)
    assert (resent.sent, after.sent) == (1, 0)
    assert len(messages_to(sessions, phone("R-1"))) == 1
    statuses = [row.status for row in attempts(sessions, account)]
    assert statuses == ["abandoned", "sent"]


def test_a_pass_killed_while_sending_never_sends_a_message_twice(
    sessions: sessionmaker[Session],
) -> None:
    for number in ("R-1", "R-2", "R-3"):
        add_account(sessions, number, [(f"I-{number}", -1, "250.00")])
    crashing = RecordingSender(fail_on=2)
    with pytest.raises(RuntimeError):
        run(sessions, NOW, crashing)
    healthy = RecordingSender()

    for minutes in (15, 30, 45, 60):
        run(sessions, NOW + timedelta(minutes=minutes), healthy)
        # the dispatcher sends what the dead pass queued and never handed over
        later = Postman(sessions, FixedClock(NOW + timedelta(minutes=minutes)), {"sms": healthy})
        asyncio.run(dispatch_due(later, concurrency=1))
        settle(later)

    handed_over = [m.address for m in crashing.sent + healthy.sent]
    assert sorted(handed_over) == sorted({phone("R-1"), phone("R-3")})
    # R-2's message was recorded, then the pass died inside the sender: it may have gone,
    # so it is never sent again: it is in doubt, for a person to decide.
    assert [len(messages_to(sessions, phone(n))) for n in ("R-1", "R-2", "R-3")] == [1, 1, 1]
    with sessions() as session:
        states = {
            m.address: m.dispatch_state
            for m in session.scalars(select(Message).where(Message.direction == "out"))
        }
    assert states == {phone("R-1"): "done", phone("R-2"): "in_doubt", phone("R-3"): "done"}


def test_a_message_recorded_before_a_crash_settles_its_attempt_without_a_resend(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    key = f"{account}:dunning:I-1:+1:2026-11-22"
    claim_by_hand(sessions, account, key)
    with sessions() as session, session.begin():
        session.add(
            Message(
                channel="sms",
                direction="out",
                author="system",
                address=phone("R-1"),
                body="sent before the crash",
                provider="outbox",
                provider_id="OB1",
                idempotency_key=key,
                delivery_status="delivered",
                created_at=NOW,
            )
        )

    summary = run(sessions, LATER)

    assert (summary.recovered, summary.sent) == (1, 0)
    (attempt,) = attempts(sessions, account)
    assert (attempt.status, attempt.provider_id, attempt.delivery_status) == (
        "sent",
        "OB1",
        "delivered",
    )


def test_opting_out_mid_cadence_holds_the_next_step(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    run(sessions)
    with sessions() as session:
        keywords.obey(session, Keyword.STOP, "sms", phone("R-1"), NOW, company="Acme")

    week_later = run(sessions, NOW + timedelta(days=6))

    assert week_later.held == {"opted_out": 1}
    assert held(attempts(sessions, account)) == [("dunning", "opted_out")]
    assert len(messages_to(sessions, phone("R-1"))) == 1


def test_cease_holds_every_reminder(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    with sessions() as session:
        preferences.cease(session, "sms", phone("R-1"), NOW)

    summary = run(sessions)

    assert (summary.sent, summary.held) == (0, {"cease": 1})
    assert held(attempts(sessions, account)) == [("dunning", "cease")]


def test_a_phone_without_sms_consent_is_held_no_consent(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")], consent=False)

    summary = run(sessions)

    assert summary.held == {"no_consent": 1}
    assert held(attempts(sessions, account)) == [("dunning", "no_consent")]


def test_a_linked_telegram_chat_is_preferred_even_without_sms_consent(
    sessions: sessionmaker[Session],
) -> None:
    add_account(sessions, "R-1", [("I-1", -1, "250.00")], consent=False, telegram="5550001")

    run(sessions)

    (message,) = messages_to(sessions, "5550001")
    assert message.channel == "telegram"
    assert "/stop" in message.body


def test_a_dispute_on_one_of_two_past_due_invoices_leaves_the_other_driving_the_cadence(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-OLD", -30, "900.00"), ("I-NEW", -7, "120.00")])
    add_dispute(sessions, account, "I-OLD")

    summary = run(sessions)

    assert summary.sent == 1
    assert [a.target for a in sent(attempts(sessions, account))] == ["I-NEW:+7"]


def test_every_past_due_invoice_disputed_holds_dispute_hold(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -7, "900.00")])
    add_dispute(sessions, account, "I-1")

    summary = run(sessions)

    assert summary.held == {"dispute_hold": 1}
    assert held(attempts(sessions, account)) == [("dunning", "dispute_hold")]


def test_a_pending_promise_pauses_dunning_but_its_reminder_goes(
    sessions: sessionmaker[Session],
) -> None:
    tomorrow = add_account(sessions, "R-1", [("I-1", -7, "400.00")])
    add_promise(sessions, tomorrow, "400.00", due=1)
    later = add_account(sessions, "R-2", [("I-2", -7, "400.00")])
    add_promise(sessions, later, "400.00", due=5)

    summary = run(sessions)

    assert (summary.sent, summary.held) == (1, {"ptp_pending": 1})
    assert [a.kind for a in sent(attempts(sessions, tomorrow))] == ["ptp_reminder"]
    assert held(attempts(sessions, later)) == [("dunning", "ptp_pending")]


def test_an_active_plan_in_good_standing_pauses_dunning(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -7, "400.00")])
    add_plan(sessions, account, [(10, "40.00"), (40, "180.00"), (70, "180.00")])

    summary = run(sessions)

    assert summary.held == {"plan_active": 1}
    assert held(attempts(sessions, account)) == [("dunning", "plan_active")]


def test_an_open_escalation_holds_reminders(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -7, "400.00")])
    add_escalation(sessions, account)

    summary = run(sessions)

    assert summary.held == {"escalated": 1}
    assert held(attempts(sessions, account)) == [("dunning", "escalated")]


def test_a_hold_is_logged_once_however_many_passes_repeat_it(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -7, "400.00")])
    add_escalation(sessions, account)

    for minutes in range(0, 60, 15):
        run(sessions, NOW + timedelta(minutes=minutes))

    assert held(attempts(sessions, account)) == [("dunning", "escalated")]


def test_a_pass_at_23_local_holds_quiet_hours_until_8_and_one_at_8_15_sends(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    late = datetime(2026, 11, 23, 5, tzinfo=timezone.utc)  # 23:00 on the 22nd in Chicago
    morning = datetime(2026, 11, 23, 14, 15, tzinfo=timezone.utc)  # 08:15 on the 23rd

    (decision,) = [p.decision for p in plan(sessions, late, SETTINGS)]
    night = run(sessions, late)
    day = run(sessions, morning)

    assert (decision.held, decision.reason) == (True, "quiet_hours")
    assert decision.send_at == datetime(2026, 11, 23, 14, tzinfo=timezone.utc)
    assert (night.held, night.sent, day.sent) == ({"quiet_hours": 1}, 0, 1)
    assert [a.status for a in attempts(sessions, account)] == ["held", "sent"]


def test_three_sends_in_a_rolling_week_hold_the_next_until_the_oldest_leaves_it(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -7, "400.00")])
    oldest = NOW - timedelta(days=6, hours=1)
    for n, at in enumerate((oldest, NOW - timedelta(days=4), NOW - timedelta(days=2))):
        add_sent_attempt(sessions, account, f"OTHER-{n}:+1", at)

    (decision,) = [p.decision for p in plan(sessions, NOW, SETTINGS)]
    summary = run(sessions)

    assert (decision.held, decision.reason) == (True, "frequency_cap")
    assert decision.send_at == oldest + timedelta(days=7)
    assert (summary.sent, summary.held) == (0, {"frequency_cap": 1})


def test_a_channel_without_a_configured_sender_is_logged_failed(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    postman = Postman(sessions, FixedClock(NOW), {"telegram": RecordingSender()})

    summary = asyncio.run(run_pass(postman, SETTINGS, NOW, concurrency=1))

    assert (summary.sent, summary.failed) == (0, 1)
    assert [a.status for a in attempts(sessions, account)] == ["failed"]
