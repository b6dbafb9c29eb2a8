"""Pure insight rules (SPEC §13): months, the forecast's arithmetic, the summary's intents."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.policy import forecast as model
from bot.policy.handoff_summary import (
    AccountFacts,
    CustomerMessage,
    SummaryFacts,
    compose,
    intents_in_order,
)
from bot.policy.insight import month_end, parse_month, previous_months

AS_OF = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_a_month_runs_from_its_first_to_its_last_day(text: str, first: date, last: date) -> None:
    assert (parse_month(text), month_end(parse_month(text))) == (first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-01", "2026-1", "november"])
def test_a_malformed_month_is_refused_by_name(text: str) -> None:
    with pytest.raises(ValueError, match="^month: "):
        parse_month(text)


def test_previous_months_end_with_the_month_asked_for() -> None:
    assert previous_months(date(2026, 2, 1), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


@pytest.mark.parametrize(
    ("due", "day", "age"),
    [
        (date(2026, 12, 7), date(2026, 12, 7), 0),
        (date(2026, 12, 7), date(2026, 12, 13), 0),
        (date(2026, 12, 7), date(2026, 12, 14), 1),
        (date(2026, 12, 8), date(2026, 12, 7), -1),
        (date(2027, 6, 1), date(2026, 12, 7), model.EARLIEST_CLASS),
        (date(2020, 1, 1), date(2026, 12, 7), model.LATEST_CLASS),
    ],
)
def test_the_age_class_is_whole_weeks_past_due_clamped(due: date, day: date, age: int) -> None:
    assert model.age_class(due, day) == age


def test_a_class_rate_is_what_was_received_over_what_was_open() -> None:
    start = date(2026, 11, 30)
    exposure = {start: {date(2026, 11, 16): Decimal("400"), date(2026, 11, 23): Decimal("100")}}
    receipts = [
        (date(2026, 11, 16), date(2026, 12, 2), Decimal("100")),  # class 2
        (date(2026, 11, 23), date(2026, 12, 7), Decimal("50")),  # the next week: not counted
    ]
    assert model.collection_rates(exposure, receipts) == {2: Decimal("0.25"), 1: Decimal(0)}


def test_the_projection_collects_the_rest_as_it_ages() -> None:
    rates = {0: Decimal("0.5"), 1: Decimal("0.5")}
    weeks = model.project(AS_OF, {AS_OF: Decimal("100")}, rates)
    assert weeks[:3] == [Decimal("50"), Decimal("25"), Decimal(0)]


def test_commitments_outside_the_13_weeks_count_in_none() -> None:
    promises = [(AS_OF - timedelta(days=1), Decimal("10")), (date(2027, 3, 8), Decimal(5))]
    weeks = model.committed_weeks(AS_OF, promises, [], model.Outcomes(0, 0), model.Outcomes(0, 0))
    assert weeks == [Decimal("0.00")] * 13


@pytest.mark.parametrize(
    ("texts", "intents"),
    [
        (["how much do I owe?"], ["check_balance"]),
        (["I can pay $50 on Friday"], ["promise_to_pay"]),
        (["the tiles arrived cracked"], ["dispute"]),
        (["stop texting me", "STOP"], ["cease_contact", "opt_out"]),
        (["I want a real person", "a person!!"], ["request_human"]),
        (["I already paid it last week"], ["claim_paid"]),
        (["send me the link"], ["pay_now"]),
        (["ok"], []),
        (["¿Cuánto le debo?"], ["check_balance"]),
        (["ya pague la semana pasada"], ["claim_paid"]),
        (["le pago el viernes"], ["promise_to_pay"]),
        (["la factura esta equivocada"], ["dispute"]),
        (["perdí mi trabajo"], ["hardship"]),
        (["dejen de escribirme", "PARAR"], ["cease_contact", "opt_out"]),
        (["quiero hablar con una persona"], ["request_human"]),
        (["hola", "gracias"], []),
    ],
)
def test_intents_are_read_in_order_without_repeats(texts: list[str], intents: list[str]) -> None:
    assert intents_in_order(texts) == intents


def test_an_unverified_summary_drops_every_account_fact_even_when_read() -> None:
    facts = SummaryFacts(
        reason="hardship",
        verified=False,
        account_facts_allowed=False,
        messages=(CustomerMessage(datetime(2026, 12, 7, tzinfo=timezone.utc), "I was laid off"),),
        account=AccountFacts("A-1", Decimal("900"), Decimal("300"), (Decimal("50"), AS_OF)),
    )
    doc = compose(facts)
    assert (doc["balance"], doc["past_due"], doc["pending_promise"], doc["account_number"]) == (
        None,
        None,
        None,
        None,
    )
    assert doc["hardship"] is True
    assert doc["line"] == 'hardship; not verified; hardship; last: "I was laid off"'


def test_the_dialogue_engines_intents_win_over_the_patterns_but_not_the_words_flags() -> None:
    facts = SummaryFacts(
        reason="fallback",
        verified=False,
        account_facts_allowed=False,
        messages=(CustomerMessage(datetime(2026, 12, 7, tzinfo=timezone.utc), "mi abogado"),),
        dialogue_intents=("out_of_scope", "out_of_scope", "greet"),
    )
    doc = compose(facts)
    assert doc["intents"] == ["out_of_scope", "greet"]
    assert doc["legal_threat"] is True
