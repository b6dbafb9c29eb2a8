"""``POST /api/v1/customers|invoices|payments`` and ``GET /api/v1/events`` (SPEC §15), on
SQLite and PostgreSQL, through the real app with an ``integration`` token.

The bad objects are the CSV import's own bad rows (tests/imports/test_loader.py), sent as
JSON: the same checks, reported by index and field instead of file line and column.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.db.models import Base, Invoice, Promise
from bot.services import api_tokens
from bot.services.daily_review import evaluate_day
from bot.services.promises import record_promise
from tests.imports.test_loader import BAD_ROW_IDS, BAD_ROWS, CUSTOMERS, INVOICES, PAYMENTS
from tests.web.console import conftest as console_fixtures
from tests.web.console.conftest import AddUser, ConsoleApp

console = console_fixtures.console
console_clock = console_fixtures.console_clock
console_env = console_fixtures.console_env
add_user = console_fixtures.add_user


class Erp:
    """An ERP calling the API with an integration token."""

    def __init__(self, console: ConsoleApp, token: str) -> None:
        self.console = console
        self.client = console.client()
        self.headers = {"authorization": f"Bearer {token}"}

    def post(self, kind: str, objects: Any, key: str | None = None) -> httpx.Response:
        headers = dict(self.headers)
        if key is not None:
            headers["idempotency-key"] = key
        return self.client.post(f"/api/v1/{kind}", json=objects, headers=headers)

    def load(self, kind: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.post(kind, objects)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def events(self, after: int = 0, limit: int = 1000) -> dict[str, Any]:
        response = self.client.get(
            "/api/v1/events", params={"after": after, "limit": limit}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def types(self, after: int = 0) -> list[str]:
        return [e["type"] for e in self.events(after)["events"]]

    def rows(self) -> dict[str, int]:
        with self.console.sessions() as session:
            return {
                t.name: session.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables
            }


@pytest.fixture
def erp(console: ConsoleApp, add_user: AddUser) -> Erp:
    user = add_user("integration")
    with console.sessions() as session:
        token = api_tokens.issue(session, user.email, console.clock.now())
    return Erp(console, token)


def objects_of(text: str) -> list[dict[str, Any]]:
    """The rows of a CSV text as the JSON objects an ERP would send."""
    return list(csv.DictReader(io.StringIO(text)))


def test_customers_invoices_and_payments_are_upserted_and_a_second_post_changes_nothing(
    erp: Erp,
) -> None:
    files = (("customers", CUSTOMERS), ("invoices", INVOICES), ("payments", PAYMENTS))
    first = [erp.load(kind, objects_of(text)) for kind, text in files]
    before = erp.rows()
    again = [erp.load(kind, objects_of(text)) for kind, text in files]

    assert [a["inserted"] for a in first] == [2, 4, 2]
    counts = [(a["inserted"], a["updated"], a["unchanged"]) for a in again]
    assert counts == [(0, 0, 2), (0, 0, 4), (0, 0, 2)]
    assert erp.rows() == before
    with erp.console.sessions() as session:
        query = select(Invoice.invoice_number, Invoice.open_amount)
        opened = {n: a for n, a in session.execute(query).tuples()}
    assert opened["INV-1"] == Decimal("0.00")  # P-1 paid the oldest due first
    assert opened["INV-9"] == Decimal("0.00")


def test_json_numbers_and_booleans_are_taken_as_their_cells(erp: Erp) -> None:
    customer = {"account_number": "N-1", "name": "Num Co", "postal_code": "10001",
                "sms_consent": True, "credit_limit": 2500.5, "telegram_chat_id": -1002}  # fmt: skip
    erp.load("customers", [customer])
    invoice = {"invoice_number": "N-INV", "account_number": "N-1", "issue_date": "2026-01-01",
               "due_date": "2026-02-01", "amount": 19.99}  # fmt: skip
    erp.load("invoices", [invoice])

    with erp.console.sessions() as session:
        amount = session.scalar(select(Invoice.amount).where(Invoice.invoice_number == "N-INV"))
    assert amount == Decimal("19.99")


@pytest.mark.parametrize(("kind", "text", "line", "column", "reason"), BAD_ROWS, ids=BAD_ROW_IDS)
def test_a_bad_object_is_422_naming_its_index_and_field_and_nothing_is_stored(
    erp: Erp, kind: str, text: str, line: int, column: str, reason: str
) -> None:
    if kind != "customers":
        erp.load("customers", objects_of(CUSTOMERS))
    if kind == "payments":
        erp.load("invoices", objects_of(INVOICES))
    before = erp.rows()

    response = erp.post(kind, objects_of(text))

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["index"], error["field"]) == (line - 2, column)
    assert reason in error["reason"]
    assert erp.rows() == before


def test_every_bad_object_is_listed_and_none_of_the_good_ones_is_stored(erp: Erp) -> None:
    good = objects_of(CUSTOMERS)
    bad_phone = dict(good[0], account_number="A-3", phone="555-0100")
    unknown = dict(good[1], account_number="A-4", fax="+14155550100")
    nested = dict(good[1], account_number="A-5", name={"first": "Bob"})
    before = erp.rows()

    response = erp.post("customers", [*good, bad_phone, "not an object", unknown, nested])

    assert response.status_code == 422
    found = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert found == {(2, "phone"), (3, "(object)"), (4, "fax"), (5, "name")}
    assert erp.rows() == before


def test_a_repeated_key_is_a_duplicate_of_the_first_objects_index(erp: Erp) -> None:
    customers = objects_of(CUSTOMERS)

    response = erp.post("customers", [*customers, dict(customers[0], name="Again")])

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 2, "field": "account_number", "reason": "duplicate of index 0"}
    ]


def test_a_body_that_is_not_an_array_is_400(erp: Erp) -> None:
    response = erp.post("invoices", {"invoice_number": "X"})

    assert response.status_code == 400
    assert response.json()["field"] == "body"


def test_an_idempotency_key_replays_the_first_answer_and_another_body_is_409(erp: Erp) -> None:
    customers = objects_of(CUSTOMERS)
    first = erp.post("customers", customers, key="batch-1")
    replay = erp.post("customers", customers, key="batch-1")
    before = erp.rows()
    other = erp.post("customers", customers[:1], key="batch-1")

    assert first.status_code == replay.status_code == 200
    summary = {"kind": "customers", "received": 2, "inserted": 2, "updated": 0, "unchanged": 0}
    assert replay.json() == first.json() == summary
    assert other.status_code == 409
    assert other.json()["field"] == "Idempotency-Key"
    assert erp.rows() == before


def test_a_refused_request_is_replayed_as_refused_under_its_key(erp: Erp) -> None:
    bad = [{"account_number": "B-1", "name": "Bad", "postal_code": "1", "phone": "x"}]
    first = erp.post("customers", bad, key="k-bad")
    erp.load("customers", objects_of(CUSTOMERS))  # the world changes; the key's answer not
    replay = erp.post("customers", bad, key="k-bad")

    assert first.status_code == replay.status_code == 422
    assert replay.json() == first.json()


def test_1001_objects_are_refused_naming_the_limit_and_nothing_is_stored(erp: Erp) -> None:
    erp.load("customers", objects_of(CUSTOMERS))
    invoices = [
        {"invoice_number": f"BIG-{n}", "account_number": "A-1", "issue_date": "2026-01-01",
         "due_date": "2026-02-01", "amount": "10.00"}
        for n in range(1001)
    ]  # fmt: skip
    before = erp.rows()

    response = erp.post("invoices", invoices)

    assert response.status_code == 413
    assert "1000" in response.json()["error"]
    assert erp.rows() == before


def test_1000_objects_above_the_apps_body_limit_are_taken_on_v1_only(erp: Erp) -> None:
    erp.load("customers", objects_of(CUSTOMERS))
    invoices = [
        {"invoice_number": f"BIG-{n:04d}", "account_number": "A-1", "issue_date": "2026-01-01",
         "due_date": "2026-02-01", "amount": "10.00", "currency": "USD"}
        for n in range(1000)
    ]  # fmt: skip
    body = json.dumps(invoices).encode()
    assert len(body) > erp.console.settings.max_body_bytes

    taken = erp.post("invoices", invoices)
    elsewhere = erp.client.post(
        "/webhooks/rest/webhook", content=body, headers={"content-type": "application/json"}
    )

    assert taken.status_code == 200, taken.text
    assert taken.json()["inserted"] == 1000
    assert elsewhere.status_code == 413


def test_a_payment_posted_applies_cash_releases_the_hold_and_keeps_the_promise(
    erp: Erp,
) -> None:
    console = erp.console
    customer = {"account_number": "H-1", "name": "Hold Co", "postal_code": "02110",
                "timezone": "America/New_York", "credit_limit": "100.00"}  # fmt: skip
    erp.load("customers", [customer])
    erp.load("invoices", [{"invoice_number": "H-INV", "account_number": "H-1",
                           "issue_date": "2026-11-01", "due_date": "2026-12-01",
                           "amount": "300.00"}])  # fmt: skip
    now = console.clock.now()
    with console.sessions() as session:
        record_promise(session, "H-1", Decimal("250.00"), date(2026, 11, 25), channel="sms",
                       now=now, policy=console.settings.policy)  # fmt: skip
    mark = erp.events()["next"]

    erp.load("payments", [{"payment_id": "H-P1", "account_number": "H-1",
                           "received_date": "2026-11-22", "amount": "250.00"}])  # fmt: skip
    evaluate_day(console.sessions, now + timedelta(days=1), console.settings.policy)

    page = erp.events(after=mark)["events"]
    assert [e["type"] for e in page] == ["payment.received", "credit_hold.released",
                                         "promise.kept"]  # fmt: skip
    assert {e["account_number"] for e in page} == {"H-1"}
    assert page[0]["data"]["applied"] == {"H-INV": "250.00"}
    with console.sessions() as session:
        assert session.scalar(select(Promise.status)) == "kept"


def test_the_feed_pages_with_after_and_limit_oldest_first(erp: Erp) -> None:
    customer = {"account_number": "F-1", "name": "Feed Co", "postal_code": "1"}
    erp.load("customers", [customer])
    erp.load("invoices", [{"invoice_number": "F-INV", "account_number": "F-1",
                           "issue_date": "2026-11-01", "due_date": "2026-12-01",
                           "amount": "100.00"}])  # fmt: skip
    start = erp.events()["next"]
    erp.load("payments", [{"payment_id": f"F-P{n}", "account_number": "F-1",
                           "received_date": "2026-11-22", "amount": "10.00"}
                          for n in range(5)])  # fmt: skip

    first = erp.events(after=start, limit=2)
    second = erp.events(after=first["next"], limit=10)
    empty = erp.events(after=second["next"])

    ids = [e["id"] for e in first["events"] + second["events"]]
    assert len(ids) == 5
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    assert empty == {"events": [], "next": second["next"]}


@pytest.mark.parametrize("query", ["after=-1", "limit=0", "limit=1001", "after=x"])
def test_a_bad_feed_query_is_400(erp: Erp, query: str) -> None:
    response = erp.client.get(f"/api/v1/events?{query}", headers=erp.headers)

    assert response.status_code == 400


def test_an_integration_user_cannot_sign_in_to_the_console(
    console: ConsoleApp, add_user: AddUser
) -> None:
    user = add_user("integration")
    client = console.client()
    form = client.get("/console/login")
    done = client.post(
        "/console/login",
        data={"csrf_token": console_fixtures.csrf_of(form.text), "email": user.email,
              "password": console_fixtures.PASSWORD},
    )  # fmt: skip

    assert "arbot_session" not in done.cookies
