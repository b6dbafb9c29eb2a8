"""Each change SPEC §15 lists reaches the feed from the service that makes it, with its
account, in the change's own transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, Contact, Dispute
from bot.policy.rules import DEFAULT_POLICY
from bot.repositories import events
from bot.services import dispute_resolution, handoff, preferences
from bot.services.credit import write_offs
from bot.services.daily_review import evaluate_day
from bot.services.disputes import open_dispute
from bot.services.escalations import escalate
from bot.services.plans import plan_offer, record_plan
from bot.services.promises import record_promise
from bot.services.users import add_user
from tests.services.conftest import NOW, PHONE, add_invoice


@pytest.fixture
def a7(sessions: sessionmaker[Session]) -> int:
    """Account A-7 (Chicago, phone on file) owing I-1 500.00, I-2 300.00, I-3 400.00; the
    feed's last id before the test."""
    with sessions() as session, session.begin():
        account = Account(account_number="A-7", name="Ada Supply", postal_code="60614",
                          timezone="America/Chicago", created_at=NOW, updated_at=NOW)  # fmt: skip
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address=PHONE))
        for number, due, amount in (("I-1", date(2026, 10, 1), "500.00"),
                                    ("I-2", date(2026, 11, 10), "300.00"),
                                    ("I-3", date(2026, 12, 10), "400.00")):  # fmt: skip
            add_invoice(session, account.id, number, due, amount, amount)
    with sessions() as session, session.begin():
        return events.last_id(session)


def feed(sessions: sessionmaker[Session], after: int) -> list[tuple[str, str | None]]:
    with sessions() as session, session.begin():
        return [(e.type, e.account_number) for e in events.page(session, after=after, limit=100)]


def user(sessions: sessionmaker[Session], role: str) -> int:
    with sessions() as session:
        return add_user(session, f"{role}@example.com", role, NOW, "long enough password").id


def test_opt_out_opt_in_and_cease(sessions: sessionmaker[Session], a7: int) -> None:
    for change in (preferences.opt_out, preferences.opt_in):
        with sessions() as session:
            change(session, "sms", PHONE, NOW)
    with sessions() as session:
        preferences.cease(session, "sms", PHONE, NOW)

    found = feed(sessions, a7)
    assert found[:2] == [("contact.opted_out", "A-7"), ("contact.opted_in", "A-7")]
    assert ("contact.ceased", "A-7") in found[2:]
    assert ("escalation.opened", "A-7") in found[2:]


def test_a_dispute_opened_and_upheld(sessions: sessionmaker[Session], a7: int) -> None:
    collector = user(sessions, "collector")
    with sessions() as session:
        open_dispute(session, "A-7", "I-2", "damaged", "broken", channel="sms", now=NOW)
    with sessions() as session:
        dispute_id = session.scalars(select(Dispute.id)).one()
    with sessions() as session:
        dispute_resolution.uphold(session, dispute_id, collector, NOW, company="Acme")

    found = feed(sessions, a7)
    assert found[0] == ("dispute.opened", "A-7")
    assert ("dispute.resolved", "A-7") in found


def test_an_escalation_opened_and_resolved(sessions: sessionmaker[Session], a7: int) -> None:
    collector = user(sessions, "collector")
    with sessions() as session:
        case = escalate(session, "customer_request", channel="sms", address=PHONE,
                        account_number="A-7", now=NOW)  # fmt: skip
    with sessions() as session:
        handoff.resolve(session, case.id, collector, NOW, "called back")

    assert feed(sessions, a7) == [("escalation.opened", "A-7"), ("escalation.resolved", "A-7")]


def test_a_plan_created_then_defaulted_and_a_promise_broken(
    sessions: sessionmaker[Session], a7: int
) -> None:
    with sessions() as session:
        offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    with sessions() as session:
        record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)
    with sessions() as session:
        record_promise(session, "A-7", Decimal("200.00"), date(2026, 11, 24), channel="sms",
                       now=NOW, policy=DEFAULT_POLICY)  # fmt: skip

    evaluate_day(sessions, NOW + timedelta(days=60), DEFAULT_POLICY)

    found = feed(sessions, a7)
    assert found[:2] == [("plan.created", "A-7"), ("promise.created", "A-7")]
    assert {("promise.broken", "A-7"), ("plan.defaulted", "A-7"),
            ("credit_hold.started", "A-7")} <= set(found[2:])  # fmt: skip


def test_a_write_off_approved(sessions: sessionmaker[Session], a7: int) -> None:
    user(sessions, "collector")
    user(sessions, "manager")
    later = datetime(2027, 5, 1, 15, tzinfo=timezone.utc)  # I-1 is 212 days past due
    with sessions() as session:
        proposal = write_offs.propose(session, "I-1", "collector@example.com", later)
    with sessions() as session:
        write_offs.approve(session, proposal.id, "manager@example.com", later)

    assert ("write_off.approved", "A-7") in feed(sessions, a7)
