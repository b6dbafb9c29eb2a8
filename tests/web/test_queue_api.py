"""``GET /api/queue``: the escalations most urgent first, as the console's queue lists them."""

from __future__ import annotations

from datetime import timedelta

from bot.services import escalations
from tests.services.conftest import add_invoice
from tests.web.conftest import NOW, Gateway
from tests.web.test_handoff_api import call, collector


def escalate(gateway: Gateway, number: str, phone: str, past_due: str) -> int:
    account_id = gateway.add_account(number, phone, consumer=False)
    with gateway.sessions() as session, session.begin():
        add_invoice(session, account_id, f"{number}-1", NOW.date() - timedelta(days=20),
                    past_due, past_due)  # fmt: skip
    with gateway.sessions() as session:
        record = escalations.escalate(
            session, "customer_request", channel="sms", address=phone, account_number=number,
            now=NOW,
        )  # fmt: skip
    return record.id


def test_the_queue_lists_the_largest_past_due_amount_first(gateway: Gateway) -> None:
    small = escalate(gateway, "A-1", "+16175550141", "120.00")
    large = escalate(gateway, "A-2", "+16175550142", "900.00")
    token = collector(gateway, "ana@example.com")

    assert call(gateway, "GET", "/api/queue", None).status_code == 401
    response = call(gateway, "GET", "/api/queue", token)

    assert response.status_code == 200
    listed = response.json()["escalations"]
    assert [row["id"] for row in listed] == [large, small]
    assert [row["account_number"] for row in listed] == ["A-2", "A-1"]


def test_an_unknown_view_is_refused_naming_the_parameter(gateway: Gateway) -> None:
    token = collector(gateway, "ana@example.com")

    response = call(gateway, "GET", "/api/queue?view=everything", token)

    assert response.status_code == 400
    assert response.json()["error"].startswith("view:")
