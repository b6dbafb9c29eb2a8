"""The console queue's ``on_hold`` view: the cases of accounts on credit hold."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.services.console_queue import queue
from bot.services.credit.holds import reconcile_holds
from tests.services.conftest import NOW
from tests.services.console_seed import add_case, seed_account


def test_the_on_hold_view_lists_only_the_cases_of_held_accounts(session: Session) -> None:
    held = seed_account(
        session, "H-1", "+16175550111", invoices=(("X", date(2026, 1, 1), "90.00"),)
    )
    fine = seed_account(
        session, "F-1", "+16175550112", invoices=(("X", date(2026, 12, 30), "90.00"),)
    )
    with session.begin():
        reconcile_holds(session, [held, fine], NOW, "system", "test")  # H-1 is long past due
    held_case, fine_case = add_case(session, held), add_case(session, fine)

    on_hold = {item.id for item in queue(session, view="on_hold", user_id=0, now=NOW)}
    every = {item.id for item in queue(session, view="all", user_id=0, now=NOW)}

    assert on_hold == {held_case}
    assert every == {held_case, fine_case}
