"""``/pay/{token}``: what is owed now, a Checkout Session made or reused, and the pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from stripe.params.checkout import SessionCreateParams

from bot.db.models import PaymentRequest
from bot.payments.checkout import CheckoutSettings, _Plan, checkout_params
from bot.payments.links import LinkSettings, token_hash
from tests.fakes.stripe_api import type_hints, unknown_params
from tests.payments.conftest import NOW, PUBLIC_URL, PayDesk


def test_the_parameters_arbot_sends_are_all_known_to_stripe_pythons_session_create_params() -> None:
    plan = _Plan(7, "A-7", Decimal("300.00"), "USD", None)
    params = checkout_params(plan, CheckoutSettings(LinkSettings(PUBLIC_URL), "Acme"))
    assert unknown_params(params) == []
    hints = type_hints(SessionCreateParams)
    assert {"mode", "line_items", "client_reference_id", "payment_intent_data"} <= set(hints)
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"]["unit_amount"] == 30000
    assert params["metadata"] == {"arbot_request": "7", "account_number": "A-7"}
    assert params["payment_intent_data"]["metadata"] == params["metadata"]
    assert params["success_url"].startswith(PUBLIC_URL)
    assert params["allowed_payment_method_types"] == ["card", "us_bank_account"]


def test_a_parameter_stripe_does_not_know_is_found_however_deep() -> None:
    bogus = {"mode": "payment", "line_items": [{"price_data": {"bogus": 1}}], "colour": "red"}
    assert unknown_params(bogus) == ["line_items[0][price_data][bogus]", "colour"]


def test_an_open_link_redirects_to_checkout_for_what_is_owed(desk: PayDesk) -> None:
    link = desk.link()
    assert len(link.url.rsplit("/", 1)[-1]) >= 22  # at least 128 bits, URL-safe
    response = desk.open(link)
    assert response.status_code == 303
    assert response.headers["location"].startswith(desk.stripe.base_url + "/checkout/cs_")
    sent = desk.stripe.created_params[-1]
    assert unknown_params(sent) == []  # what the real client put on the wire, too
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "120000"
    assert sent["client_reference_id"] == str(link.request_id)


def test_the_token_is_stored_only_hashed(desk: PayDesk) -> None:
    link = desk.link()
    token = link.url.rsplit("/", 1)[-1]
    with desk.sessions() as session:
        request = session.get(PaymentRequest, link.request_id)
        assert request is not None
        assert request.token_hash == token_hash(token)
        assert token not in request.token_hash


def test_a_link_opened_twice_reuses_its_session(desk: PayDesk) -> None:
    link = desk.link()
    made = len(desk.stripe.created_params)
    first, second = desk.open(link), desk.open(link)
    assert first.headers["location"] == second.headers["location"]
    assert len(desk.stripe.created_params) == made + 1


def test_a_smaller_amount_owed_expires_the_old_session_and_makes_a_new_one(desk: PayDesk) -> None:
    link = desk.link()
    old = desk.checkout(link)
    paid_by_import = desk.link(amount=Decimal("500.00"))
    desk.pay(paid_by_import)  # 500 paid another way: 700 left
    response = desk.open(link)
    assert response.status_code == 303
    new = response.headers["location"].rsplit("/", 1)[-1]
    assert new != old
    assert desk.stripe.sessions[old]["status"] == "expired"
    assert desk.stripe.sessions[new]["amount_total"] == 70000


def test_an_unknown_link_is_a_404_page_asking_for_a_new_one(desk: PayDesk) -> None:
    response = desk.open(f"{PUBLIC_URL}/pay/{'x' * 32}")
    assert response.status_code == 404
    assert "Ask us in the chat for a new link" in response.text


def test_an_expired_link_is_a_404_page_and_is_marked_expired(desk: PayDesk) -> None:
    link = desk.link()
    with desk.sessions() as session, session.begin():
        request = session.get(PaymentRequest, link.request_id)
        assert request is not None
        request.expires_at = NOW - timedelta(seconds=1)
    response = desk.open(link)
    assert response.status_code == 404
    assert "no longer valid" in response.text
    with desk.sessions() as session:
        assert session.get(PaymentRequest, link.request_id).status == "expired"  # type: ignore[union-attr]


def test_a_paid_link_says_so_and_shows_only_company_and_amount(desk: PayDesk) -> None:
    link = desk.link()
    desk.pay(link)
    response = desk.open(link)
    assert response.status_code == 200
    assert "Already paid" in response.text
    assert "$1,200.00" in response.text
    assert "Acme Supply Co." in response.text
    for private in ("A-7", "Ada Supply", "I-1", "60614"):
        assert private not in response.text


def test_a_link_with_nothing_left_to_pay_says_so(desk: PayDesk) -> None:
    balance, other = desk.link(), desk.link()
    desk.pay(other)
    response = desk.open(balance)
    assert response.status_code == 200
    assert "nothing to pay" in response.text


def test_the_result_pages_show_the_company(desk: PayDesk) -> None:
    for path, words in (("/pay/done", "Thank you"), ("/pay/cancelled", "No payment was made")):
        response = desk.request("GET", path)
        assert response.status_code == 200
        assert words in response.text


def test_links_are_only_made_for_what_is_owed(desk: PayDesk) -> None:
    link = desk.link(amount=Decimal("5000.00"))
    assert link.amount == Decimal("1200.00")
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentRequest)) == 1
