"""A collector upholds or rejects a dispute, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import AuditEvent, Credit, Dispute, Escalation, Invoice, Message
from bot.errors import Conflict, NotFound
from bot.policy.rules import DEFAULT_POLICY
from bot.services import decisions
from bot.services.balances import balance_view
from bot.services.credit.holds import holds
from bot.services.delivery import Postman
from bot.services.dispute_resolution import open_disputes, reject, uphold
from bot.services.disputes import open_dispute
from integrations.senders import OutboxSender
from tests.services.conftest import NOW
from tests.services.console_seed import add_collector, seed_account

COMPANY = "Acme Supply Co."
PHONE = "+16175550101"
T = TypeVar("T")


def _all(session: Session, query: Select[tuple[T]]) -> list[T]:
    """The rows of ``query``, read in a transaction of its own (services begin theirs)."""
    with session.begin():
        return list(session.scalars(query))


def _one(session: Session, query: Select[tuple[T]]) -> T:
    (found,) = _all(session, query)
    return found


def _dispute(session: Session, invoice: str) -> int:
    (record,) = open_dispute(session, "A-7", invoice, "damaged", "broken", channel="sms", now=NOW)
    return _one(session, select(Dispute.id).where(Dispute.reference == record.reference))


@pytest.fixture
def disputed(session: Session) -> tuple[int, int]:
    """Account A-7 with invoice I-2 (300.00) under dispute; (dispute id, collector id)."""
    seed_account(session)
    return _dispute(session, "I-2"), add_collector(session)


def _actions(session: Session, entity: str) -> list[tuple[str, str, int | None]]:
    query = select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
    return [(e.action, e.actor, e.user_id) for e in _all(session, query)]


def test_upholding_credits_the_invoice_so_it_is_no_longer_owed(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    before = balance_view(session, "A-7", NOW, DEFAULT_POLICY)

    decision = uphold(session, dispute_id, collector, NOW, company=COMPANY)

    assert (decision.status, decision.credited, decision.open_amount) == (
        "upheld", Decimal("300.00"), Decimal("0.00"),
    )  # fmt: skip
    invoice = _one(session, select(Invoice).where(Invoice.invoice_number == "I-2"))
    assert invoice.open_amount == Decimal("0.00")
    credit = _one(session, select(Credit))
    assert (credit.invoice_id, credit.amount, credit.reason) == (
        invoice.id, Decimal("300.00"), "dispute_upheld",
    )  # fmt: skip
    after = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert (before.total, after.total) == (Decimal("1200.00"), Decimal("900.00"))
    assert after.disputed == Decimal("0.00")


def test_upholding_is_audited_with_the_collector_and_closes_the_dispute(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    uphold(session, dispute_id, collector, NOW, company=COMPANY)

    dispute = _one(session, select(Dispute).where(Dispute.id == dispute_id))
    assert (dispute.status, dispute.resolved_by, dispute.resolved_at) == ("upheld", collector, NOW)
    assert ("upheld", "collector", collector) in _actions(session, "dispute")
    assert _actions(session, "invoice") == [("credited", "collector", collector)]
    event = _one(session, select(AuditEvent).where(AuditEvent.action == "credited"))
    assert json.loads(event.detail)["amount"] == "300.00"


def test_deciding_the_last_open_dispute_resolves_the_dispute_case(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    decision = reject(session, dispute_id, collector, NOW, company=COMPANY)
    escalation = _one(session, select(Escalation))
    assert decision.closed_escalation_id == escalation.id
    assert (escalation.reason, escalation.status, escalation.resolved_at) == (
        "dispute", "resolved", NOW,
    )  # fmt: skip
    assert "D-1 rejected" in escalation.note


def test_the_dispute_case_stays_while_another_dispute_of_the_account_is_open(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    _dispute(session, "I-1")
    decision = uphold(session, dispute_id, collector, NOW, company=COMPANY)
    assert decision.closed_escalation_id is None
    assert _all(session, select(Escalation.status)) == ["open"]


def test_rejecting_releases_the_hold_and_is_audited(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    held = balance_view(session, "A-7", NOW, DEFAULT_POLICY)

    decision = reject(session, dispute_id, collector, NOW, company=COMPANY)

    released = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert (held.collectible, released.collectible) == (Decimal("900.00"), Decimal("1200.00"))
    assert released.past_due == Decimal("800.00")
    assert (decision.status, decision.credited) == ("rejected", Decimal("0.00"))
    assert _all(session, select(Credit)) == []
    assert ("rejected", "collector", collector) in _actions(session, "dispute")


def test_a_dispute_that_is_not_open_cannot_be_decided_again(
    session: Session, disputed: tuple[int, int]
) -> None:
    dispute_id, collector = disputed
    uphold(session, dispute_id, collector, NOW, company=COMPANY)
    with pytest.raises(Conflict, match="D-1 is already upheld"):
        reject(session, dispute_id, collector, NOW, company=COMPANY)
    with pytest.raises(Conflict, match="D-1 is already upheld"):
        uphold(session, dispute_id, collector, NOW, company=COMPANY)
    assert len(_all(session, select(Credit))) == 1


def test_an_unknown_dispute_is_not_found(session: Session, disputed: tuple[int, int]) -> None:
    with pytest.raises(NotFound, match="dispute 999 does not exist"):
        uphold(session, 999, disputed[1], NOW, company=COMPANY)


def test_the_notice_goes_to_the_phone_on_file_with_the_stop_line(
    session: Session, disputed: tuple[int, int]
) -> None:
    decision = reject(session, disputed[0], disputed[1], NOW, company=COMPANY)
    notice = decision.notice
    assert notice is not None
    assert (notice.channel, notice.address, notice.key) == (
        "sms", PHONE, f"dispute:{disputed[0]}:rejected",
    )  # fmt: skip
    assert notice.text == (
        "Acme Supply Co.: We reviewed your dispute D-1 about invoice I-2 and could not accept"
        " it, so $300.00 is due again. Reply here if you have questions or want to set up a"
        " payment plan.\nReply STOP to opt out"
    )


def test_without_a_way_to_reach_the_customer_there_is_no_notice(session: Session) -> None:
    seed_account(session, phone=None)
    dispute_id, collector = _dispute(session, "I-1"), add_collector(session)
    assert uphold(session, dispute_id, collector, NOW, company=COMPANY).notice is None


def test_open_disputes_lists_what_waits_with_its_invoice(
    session: Session, disputed: tuple[int, int]
) -> None:
    (listed,) = open_disputes(session)
    assert (listed.id, listed.reference, listed.account_number, listed.invoice_number) == (
        disputed[0], "D-1", "A-7", "I-2",
    )  # fmt: skip
    assert listed.open_amount == Decimal("300.00")
    reject(session, disputed[0], disputed[1], NOW, company=COMPANY)
    assert open_disputes(session) == []


def test_a_rejection_posted_twice_tells_the_customer_once(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        seed_account(session)
        dispute_id, collector = _dispute(session, "I-2"), add_collector(session)
    postman = Postman(sessions, FixedClock(NOW), {"sms": OutboxSender()})

    outcomes = []
    for _ in range(2):
        with sessions() as session:
            try:
                decision = reject(session, dispute_id, collector, NOW, company=COMPANY)
            except Conflict:
                continue
        outcomes.append(asyncio.run(decisions.send(postman, decision.notice)))
        outcomes.append(asyncio.run(decisions.send(postman, decision.notice)))  # a retry

    assert [(o.status, o.duplicate) for o in outcomes if o] == [
        ("delivered", False), ("duplicate", True),
    ]  # fmt: skip
    with sessions() as session:
        sent = session.scalar(
            select(func.count()).where(Message.address == PHONE, Message.direction == "out")
        )
    assert sent == 1


@pytest.mark.parametrize(("hold_days", "held"), [(30, ["A-7"]), (60, [])])
def test_a_rejected_dispute_holds_the_account_at_the_days_the_deployment_set(
    session: Session, hold_days: int, held: list[str]
) -> None:
    """ARBOT_HOLD_DAYS_PAST_DUE decides, not the default: 45 days past due is held at 30."""
    seed_account(session, invoices=(("I-1", date(2026, 10, 8), "500.00"),))
    dispute_id, collector = _dispute(session, "I-1"), add_collector(session)

    reject(session, dispute_id, collector, NOW, company=COMPANY, hold_days=hold_days)

    assert [h.account_number for h in holds(session)] == held
