"""The daily review: promises kept or broken, plans paid or defaulted, and what follows.

On SQLite and PostgreSQL; ``NOW`` is 09:00 in Chicago on 2026-11-22, grace days 2
(promises) and 3 (installments).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Escalation, Installment, PaymentPlan, Promise
from bot.policy.rules import Policy
from bot.services.reminders import evaluate_day, plan
from tests.services.reminder_portfolio import (
    NOW,
    SETTINGS,
    add_account,
    add_payment,
    add_plan,
    add_promise,
    attempts,
    run,
)

POLICY = Policy()


def promise(sessions: sessionmaker[Session], promise_id: int) -> tuple[str, Decimal]:
    with sessions() as session, session.begin():
        found = session.get(Promise, promise_id)
        assert found is not None
        return found.status, found.amount_collected


def plan_state(sessions: sessionmaker[Session], plan_id: int) -> tuple[str, list[str]]:
    with sessions() as session, session.begin():
        found = session.get(PaymentPlan, plan_id)
        assert found is not None
        query = select(Installment.status).where(Installment.plan_id == plan_id)
        return found.status, list(session.scalars(query.order_by(Installment.sequence)))


def escalations(sessions: sessionmaker[Session], account_id: int) -> list[str]:
    with sessions() as session, session.begin():
        query = select(Escalation.reason).where(Escalation.account_id == account_id)
        return list(session.scalars(query))


def test_a_promise_paid_in_full_is_kept_with_the_amount_collected(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -20, "500.00")])
    promised = add_promise(sessions, account, "300.00", due=-3, created=-6)
    add_payment(sessions, account, -4, "200.00")
    add_payment(sessions, account, -1, "150.00")  # within the grace days

    summary = evaluate_day(sessions, NOW, POLICY)

    assert (summary.promises_kept, summary.promises_broken) == (1, 0)
    assert promise(sessions, promised) == ("kept", Decimal("300.00"))


def test_an_unpaid_promise_past_its_grace_days_is_broken(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -20, "500.00")])
    promised = add_promise(sessions, account, "300.00", due=-3, created=-6)
    add_payment(sessions, account, -4, "100.00")
    add_payment(sessions, account, -8, "900.00")  # before the promise: not for it

    summary = evaluate_day(sessions, NOW, POLICY)

    assert summary.promises_broken == 1
    assert promise(sessions, promised) == ("broken", Decimal("100.00"))
    assert escalations(sessions, account) == []


def test_a_promise_within_its_grace_days_stays_pending(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -20, "500.00")])
    promised = add_promise(sessions, account, "300.00", due=-2, created=-6)

    evaluate_day(sessions, NOW, POLICY)

    assert promise(sessions, promised) == ("pending", Decimal("0.00"))


def test_a_second_broken_promise_in_90_days_escalates(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -40, "500.00")])
    add_promise(sessions, account, "200.00", due=-60, created=-65, status="broken")
    add_promise(sessions, account, "300.00", due=-3, created=-6)

    summary = evaluate_day(sessions, NOW, POLICY)

    assert summary.escalations == 1
    assert escalations(sessions, account) == ["broken_promises"]


def test_a_broken_promise_gets_one_notice(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -40, "500.00")])
    promised = add_promise(sessions, account, "300.00", due=-3, created=-6)
    evaluate_day(sessions, NOW, POLICY)

    first = run(sessions, NOW)
    next_day = run(sessions, NOW + timedelta(days=1))

    notices = [(a.kind, a.target, a.status) for a in attempts(sessions, account)]
    assert notices[0] == ("broken_promise", f"promise:{promised}", "sent")
    assert (first.sent, next_day.sent) == (1, 1)  # the next day, dunning resumes
    assert [a.kind for a in attempts(sessions, account)] == ["broken_promise", "dunning"]


def test_a_missed_installment_defaults_the_plan_escalates_and_owes_a_notice(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -40, "400.00")])
    planned = add_plan(sessions, account, [(-10, "40.00"), (20, "180.00"), (50, "180.00")])

    summary = evaluate_day(sessions, NOW, POLICY)
    (decision,) = [p.decision for p in plan(sessions, NOW, SETTINGS)]

    assert (summary.installments_missed, summary.plans_defaulted, summary.escalations) == (1, 1, 1)
    assert plan_state(sessions, planned) == ("defaulted", ["missed", "scheduled", "scheduled"])
    assert escalations(sessions, account) == ["plan_default"]
    assert (decision.kind, decision.target, decision.held) == (
        "plan_default",
        f"plan:{planned}",
        False,
    )


def test_installments_covered_by_payments_are_paid_and_a_paid_plan_completes(
    sessions: sessionmaker[Session],
) -> None:
    paying = add_account(sessions, "R-1", [("I-1", -40, "400.00")])
    partly = add_plan(sessions, paying, [(-10, "40.00"), (20, "180.00")])
    add_payment(sessions, paying, -9, "40.00")
    done = add_account(sessions, "R-2", [("I-2", -60, "220.00")])
    complete = add_plan(sessions, done, [(-40, "40.00"), (-10, "180.00")], created=-45)
    add_payment(sessions, done, -38, "220.00")

    summary = evaluate_day(sessions, NOW, POLICY)

    assert plan_state(sessions, partly) == ("active", ["paid", "scheduled"])
    assert plan_state(sessions, complete) == ("completed", ["paid", "paid"])
    assert (summary.installments_paid, summary.plans_completed) == (3, 1)


def test_the_review_run_twice_changes_nothing_the_second_time(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -40, "400.00")])
    add_promise(sessions, account, "200.00", due=-60, created=-65, status="broken")
    add_promise(sessions, account, "300.00", due=-3, created=-6)
    other = add_account(sessions, "R-2", [("I-2", -40, "400.00")])
    add_plan(sessions, other, [(-10, "40.00"), (20, "180.00")])
    evaluate_day(sessions, NOW, POLICY)

    again = evaluate_day(sessions, NOW, POLICY)

    changes = again.to_json()
    del changes["seconds"]
    assert set(changes.values()) == {0}
    assert escalations(sessions, account) + escalations(sessions, other) == [
        "broken_promises",
        "plan_default",
    ]
