"""``pay_now`` and a recorded promise with ``ARBOT_PAYMENT_PROVIDER=stripe``: pay links."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from actions import payment_link as module
from actions import runtime
from actions.payment_link import NOTHING_TO_PAY, ActionPayNow
from actions.promises import ActionRecordPromise
from bot.payments.links import PayLink
from tests.actions.conftest import NOW, run, tracker

URL = "http://arbot.test/pay/"


def _link(purpose: str, amount: str, due: str | None = None) -> PayLink:
    return PayLink(1, URL + purpose, purpose, None, Decimal(amount), "USD", NOW, due)


@pytest.fixture
def stripe_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[PayLink]], list[tuple[Any, ...]]]:
    """Stripe links on; the link service answers with the links given."""
    wired = runtime.current()
    settings = dataclasses.replace(wired.settings, payment_provider="stripe")
    monkeypatch.setattr(runtime, "current", lambda: dataclasses.replace(wired, settings=settings))
    calls: list[tuple[Any, ...]] = []

    real_call = runtime.call

    def answer(links: list[PayLink]) -> list[tuple[Any, ...]]:
        async def call(use_case: Any, account: str, *args: Any, **kwargs: Any) -> Any:
            if use_case not in (module.promise_link, module.links_for_chat):
                return await real_call(use_case, account, *args, **kwargs)
            calls.append((use_case.__name__, account, kwargs["now"]))
            if use_case is module.promise_link:
                return links[0] if links else None
            return links

        monkeypatch.setattr(runtime, "call", call)
        return calls

    return answer


def test_pay_now_with_stripe_gives_one_link_for_the_balance(stripe_on: Any) -> None:
    calls = stripe_on([_link("balance", "1250.00")])
    outcome = run(ActionPayNow(), tracker(text="send me a link", intent="pay_now"))
    assert outcome.messages == [f"You can pay $1,250.00 securely here: {URL}balance"]
    assert calls == [("links_for_chat", "A-1003", NOW)]


def test_pay_now_with_a_promise_lists_each_choice(stripe_on: Any) -> None:
    stripe_on([_link("promise", "300.00", "2026-12-04"), _link("balance", "1250.00")])
    outcome = run(ActionPayNow(), tracker(text="how can i pay", intent="pay_now"))
    assert outcome.messages == [
        "You can pay securely here:\n"
        f"- your promise of $300.00 due Friday, Dec 4: {URL}promise\n"
        f"- the full balance of $1,250.00: {URL}balance"
    ]


def test_pay_now_with_nothing_owed_says_so(stripe_on: Any) -> None:
    stripe_on([])
    outcome = run(ActionPayNow(), tracker(text="pay", intent="pay_now"))
    assert outcome.messages == [NOTHING_TO_PAY]


def test_a_recorded_promise_is_followed_by_its_link(stripe_on: Any) -> None:
    calls = stripe_on([_link("promise", "300.00", "2026-12-04")])
    outcome = run(
        ActionRecordPromise(),
        tracker(slots={"ptp_amount": "300.00", "ptp_date": "2026-12-04", "ptp_confirmed": True}),
    )
    assert outcome.messages[-1] == f"You can pay it now, securely, here: {URL}promise"
    assert calls[-1][0] == "promise_link"
