"""``GET /api/disputes``: the open disputes, for collectors' tools (bearer token)."""

from __future__ import annotations

from bot.services.disputes import open_dispute
from tests.services.conftest import add_invoice
from tests.web.conftest import NOW, Gateway
from tests.web.test_handoff_api import call, collector


def test_the_api_lists_open_disputes_with_their_invoice(gateway: Gateway) -> None:
    account_id = gateway.add_account("A-4001", "+16175550140", consumer=False)
    with gateway.sessions() as session, session.begin():
        add_invoice(session, account_id, "INV-1", NOW.date(), "250.00", "250.00")
    with gateway.sessions() as session:
        open_dispute(session, "A-4001", "INV-1", "damaged", "cracked", channel="sms", now=NOW)
    token = collector(gateway, "ana@example.com")

    assert call(gateway, "GET", "/api/disputes", None).status_code == 401
    response = call(gateway, "GET", "/api/disputes", token)

    assert response.status_code == 200
    (listed,) = response.json()["disputes"]
    assert {k: listed[k] for k in ("reference", "account_number", "invoice_number")} == {
        "reference": "D-1", "account_number": "A-4001", "invoice_number": "INV-1",
    }  # fmt: skip
    assert (listed["open_amount"], listed["due_date"], listed["reason"]) == (
        "250.00", "2026-11-22", "damaged",
    )  # fmt: skip
    assert listed["created_at"] == NOW.isoformat()
