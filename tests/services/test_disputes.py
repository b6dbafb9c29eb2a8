"""Disputes and "already paid" claims, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Dispute, Escalation, Invoice, Payment, PaymentApplication
from bot.errors import InputError, NotFound
from bot.policy.rules import DEFAULT_POLICY
from bot.services.balances import balance_view
from bot.services.disputes import claim_paid, open_dispute
from tests.services.conftest import NOW, Seeded


def _dispute(session: Session, invoice: str | None, reason: str = "damaged") -> list[str]:
    records = open_dispute(
        session, "A-7", invoice, reason, "arrived broken", channel="sms", now=NOW
    )
    return [r.reference for r in records]


def _escalations(session: Session) -> list[tuple[str, str]]:
    return [(e.reason, e.status) for e in session.scalars(select(Escalation))]


def test_a_dispute_holds_its_invoice_and_queues_the_account(
    session: Session, seeded: Seeded
) -> None:
    assert _dispute(session, "I-2") == ["D-1"]
    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert view.collectible == Decimal("900.00")
    dispute = session.scalars(select(Dispute)).one()
    assert (dispute.invoice_id, dispute.reason, dispute.status) == (
        seeded.invoice_ids["I-2"],
        "damaged",
        "open",
    )
    assert dispute.description == "arrived broken"
    assert _escalations(session) == [("dispute", "open")]


def test_references_count_up_from_the_highest(session: Session, seeded: Seeded) -> None:
    assert _dispute(session, "I-1") == ["D-1"]
    assert _dispute(session, "I-3") == ["D-2"]


def test_disputing_a_disputed_invoice_again_returns_its_dispute(
    session: Session, seeded: Seeded
) -> None:
    assert _dispute(session, "I-2") == _dispute(session, "I-2") == ["D-1"]
    assert len(session.scalars(select(Dispute)).all()) == 1
    assert _escalations(session) == [("dispute", "open")]


def test_all_disputes_every_open_invoice(session: Session, seeded: Seeded) -> None:
    assert _dispute(session, None, "not_my_debt") == ["D-1", "D-2", "D-3"]
    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert view.collectible == Decimal("0.00")


def test_an_invoice_of_no_such_number_is_not_found(session: Session, seeded: Seeded) -> None:
    with pytest.raises(NotFound, match="'I-404' is not on account A-7"):
        _dispute(session, "I-404")


def test_an_unknown_reason_is_refused_by_name(session: Session, seeded: Seeded) -> None:
    with pytest.raises(InputError, match="^reason: 'bored'"):
        _dispute(session, "I-1", "bored")


def test_a_claim_with_no_payment_becomes_an_already_paid_dispute(
    session: Session, seeded: Seeded
) -> None:
    result = claim_paid(session, "A-7", None, channel="sms", now=NOW, description="paid it")
    assert result.matched_payment_id is None
    assert result.dispute is not None
    assert (result.dispute.reference, result.dispute.invoice_number) == ("D-1", "I-1")
    assert session.scalars(select(Dispute.reason)).one() == "already_paid"


def test_a_claim_on_a_paid_invoice_matches_its_payment(session: Session, seeded: Seeded) -> None:
    with session.begin():
        invoice = session.get(Invoice, seeded.invoice_ids["I-2"])
        assert invoice is not None
        invoice.open_amount = Decimal("0.00")
        payment = Payment(
            payment_id="P-1",
            account_id=seeded.account_id,
            received_date=date(2026, 11, 20),
            amount=Decimal("300.00"),
            unapplied_amount=Decimal("0.00"),
            created_at=NOW,
        )
        session.add(payment)
        session.flush()
        session.add(
            PaymentApplication(payment_id=payment.id, invoice_id=invoice.id, amount=invoice.amount)
        )
    result = claim_paid(session, "A-7", "I-2", channel="sms", now=NOW)
    assert result.matched_payment_id == payment.id
    assert result.dispute is None
    assert session.scalars(select(Dispute)).all() == []


def test_a_claim_with_no_invoice_matches_a_payment_within_the_policy_days(
    session: Session, seeded: Seeded
) -> None:
    with session.begin():
        payment = Payment(
            payment_id="P-2",
            account_id=seeded.account_id,
            received_date=date(2026, 11, 15),  # a week before NOW
            amount=Decimal("100.00"),
            unapplied_amount=Decimal("100.00"),
            created_at=NOW,
        )
        session.add(payment)
    strict = dataclasses.replace(DEFAULT_POLICY, claim_match_days=3)

    assert claim_paid(session, "A-7", None, channel="sms", now=NOW).matched_payment_id == payment.id
    unmatched = claim_paid(session, "A-7", None, channel="sms", now=NOW, policy=strict)
    assert unmatched.matched_payment_id is None
    assert unmatched.dispute is not None
