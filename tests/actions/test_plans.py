"""Payment plan: the request, the offer or counteroffer read back, recorded after yes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.plans import (
    ActionAskPlanConfirmed,
    ActionRecordPlan,
    ActionStartPlan,
    ValidatePlanForm,
    offer_from_json,
    offer_to_json,
    plan_request,
)
from bot.policy.plans import offer_plan
from bot.policy.rules import DEFAULT_POLICY
from tests.actions.conftest import run, tracker
from tests.actions.fakes import TODAY, Balance, FakeServices, Plan

FORM = "plan_form"
RESET = [
    SlotSet("plan_request", None),
    SlotSet("plan_offer", None),
    SlotSet("plan_confirmed", None),
]


def _offer_json(total: str = "1250.00", **kwargs: Any) -> str:
    return offer_to_json(offer_plan(Decimal(total), TODAY, DEFAULT_POLICY, **kwargs))


@pytest.mark.parametrize(
    ("installments", "amount", "text", "expected"),
    [
        ("6", None, "", "months:6"),
        ("six", None, "", "months:6"),
        (None, "$200", "", "amount:200.00"),
        ("6", "$100", "", "months:6"),
        (None, None, "6 months", "months:6"),
        (None, None, "ten", "months:10"),
        (None, None, "$200 a month", "amount:200.00"),
        (None, None, "150 per month", "amount:150.00"),
        (None, None, "200", "amount:200.00"),
        (None, None, "i can do 75 monthly", "amount:75.00"),
        (None, None, "what?", None),
        (None, None, "", None),
    ],
)
def test_plan_request(
    installments: str | None, amount: str | None, text: str, expected: str | None
) -> None:
    assert plan_request(installments, amount, text) == expected


def test_offer_survives_the_slot() -> None:
    offer = offer_plan(Decimal("1250.00"), TODAY, DEFAULT_POLICY, months=10)

    assert offer_from_json(offer_to_json(offer)) == offer


def test_start_checks_a_plan_is_possible_and_keeps_the_months_asked(
    services: FakeServices,
) -> None:
    outcome = run(
        ActionStartPlan(), tracker(text="can i pay over 6 months", entities={"installments": "6"})
    )

    assert services.calls.names == ["plan_offer"]
    assert outcome.flow_events == [
        SlotSet("plan_request", "months:6"),
        SlotSet("plan_offer", None),
        SlotSet("plan_confirmed", None),
        FollowupAction("plan_form"),
    ]


def test_small_balance_gets_no_plan_form(services: FakeServices) -> None:
    services.plan_available = False

    outcome = run(ActionStartPlan(), tracker(text="can i pay in installments"))

    assert outcome.messages == [
        "A payment plan needs a balance of at least $100.00, so I can't set one up for this "
        "account. You can promise a payment instead, for example: $50 on Friday."
    ]
    assert outcome.flow_events == RESET


def test_months_become_an_offer(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="6 months", form=FORM, requested="plan_request", entities={"installments": "6"}
        ),
    )

    assert services.calls.of("plan_offer") == [(("A-1003",), {"months": 6, "monthly_amount": None})]
    slots = outcome.slots()
    assert slots["plan_request"] == "months:6"
    assert json.loads(slots["plan_offer"])["monthly_amount"] == "187.50"
    assert slots["plan_confirmed"] is None


def test_amount_per_month_becomes_an_offer(services: FakeServices) -> None:
    run(
        ValidatePlanForm(),
        tracker(text="$200 a month", form=FORM, requested="plan_request"),
    )

    assert services.calls.of("plan_offer") == [
        (("A-1003",), {"months": None, "monthly_amount": Decimal("200.00")})
    ]


def test_unreadable_request_is_asked_again(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="dunno", form=FORM, requested="plan_request", candidates={"plan_request": "dunno"}
        ),
    )

    assert outcome.flow_slots() == {"plan_request": None, "plan_offer": None}
    assert services.calls.made == []


def test_plan_not_available_ends_the_form(services: FakeServices) -> None:
    services.plan_available = False

    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="6 months", form=FORM, requested="plan_request", entities={"installments": "6"}
        ),
    )

    assert outcome.flow_slots() == {
        "plan_request": None,
        "plan_offer": None,
        "requested_slot": None,
    }
    assert "at least $100.00" in outcome.text


def test_offer_is_read_back_with_its_installments() -> None:
    outcome = run(ActionAskPlanConfirmed(), tracker(slots={"plan_offer": _offer_json(months=6)}))

    assert outcome.messages == [
        "Here's your plan: $125.00 down on Wednesday, Nov 25, then 6 monthly payments: "
        "$187.50 on Dec 25, Jan 25, Feb 25, Mar 25, Apr 25 and May 25. Total $1,250.00. "
        "Reply YES to set it up or NO to change it."
    ]


def test_counteroffer_says_why_it_differs() -> None:
    outcome = run(ActionAskPlanConfirmed(), tracker(slots={"plan_offer": _offer_json(months=10)}))

    assert outcome.text.startswith(
        "I can't do exactly that because plans run for at most 6 months. "
        "The closest plan I can offer: $125.00 down"
    )


def test_counteroffer_for_a_small_installment_quotes_the_minimum() -> None:
    outcome = run(
        ActionAskPlanConfirmed(), tracker(slots={"plan_offer": _offer_json("130.00", months=6)})
    )

    assert "each monthly payment has to be at least $25.00" in outcome.text
    assert "4 monthly payments: $29.25 on Dec 25, Jan 25, Feb 25 and Mar 25" in outcome.text


def test_plan_above_the_approval_limit_says_a_collector_reviews_it() -> None:
    outcome = run(
        ActionAskPlanConfirmed(), tracker(slots={"plan_offer": _offer_json("12000.00", months=3)})
    )

    assert (
        "Because the balance is over $10,000.00, a collector will review the plan before it "
        "starts." in outcome.text
    )


def test_accepted_plan_is_recorded(services: FakeServices) -> None:
    offer = _offer_json(months=6)

    outcome = run(
        ActionRecordPlan(),
        tracker(text="yes", intent="affirm", slots={"plan_offer": offer, "plan_confirmed": True}),
    )

    ((args, kwargs),) = services.calls.of("record_plan")
    assert args == ("A-1003", offer_from_json(offer))
    assert kwargs == {"channel": "sms"}
    assert outcome.messages == [
        "Done, your payment plan is set up. The first payment of $125.00 is due Wednesday, Nov 25."
    ]
    assert outcome.flow_events == RESET


def test_plan_needing_approval_is_recorded_as_a_request(services: FakeServices) -> None:
    services.balance = Balance(collectible=Decimal("12000.00"))
    services.plan_record = Plan(8, "pending_approval", needs_approval=True, escalation_id=3)

    outcome = run(
        ActionRecordPlan(),
        tracker(slots={"plan_offer": _offer_json("12000.00", months=3), "plan_confirmed": True}),
    )

    assert outcome.messages == [
        "Thanks. Your plan request is in: a collector will review it and reply within one "
        "business day."
    ]


def test_declined_plan_is_not_recorded(services: FakeServices) -> None:
    outcome = run(
        ActionRecordPlan(),
        tracker(
            text="no", intent="deny", slots={"plan_offer": _offer_json(), "plan_confirmed": False}
        ),
    )

    assert services.calls.of("record_plan") == []
    assert outcome.messages[0].startswith("OK, no plan was set up.")
    assert outcome.flow_events == RESET


def test_form_ended_without_an_offer_records_and_says_nothing(services: FakeServices) -> None:
    outcome = run(ActionRecordPlan(), tracker(slots={"plan_confirmed": True}))

    assert services.calls.made == []
    assert outcome.messages == []
    assert outcome.flow_events == RESET


def test_a_refused_counteroffer_asks_for_another_proposal() -> None:
    counteroffer = _offer_json(months=12)
    assert json.loads(counteroffer)["counteroffer"]
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="no",
            intent="deny",
            form=FORM,
            requested="plan_confirmed",
            slots={"plan_request": "months:12", "plan_offer": counteroffer},
            candidates={"plan_confirmed": False},
        ),
    )

    assert outcome.flow_slots() == {
        "plan_request": None,
        "plan_offer": None,
        "plan_confirmed": None,
    }
    assert outcome.messages == ["OK, let's find a plan that works for you instead."]


def test_a_refused_plan_that_was_asked_for_stays_refused() -> None:
    asked = _offer_json(months=3)
    assert not json.loads(asked)["counteroffer"]
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="no",
            intent="deny",
            form=FORM,
            requested="plan_confirmed",
            slots={"plan_request": "months:3", "plan_offer": asked},
            candidates={"plan_confirmed": False},
        ),
    )

    assert outcome.slots()["plan_confirmed"] is False


def test_no_instead_of_a_proposal_ends_the_form_unrecorded(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(text="no", intent="deny", form=FORM, requested="plan_request"),
    )

    slots = outcome.slots()
    assert (slots["plan_request"], slots["plan_confirmed"]) == ("declined", False)
    assert slots["plan_offer"] is None
    assert services.calls.of("plan_offer") == []


def test_an_unreadable_request_says_so_once(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="dunno", form=FORM, requested="plan_request", candidates={"plan_request": "dunno"}
        ),
    )

    assert outcome.messages == ["Sorry, I didn't catch a number of months or an amount per month."]


def test_starting_the_form_without_a_proposal_says_nothing_extra(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(text="", form=FORM, requested="plan_request", candidates={"plan_request": None}),
    )

    assert outcome.messages == []


def test_yes_to_the_hardship_offer_asks_for_that_plan(services: FakeServices) -> None:
    outcome = run(
        ActionStartPlan(),
        tracker(
            text="yes", intent="affirm", events=[{"event": "action", "name": "action_hardship"}]
        ),
    )

    assert outcome.slots()["plan_request"] == "lowest"


def test_the_lowest_request_becomes_the_most_generous_offer(services: FakeServices) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(form=FORM, requested="plan_request", candidates={"plan_request": "lowest"}),
    )

    assert services.calls.of("plan_offer") == [
        (("A-1003",), {"months": None, "monthly_amount": None})
    ]
    offer = offer_from_json(outcome.slots()["plan_offer"])
    assert offer == offer_plan(Decimal("1250.00"), TODAY, DEFAULT_POLICY)
    assert offer is not None
    assert not offer.counteroffer
