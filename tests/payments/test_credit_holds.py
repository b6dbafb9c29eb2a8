"""A Stripe payment releases a credit hold, and a refund puts it back (SPEC §12)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.db.models import Account, AuditEvent, CreditHold
from bot.services.credit.holds import reconcile_holds
from tests.payments.conftest import NOW, PayDesk

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
