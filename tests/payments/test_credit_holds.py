"""A Stripe payment releases a credit hold, and a refund puts it back (SPEC §12)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select

from bot.db.models import Account, AuditEvent, CreditHold, Invoice
from bot.services.credit.holds import reconcile_holds
from tests.fakes.stripe_api import FakeStripe
from tests.payments.conftest import NOW, PayDesk, open_desk

CENTS = 100


def on_hold(desk: PayDesk) -> list[str]:
    with desk.sessions() as session:
        query = select(CreditHold.reasons).where(CreditHold.released_at.is_(None))
        return list(session.scalars(query))


def test_a_stripe_payment_releases_the_hold_and_a_refund_starts_it_again(desk: PayDesk) -> None:
    with desk.sessions() as session, session.begin():
        account = session.get(Account, desk.account_id)
        assert account is not None
        account.credit_limit = Decimal("1000.00")  # 1,200.00 open
        session.flush()
        reconcile_holds(session, {account.id}, NOW, "system", "limit lowered")
    assert on_hold(desk) == ["over_limit"]
    session_id = desk.pay(desk.link())
    assert on_hold(desk) == []
    assert desk.deliver_all([desk.stripe.refund(session_id, 500 * CENTS)]) == ["reversed"]
    assert on_hold(desk) == []  # 500.00 open again: under the limit
    assert desk.deliver_all([desk.stripe.refund(session_id, 1200 * CENTS)]) == ["reversed"]
    assert on_hold(desk) == ["over_limit"]
    with desk.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "account", AuditEvent.action.like("credit_hold%"))
            .order_by(AuditEvent.id)
        )
        assert list(actions) == [
            "credit_hold_started",
            "credit_hold_released",
            "credit_hold_started",
        ]


def test_a_stripe_payment_keeps_the_hold_at_the_days_past_due_setting(
    engine: Engine, stripe_api: FakeStripe
) -> None:
    """``ARBOT_HOLD_DAYS_PAST_DUE=30``: I-1 is 52 days past due, so paying I-2 by Stripe
    leaves the ``past_due`` hold the daily review started (the default 60 would end it)."""
    with open_desk(engine, stripe_api, {"ARBOT_HOLD_DAYS_PAST_DUE": "30"}) as desk:
        with desk.sessions() as session, session.begin():
            reconcile_holds(
                session, {desk.account_id}, NOW, "system", "daily review", days_limit=30
            )
        assert on_hold(desk) == ["past_due"]
        desk.pay(desk.link("invoice", target="I-2"))
        assert on_hold(desk) == ["past_due"]
        with desk.sessions() as session:
            paid = session.scalars(
                select(Invoice.open_amount).where(Invoice.invoice_number == "I-2")
            )
            assert list(paid) == [Decimal("0.00")]
            actions = session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like("credit_hold%"))
            )
            assert list(actions) == ["credit_hold_started"]
