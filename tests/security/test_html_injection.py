"""HTML injection: markup from customers, imports and console users is shown as text.

Each source puts its own payload in — ``<svg onload=alert("<source>")>'"&amp;``, which a
browser would run — and every console page that shows that source must carry the payload
escaped (so the page does show it) and never raw: a customer name, an account number
and an invoice number from the CSV imports; a chat message and a dispute's description
typed by the customer; an escalation's note; a collector's note and reply; what was
typed into a console form and comes back on its page (a link code's account number, the
dashboard's dates, the sign-in e-mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from bot.db.models import Promise
from bot.repositories import accounts
from bot.services.disputes import open_dispute
from bot.services.escalations import escalate
from tests.security.conftest import PHONE, Caller, CallerFactory, import_csv
from tests.services.console_seed import add_pending_plan
from tests.web.console.conftest import ConsoleApp, csrf_of

SOURCES = ("name", "account", "invoice", "message", "description", "case-note", "note", "reply",
           "form")  # fmt: skip


def payload(source: str) -> str:
    """Markup that runs script if a page shows it raw (at most 64 characters)."""
    return f'<svg onload=alert("{source}")>\'"&amp;'


@dataclass(frozen=True)
class Tainted:
    """The admin working the tainted account's case, and the case's id."""

    admin: Caller
    case_id: int


@pytest.fixture
def tainted(console: ConsoleApp, caller: CallerFactory, tmp_path: Path) -> Tainted:
    """An account imported with markup in its name, number and invoice, whose customer
    wrote markup in a chat and a dispute; its case (with a marked-up note) claimed by an
    admin who added a note and replied with markup; a plan waiting and a broken promise."""
    number, now = payload("account"), console.clock.now()
    import_csv(console, tmp_path, "customers", [
        {"account_number": number, "name": payload("name"), "postal_code": "02110",
         "phone": PHONE, "sms_consent": "true"},
    ])  # fmt: skip
    import_csv(console, tmp_path, "invoices", [
        {"invoice_number": payload("invoice"), "account_number": number,
         "issue_date": "2026-09-01", "due_date": "2026-10-01", "amount": "300.00"},
    ])  # fmt: skip
    chat = console.client().post(
        "/webhooks/rest/webhook", json={"sender": PHONE, "message": payload("message")}
    )
    assert chat.status_code == 200, chat.text
    with console.sessions() as session:
        open_dispute(session, number, payload("invoice"), "damaged", payload("description"),
                     channel="web", now=now)  # fmt: skip
    with console.sessions() as session:
        case = escalate(session, "customer_request", channel="web", address=PHONE,
                        account_number=number, now=now, note=payload("case-note"))  # fmt: skip
    with console.sessions() as session:
        found = accounts.by_number(session, number)
        assert found is not None
        account_id = found.id
    with console.sessions() as session:
        add_pending_plan(session, account_id)
    with console.sessions() as session, session.begin():
        session.add(
            Promise(
                account_id=account_id,
                amount=Decimal("100.00"),
                due_date=date(2026, 11, 10),
                status="broken",
                channel="sms",
                taken_by="bot",
                amount_collected=Decimal("0.00"),
                created_at=now,
            )  # fmt: skip
        )
    admin = caller("admin")
    page = f"/console/escalations/{case.id}"
    for action, form in (("claim", {}), ("note", {"body": payload("note")}),
                         ("reply", {"text": payload("reply")})):  # fmt: skip
        assert admin.send("POST", f"{page}/{action}", form=form).status_code == 303, action
    return Tainted(admin, case.id)


def shown(response: httpx.Response) -> set[str]:
    """The sources whose payload the page shows escaped.

    Raises:
        AssertionError: when the page carries any payload raw.
    """
    assert response.headers["content-type"].startswith("text/html")
    raw = [source for source in SOURCES if payload(source) in response.text]
    assert raw == [], f"raw markup of {raw} on {response.url}"
    return {source for source in SOURCES if str(escape(payload(source))) in response.text}


@pytest.mark.parametrize(
    ("page", "sources"),
    [
        # the queue's summary line quotes the customer's last message
        ("/console/queue", {"name", "account", "message"}),
        ("/console/escalations/{case}",
         {"name", "account", "invoice", "message", "case-note", "note", "reply"}),
        ("/console/disputes", {"name", "account", "invoice", "description"}),
        ("/console/approvals", {"name", "account"}),
        ("/console/dashboard", {"name", "account"}),
    ],
)  # fmt: skip
def test_every_page_shows_the_markup_it_holds_as_text(
    tainted: Tainted, page: str, sources: set[str]
) -> None:
    response = tainted.admin.send("GET", page.format(case=tainted.case_id))

    assert response.status_code == 200
    assert shown(response) == sources


def test_a_link_code_names_the_marked_up_account_as_text(tainted: Tainted) -> None:
    issued = tainted.admin.send(
        "POST", "/console/link-codes", form={"account_number": payload("account")}
    )

    assert issued.status_code == 201
    assert shown(issued) == {"account"}


def test_what_was_typed_into_a_console_form_comes_back_as_text(
    tainted: Tainted, console: ConsoleApp
) -> None:
    typed = payload("form")
    link = tainted.admin.send("POST", "/console/link-codes", form={"account_number": typed})
    dashboard = tainted.admin.client.get("/console/dashboard", params={"from": typed})
    visitor = console.client()
    token = csrf_of(visitor.get("/console/login").text)
    login = visitor.post(
        "/console/login", data={"csrf_token": token, "email": typed, "password": "x"}
    )

    assert [link.status_code, dashboard.status_code, login.status_code] == [404, 400, 401]
    assert [shown(link), shown(dashboard), shown(login)] == [{"form"}] * 3
