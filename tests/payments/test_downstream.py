"""What a Stripe payment changes elsewhere the same day: the account sheet, the payments
list, the KPIs, aging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.services.accounts import account_overview
from bot.services.disputes import claim_paid
from bot.services.payments_list import account_payments, recent_payments
from bot.services.reminder_plan import plan
from bot.services.reports import aging_report, kpi_report
from tests.payments.conftest import NOW, PayDesk

TODAY = date(2026, 11, 22)


def test_a_stripe_payment_shows_on_the_account_and_in_the_lists(desk: PayDesk) -> None:
    desk.pay(desk.link("invoice", target="I-1"))
    with desk.sessions() as session:
        doc = account_overview(session, "A-7", TODAY).to_json()
        listed = account_payments(session, "A-7")
        everyone = recent_payments(session)
    (shown,) = doc["payments"]
    assert shown["method"] == "stripe"
    assert shown["amount"] == "500.00"
    assert shown["received_date"] == "2026-11-22"
    assert doc["balance"] == "700.00"
    assert listed == doc["payments"]
    assert everyone[0]["account_number"] == "A-7"


def test_kpis_count_what_was_collected_in_chat_and_aging_falls_the_same_day(
    desk: PayDesk,
) -> None:
    with desk.sessions() as session:
        before = aging_report(session, TODAY).to_json()["total"]
    desk.pay(desk.link(amount=Decimal("300.00")))
    with desk.sessions() as session:
        kpis = kpi_report(session, date(2026, 11, 1), TODAY).to_json()
        after = aging_report(session, TODAY).to_json()["total"]
    assert kpis["collected_in_chat"] == "300.00"
    assert before == "1200.00"
    assert after == "900.00"


def test_i_paid_just_now_finds_the_stripe_payment(desk: PayDesk) -> None:
    desk.pay(desk.link(amount=Decimal("300.00")))
    with desk.sessions() as session:
        claim = claim_paid(session, "A-7", None, channel="sms", now=NOW)
    assert claim.matched_payment_id is not None
    assert claim.matched_amount == Decimal("300.00")
    assert claim.dispute is None


def test_reminders_stop_once_everything_is_paid(desk: PayDesk) -> None:
    due = [p for p in plan(desk.sessions, NOW, desk.settings) if not p.decision.held]
    assert [p.decision.kind for p in due] == ["dunning"]
    desk.pay(desk.link())
    assert [p for p in plan(desk.sessions, NOW, desk.settings) if not p.decision.held] == []
