"""``POST /webhooks/stripe``: signed events applied once, in any order (SPEC §11)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    AuditEvent,
    Escalation,
    Installment,
    Invoice,
    Message,
    Payment,
    PaymentPlan,
    PaymentRequest,
    Promise,
    StripeEvent,
)
from bot.imports.payments import NewPayment, record_payments
from bot.imports.rows import PaymentRow
from bot.services.daily_review import evaluate_day
from bot.services.promises import record_promise
from tests.payments.conftest import NOW, PHONE, PayDesk

CENTS = 100


def open_amounts(session: Session) -> dict[str, Decimal]:
    rows = session.execute(select(Invoice.invoice_number, Invoice.open_amount))
    return {number: amount for number, amount in rows}


def stripe_payments(session: Session) -> list[Payment]:
    return list(session.scalars(select(Payment).order_by(Payment.id)))


def test_a_full_payment_is_recorded_applied_and_receipted(desk: PayDesk) -> None:
    link = desk.link()
    desk.pay(link)
    with desk.sessions() as session:
        (payment,) = stripe_payments(session)
        assert payment.method == "stripe"
        assert payment.payment_id.startswith("pi_")
        assert payment.amount == Decimal("1200.00")
        assert payment.received_date == date(2026, 11, 22)  # the event's day in Chicago
        assert set(open_amounts(session).values()) == {Decimal("0.00")}
        assert session.get(PaymentRequest, link.request_id).status == "paid"  # type: ignore[union-attr]
        audited = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity == "payment", AuditEvent.action == "received"
            )
        )
        assert audited is not None
        assert "stripe checkout paid" in audited.detail
    (receipt,) = desk.notices()
    assert "$1,200.00" in receipt
    assert "I-1 ($500.00), I-2 ($300.00), I-3 ($400.00)" in receipt
    assert "You owe nothing more" in receipt


def test_the_receipt_is_sent_by_the_webhook_itself_and_a_replay_sends_nothing(
    desk: PayDesk,
) -> None:
    session_id = desk.checkout(desk.link())
    (completed,) = desk.stripe.pay(session_id)
    assert desk.deliver_all([completed, completed]) == ["recorded", "duplicate"]
    with desk.sessions() as session:
        sent = session.execute(
            select(Message.dispatch_state, Message.delivery_status).where(
                Message.address == PHONE, Message.author == "system"
            )
        ).all()
    assert [tuple(row) for row in sent] == [("done", "delivered")]  # not left to the dispatcher


def test_a_partial_payment_pays_the_oldest_due_first(desk: PayDesk) -> None:
    desk.pay(desk.link(amount=Decimal("600.00")))
    with desk.sessions() as session:
        assert open_amounts(session) == {
            "I-1": Decimal("0.00"),
            "I-2": Decimal("200.00"),
            "I-3": Decimal("400.00"),
        }
    (receipt,) = desk.notices()
    assert "You now owe $600.00" in receipt


def test_an_invoice_link_pays_that_invoice_first(desk: PayDesk) -> None:
    desk.pay(desk.link("invoice", target="I-3"))
    with desk.sessions() as session:
        assert open_amounts(session)["I-3"] == Decimal("0.00")
        assert open_amounts(session)["I-1"] == Decimal("500.00")


def test_an_overpayment_stays_an_unapplied_credit(desk: PayDesk) -> None:
    link = desk.link()
    session_id = desk.checkout(link)  # a session for 1,200
    with desk.sessions() as session, session.begin():  # 300 arrives by the ERP meanwhile
        row = PaymentRow(1, "ERP-1", "A-7", date(2026, 11, 22), Decimal("300.00"), None, "wire")
        record_payments(session, [NewPayment(row, desk.account_id)], NOW)
    desk.deliver_all(desk.stripe.pay(session_id))
    with desk.sessions() as session:
        stripe_payment = stripe_payments(session)[-1]
        assert stripe_payment.amount == Decimal("1200.00")
        assert stripe_payment.unapplied_amount == Decimal("300.00")
        assert set(open_amounts(session).values()) == {Decimal("0.00")}
    assert "$300.00 is kept as a credit" in desk.notices()[-1]


def test_a_promise_paid_by_link_is_kept_at_once_and_the_review_has_nothing_left(
    desk: PayDesk,
) -> None:
    with desk.sessions() as session:
        record = record_promise(
            session,
            "A-7",
            Decimal("400.00"),
            date(2026, 11, 27),
            channel="sms",
            now=NOW,
            policy=desk.settings.policy,
        )
    link = desk.link("promise")
    assert link.amount == Decimal("400.00")
    desk.pay(link)
    with desk.sessions() as session:
        promise = session.get(Promise, record.id)
        assert promise is not None
        assert promise.status == "kept"
        assert promise.amount_collected == Decimal("400.00")
    summary = evaluate_day(desk.sessions, NOW + timedelta(days=1), desk.settings.policy)
    assert summary.promises_kept == 0
    assert summary.promises_broken == 0


def test_an_installment_paid_by_link_is_paid_at_once(desk: PayDesk) -> None:
    with desk.sessions() as session, session.begin():
        plan = PaymentPlan(
            account_id=desk.account_id,
            status="active",
            total=Decimal("1200.00"),
            down_payment=Decimal("200.00"),
            channel="sms",
            taken_by="bot",
            created_at=NOW - timedelta(days=1),
        )
        session.add(plan)
        session.flush()
        for sequence, (due, amount) in enumerate(
            ((date(2026, 11, 25), "200.00"), (date(2026, 12, 25), "500.00"))
        ):
            session.add(
                Installment(
                    plan_id=plan.id,
                    sequence=sequence,
                    due_date=due,
                    amount=Decimal(amount),
                    status="scheduled",
                )
            )
    link = desk.link("installment")
    assert link.amount == Decimal("200.00")
    desk.pay(link)
    with desk.sessions() as session:
        statuses = session.scalars(select(Installment.status).order_by(Installment.sequence))
        assert list(statuses) == ["paid", "scheduled"]


def test_a_bank_debit_is_processing_then_recorded_when_it_succeeds(desk: PayDesk) -> None:
    session_id = desk.checkout(desk.link())
    assert desk.deliver_all(desk.stripe.pay(session_id, "us_bank_account")) == ["processing"]
    with desk.sessions() as session:
        assert stripe_payments(session) == []
    assert desk.deliver_all([desk.stripe.settle(session_id)]) == ["recorded"]
    with desk.sessions() as session:
        assert len(stripe_payments(session)) == 1
    processing, receipt = desk.notices()
    assert "being processed" in processing
    assert "Thank you" in receipt


def test_a_failed_bank_debit_is_told_once_and_the_promise_stays_pending(desk: PayDesk) -> None:
    with desk.sessions() as session:
        record = record_promise(
            session,
            "A-7",
            Decimal("400.00"),
            date(2026, 11, 27),
            channel="sms",
            now=NOW,
            policy=desk.settings.policy,
        )
    session_id = desk.checkout(desk.link("promise"))
    desk.deliver_all(desk.stripe.pay(session_id, "us_bank_account"))
    failed = desk.stripe.settle(session_id, succeeded=False)
    assert desk.deliver_all([failed, failed]) == ["failed", "duplicate"]
    with desk.sessions() as session:
        assert stripe_payments(session) == []
        assert session.get(Promise, record.id).status == "pending"  # type: ignore[union-attr]
    notices = desk.notices()
    assert len(notices) == 2
    assert "did not go through" in notices[-1]


def _reversal_escalations(session: Session) -> int:
    query = select(func.count()).where(Escalation.reason == "payment_reversed")
    return int(session.scalar(query.select_from(Escalation)) or 0)


def test_a_refund_reverses_the_payment_reopens_invoices_and_escalates(desk: PayDesk) -> None:
    session_id = desk.pay(desk.link())
    assert desk.deliver_all([desk.stripe.refund(session_id, 500 * CENTS)]) == ["reversed"]
    with desk.sessions() as session:
        reversal = stripe_payments(session)[-1]
        assert reversal.amount == Decimal("-500.00")
        assert reversal.method == "stripe_reversal"
        assert open_amounts(session) == {
            "I-1": Decimal("0.00"),
            "I-2": Decimal("100.00"),
            "I-3": Decimal("400.00"),
        }
        assert _reversal_escalations(session) == 1
        audited = session.scalar(select(AuditEvent).where(AuditEvent.action == "reversed"))
        assert audited is not None
        assert '"kind": "refund"' in audited.detail
    # a second partial refund: charge.refunded carries the running total
    assert desk.deliver_all([desk.stripe.refund(session_id, 100 * CENTS)]) == ["reversed"]
    with desk.sessions() as session:
        assert stripe_payments(session)[-1].amount == Decimal("-100.00")
        assert open_amounts(session)["I-2"] == Decimal("200.00")
        assert _reversal_escalations(session) == 1  # the open case is reused


def test_a_card_dispute_reverses_the_whole_payment(desk: PayDesk) -> None:
    session_id = desk.pay(desk.link())
    assert desk.deliver_all([desk.stripe.dispute(session_id)]) == ["reversed"]
    with desk.sessions() as session:
        assert open_amounts(session) == {
            "I-1": Decimal("500.00"),
            "I-2": Decimal("300.00"),
            "I-3": Decimal("400.00"),
        }
        assert _reversal_escalations(session) == 1


def test_a_replayed_event_changes_nothing(desk: PayDesk) -> None:
    session_id = desk.checkout(desk.link())
    (completed,) = desk.stripe.pay(session_id)
    assert desk.deliver_all([completed, completed]) == ["recorded", "duplicate"]
    with desk.sessions() as session:
        assert len(stripe_payments(session)) == 1
    assert len(desk.notices()) == 1


def test_events_out_of_order_record_the_payment_once(desk: PayDesk) -> None:
    session_id = desk.checkout(desk.link())
    (pending,) = desk.stripe.pay(session_id, "us_bank_account")
    succeeded = desk.stripe.settle(session_id)
    assert desk.deliver_all([succeeded, pending]) == ["recorded", "ignored"]
    with desk.sessions() as session:
        assert len(stripe_payments(session)) == 1
    assert len(desk.notices()) == 1  # a receipt, and no "processing" after it


def test_a_refund_before_its_payment_waits_and_is_applied_with_it(desk: PayDesk) -> None:
    session_id = desk.checkout(desk.link())
    (completed,) = desk.stripe.pay(session_id)
    refund = desk.stripe.refund(session_id, 1200 * CENTS)
    assert desk.deliver_all([refund, completed]) == ["waiting", "recorded"]
    with desk.sessions() as session:
        assert [p.amount for p in stripe_payments(session)] == [
            Decimal("1200.00"),
            Decimal("-1200.00"),
        ]
        assert open_amounts(session) == {
            "I-1": Decimal("500.00"),
            "I-2": Decimal("300.00"),
            "I-3": Decimal("400.00"),
        }
        assert _reversal_escalations(session) == 1
    (receipt,) = desk.notices()
    assert "You now owe $1,200.00" in receipt


def test_bad_missing_or_stale_signatures_are_refused_and_nothing_is_stored(
    desk: PayDesk,
) -> None:
    session_id = desk.checkout(desk.link())
    (completed,) = desk.stripe.pay(session_id)
    body, headers = desk.stripe.signed(completed)
    refused = [
        desk.deliver(completed, secret="whsec_" + "0" * 32),
        desk.deliver(completed, age=301),
        desk.request("POST", "/webhooks/stripe", content=body),
        desk.request(
            "POST",
            "/webhooks/stripe",
            content=body.replace(b"paid", b"PAID"),
            headers=headers,
        ),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400, 400]
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StripeEvent)) == 0
        assert stripe_payments(session) == []
    assert desk.deliver(completed, age=299).status_code == 200


def test_an_event_of_another_type_is_acknowledged_and_ignored(desk: PayDesk) -> None:
    event = desk.stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert desk.deliver_all([event]) == ["ignored"]
