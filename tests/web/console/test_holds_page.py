"""``/console/holds``: an account pushed over its limit is listed with its reasons."""

from __future__ import annotations

from decimal import Decimal

from bot.db.models import Account
from bot.services.credit.holds import reconcile_holds
from tests.payments.conftest import NOW, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs


def test_a_collector_sees_an_account_on_hold(console: ConsoleApp, login_as: LoginAs) -> None:
    with console.sessions() as session:
        account_id = seed_account(session)
    with console.sessions() as session, session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        account.credit_limit = Decimal("1000.00")
        session.flush()
        reconcile_holds(session, {account_id}, NOW, "system", "test")
    client, _csrf = login_as("collector")
    page = client.get("/console/holds")
    assert page.status_code == 200
    assert "A-7" in page.text
    assert "over_limit" in page.text
    assert "1200.00" in page.text
    assert "1000.00" in page.text


def test_the_page_says_when_no_account_is_on_hold(console: ConsoleApp, login_as: LoginAs) -> None:
    client, _csrf = login_as("collector")
    assert "No account is on hold." in client.get("/console/holds").text
