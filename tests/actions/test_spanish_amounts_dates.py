"""Spanish conversations (``language`` slot ``es``): amounts, dates and counts in the
promise and plan forms are read in Spanish first, then in English (SPEC §14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.plans import ActionStartPlan, ValidatePlanForm, plan_request
from actions.promises import ActionStartPromise, ValidatePromiseForm
from actions.spoken import language
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices

SPANISH = {"language": "es"}


def _promise(text: str, requested: str | None, lang: str | None = "es", **kwargs: Any) -> Tracker:
    slots = {**kwargs.pop("slots", {}), **({"language": lang} if lang else {})}
    return tracker(
        text=text, intent="promise_to_pay", form="promise_form", requested=requested,
        slots=slots, **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("slot", "expected"), [("es", "es"), ("ES", "es"), ("en", "en"), (None, "en"), ("fr", "en")]
)
def test_the_language_slot_picks_the_reading(slot: str | None, expected: str) -> None:
    assert language(tracker(slots={"language": slot})) == expected


def test_a_spanish_promise_is_normalised_and_checked(services: FakeServices) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _promise(
            "pago trescientos cincuenta el viernes",
            None,
            candidates={"ptp_amount": "trescientos cincuenta", "ptp_date": "el viernes"},
        ),
    )

    assert outcome.flow_slots() == {"ptp_amount": "350.00", "ptp_date": "2026-11-27"}
    assert services.calls.of("check_promise") == [
        (("A-1003", Decimal("350.00"), date(2026, 11, 27)), {})
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("mil doscientos", "1200.00"),
        ("$350", "350.00"),
        ("350 dólares", "350.00"),
        ("1.240,50", "1240.50"),
        ("quinientos", "500.00"),
    ],
)
def test_a_bare_spanish_amount_is_taken_when_asked_for(text: str, amount: str) -> None:
    outcome = run(ValidatePromiseForm(), _promise(text, "ptp_amount"))

    assert outcome.flow_slots() == {"ptp_amount": amount}


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("pasado mañana", "2026-11-27"),
        ("manana", "2026-11-26"),
        ("el proximo viernes", "2026-11-27"),
        ("fin de mes", "2026-11-30"),
        ("el 1 de diciembre", "2026-12-01"),
        ("next friday", "2026-12-04"),  # English still read in a Spanish conversation
    ],
)
def test_a_spanish_date_is_read_in_the_customers_zone(
    text: str, due: str, services: FakeServices
) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _promise(text, "ptp_date", entities={"date": text}, slots={"ptp_amount": "300.00"}),
    )

    assert outcome.flow_slots() == {"ptp_date": due}
    assert services.calls.of("balance_view")[0][1]["default_timezone"].key == "America/New_York"


@pytest.mark.parametrize(
    ("lang", "due"),
    [("es", date(2026, 12, 5)), ("en", date(2027, 5, 12)), (None, date(2027, 5, 12))],
)
def test_a_numeric_date_is_read_in_the_conversations_order(
    lang: str | None, due: date, services: FakeServices
) -> None:
    run(
        ValidatePromiseForm(),
        _promise(
            "5/12", "ptp_date", lang, entities={"date": "5/12"}, slots={"ptp_amount": "300.00"}
        ),
    )

    assert services.calls.of("check_promise") == [(("A-1003", Decimal("300.00"), due), {})]


def test_a_spanish_text_is_understood_without_the_language_slot() -> None:
    outcome = run(ValidatePromiseForm(), _promise("trescientos cincuenta", "ptp_amount", None))

    assert outcome.flow_slots() == {"ptp_amount": "350.00"}


def test_half_in_spanish_resolves_against_the_account() -> None:
    outcome = run(
        ValidatePromiseForm(), _promise("la mitad", "ptp_amount", entities={"amount": "la mitad"})
    )

    assert outcome.slots()["ptp_amount"] == "625.00"


def test_all_i_have_in_spanish_is_not_the_balance(services: FakeServices) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _promise(
            "200, eso es todo lo que tengo",
            "ptp_amount",
            entities={"amount": "200"},
            slots={"ptp_date": "2026-11-27"},
        ),
    )

    assert services.calls.of("check_promise") == [
        (("A-1003", Decimal("200.00"), date(2026, 11, 27)), {})
    ]
    assert outcome.slots()["ptp_amount"] is None  # below the minimum: a plan is offered
    assert outcome.messages[0].startswith(
        "La promesa más pequeña que puedo registrar es de $237.50."
    )  # in the conversation's language


def test_a_spanish_request_keeps_its_amount_not_its_day() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(text="puedo pagar 500 el 15", intent="promise_to_pay", slots=SPANISH),
    )

    assert outcome.flow_events[0] == SlotSet("ptp_amount", "500.00")


def test_an_amount_per_month_in_spanish_is_a_plan_proposal() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(text="puedo pagar 50 al mes", intent="promise_to_pay", slots=SPANISH),
    )

    assert outcome.events == [FollowupAction("action_start_plan")]


@pytest.mark.parametrize(
    ("installments", "amount", "text", "expected"),
    [
        ("seis", None, "", "months:6"),
        (None, "doscientos", "", "amount:200.00"),
        (None, None, "seis meses", "months:6"),
        (None, None, "en doce pagos", "months:12"),
        (None, None, "doce", "months:12"),
        (None, None, "200 dólares al mes", "amount:200.00"),
        (None, None, "20 al mes", "amount:20.00"),  # per month: an amount, not 20 months
        (None, None, "trescientos mensuales", "amount:300.00"),
        (None, None, "mil al mes", "amount:1000.00"),
        (None, None, "6 months", "months:6"),
        (None, None, "¿qué?", None),
    ],
)
def test_a_spanish_plan_request(
    installments: str | None, amount: str | None, text: str, expected: str | None
) -> None:
    assert plan_request(installments, amount, text, "es") == expected


def test_a_spanish_plan_in_months_becomes_an_offer(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(text="en seis meses", form="plan_form", requested="plan_request", slots=SPANISH),
    )

    assert services.calls.of("plan_offer") == [(("A-1003",), {"months": 6, "monthly_amount": None})]
    assert outcome.slots()["plan_request"] == "months:6"


def test_a_spanish_amount_per_month_becomes_an_offer(services: FakeServices) -> None:
    run(
        ValidatePlanForm(),
        tracker(
            text="doscientos dólares al mes",
            form="plan_form",
            requested="plan_request",
            slots=SPANISH,
        ),
    )

    assert services.calls.of("plan_offer") == [
        (("A-1003",), {"months": None, "monthly_amount": Decimal("200.00")})
    ]


def test_a_spanish_plan_start_keeps_the_months(services: FakeServices) -> None:
    outcome = run(
        ActionStartPlan(),
        tracker(
            text="quiero pagar en seis meses", entities={"installments": "seis"}, slots=SPANISH
        ),
    )

    assert outcome.flow_events[0] == SlotSet("plan_request", "months:6")
