"""The actions in Spanish (SPEC §14): the ``language`` slot, filled from the gateway's
metadata, picks the catalog the texts come from; what is disclosed, and when, is the same."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.balance import ActionCheckBalance
from actions.greeting import ActionAskWho, ActionGreet
from actions.handoff import ActionRequestHuman
from actions.language import ActionValidateSlotMappings
from actions.plans import ActionAskPlanConfirmed
from actions.preferences import ActionOptOut
from actions.promises import ActionAskPtpConfirmed, ActionRecordPromise
from actions.verification import ValidateVerificationForm
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices, Verification
from tests.actions.test_gate import GATED
from tests.actions.test_plans import _offer_json

SPANISH = {"language": "es"}
_ACCOUNT_DATA = re.compile(r"\$|\d|INV-|A-1003", re.IGNORECASE)


#: the slot as domain.yml declares it (the actions' test domain has no slots)
LANGUAGE_DOMAIN: dict[str, Any] = {
    "slots": {"language": {"type": "categorical", "mappings": [{"type": "custom"}]}},
    "forms": {},
}


def _extracted(said: Tracker) -> list[dict[str, Any]]:
    action = ActionValidateSlotMappings()
    return asyncio.run(action.run(CollectingDispatcher(), said, LANGUAGE_DOMAIN))


def test_the_language_slot_is_filled_from_the_message_metadata() -> None:
    said = tracker("unverified", text="hola, cuánto debo")
    said.latest_message["metadata"] = {"channel": "sms", "language": "es"}
    assert _extracted(said) == [SlotSet("language", "es")]


@pytest.mark.parametrize("metadata", [{}, {"language": "fr"}, {"channel": "sms"}])
def test_metadata_without_a_language_leaves_the_slot(metadata: dict[str, str]) -> None:
    said = tracker("unverified", text="hola", slots=SPANISH)
    said.latest_message["metadata"] = metadata
    assert _extracted(said) == []


def test_a_spanish_customer_is_verified_in_spanish(services: FakeServices) -> None:
    answered = tracker(
        "unverified",
        text="A-1003 02110",
        entities={"account_number": "A-1003", "postal_code": "02110"},
        form="verification_form",
        requested="verify_account",
        slots=SPANISH,
    )
    outcome = run(ValidateVerificationForm(), answered)
    assert outcome.messages == ["Gracias, su identidad está verificada."]
    assert outcome.slots()["verified"] is True


def test_a_wrong_spanish_answer_says_the_tries_left_in_spanish(services: FakeServices) -> None:
    services.verification = Verification("failed", failures_left=2)
    answered = tracker(
        "unverified",
        text="99999",
        form="verification_form",
        requested="verify_postal_code",
        slots={**SPANISH, "verify_account": "A-1003"},
    )
    outcome = run(ValidateVerificationForm(), answered)
    assert outcome.messages == ["Eso no coincide con nuestros registros. Le quedan 2 intentos."]


def test_a_verified_spanish_customer_is_told_the_balance_in_spanish() -> None:
    asked = tracker(text="cuánto debo", intent="check_balance", slots=SPANISH)
    outcome = run(ActionCheckBalance(), asked)
    assert outcome.messages == [
        "Su saldo es de $1,450.00 en 4 facturas abiertas. $950.00 está vencido. La más "
        "antigua, INV-1003-01, lleva 56 días de atraso. $200.00 está en espera mientras se "
        "revisa una disputa."
    ]


def test_the_spanish_invoice_list_names_spanish_months() -> None:
    asked = tracker(text="which invoices are open", intent="check_balance", slots=SPANISH)
    outcome = run(ActionCheckBalance(), asked)
    assert outcome.text.endswith(
        "Sus facturas abiertas:\n"
        "INV-1003-01, vence el 30 sep: $500.00\n"
        "INV-1003-04, vence el 15 oct: $200.00 (en disputa, en espera)\n"
        "INV-1003-02, vence el 31 oct: $450.00\n"
        "INV-1003-03, vence el 30 nov: $300.00"
    )


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        (ActionGreet(), "Hola, soy el asistente virtual de"),
        (ActionAskWho(), "Para proteger su privacidad"),
        (ActionRequestHuman(), "Un gestor le responderá en un día hábil."),
        (ActionOptOut(), "Ya no recibirá mensajes automáticos nuestros aquí."),
    ],
)
def test_the_bot_s_own_texts_are_in_spanish(action: Action, fragment: str) -> None:
    outcome = run(action, tracker(text="hola", slots=SPANISH))
    assert fragment in outcome.text


@pytest.mark.parametrize(("action", "kind", "text", "entities"), GATED)
def test_an_unverified_spanish_request_says_nothing_about_the_account(
    action: Action, kind: str, text: str, entities: dict[str, str]
) -> None:
    outcome = run(action, tracker("unverified", text=text, entities=entities, slots=SPANISH))
    assert not any(_ACCOUNT_DATA.search(message) for message in outcome.messages)


def test_a_spanish_promise_is_read_back_in_spanish() -> None:
    said = tracker(slots={**SPANISH, "ptp_amount": "300.00", "ptp_date": "2026-12-04"})
    outcome = run(ActionAskPtpConfirmed(), said)
    assert outcome.messages == [
        "Pagará $300.00 el viernes 4 de dic. Responda SÍ para confirmar o NO para cambiarlo."
    ]


def test_a_spanish_promise_is_recorded_in_spanish(services: FakeServices) -> None:
    said = tracker(
        slots={**SPANISH, "ptp_amount": "300.00", "ptp_date": "2026-12-04", "ptp_confirmed": True}
    )
    outcome = run(ActionRecordPromise(), said)
    assert outcome.messages[0].startswith(
        "Gracias. Su promesa de pagar $300.00 el viernes 4 de dic queda registrada."
    )


def test_a_spanish_plan_is_read_back_in_spanish() -> None:
    said = tracker(slots={**SPANISH, "plan_offer": _offer_json(months=6)})
    outcome = run(ActionAskPlanConfirmed(), said)
    assert outcome.messages == [
        "Este es su plan: $125.00 de pago inicial el miércoles 25 de nov, y después 6 pagos "
        "mensuales: $187.50 el 25 dic, 25 ene, 25 feb, 25 mar, 25 abr y 25 may. Total "
        "$1,250.00. Responda SÍ para acordarlo o NO para cambiarlo."
    ]


def test_a_spanish_counteroffer_says_why_in_spanish() -> None:
    said = tracker(slots={**SPANISH, "plan_offer": _offer_json(months=10)})
    outcome = run(ActionAskPlanConfirmed(), said)
    assert outcome.text.startswith(
        "No puedo hacer exactamente eso porque los planes duran como máximo 6 meses."
    )


def test_the_way_out_of_a_stuck_question_is_offered_with_spanish_buttons() -> None:
    stuck = tracker(
        "unverified",
        text="mmm",
        intent="nlu_fallback",
        form="verification_form",
        requested="verify_account",
        slots={**SPANISH, "form_misses": "verify_account:1"},
    )
    outcome = run(ValidateVerificationForm(), stuck)
    assert outcome.messages[0].startswith("Lo siento, sigo sin entenderle.")
    assert [b["title"] for b in outcome.buttons] == ["Hablar con una persona", "Cancelar"]
    assert [b["payload"] for b in outcome.buttons] == ["/request_human", "/deny"]
