"""Properties of every reminder decision, over generated accounts and instants."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.contact_windows import frequency_decision, local_date, window_decision
from bot.policy.reminder_cadence import DUNNING_OFFSETS, dunning_target
from bot.policy.reminders import (
    HOLD_REASONS,
    KINDS,
    AccountState,
    Decision,
    Reach,
    candidates,
    decide,
)
from bot.policy.rules import DEFAULT_POLICY
from tests.policy.reminder_accounts import (
    DUE,
    account,
    broken,
    defaulted,
    installment,
    invoice,
    promise,
)

START = datetime(2026, 5, 1, tzinfo=timezone.utc)
ZONES = st.sampled_from(
    [
        None,
        ZoneInfo("America/New_York"),
        ZoneInfo("America/Los_Angeles"),
        ZoneInfo("Pacific/Honolulu"),
        ZoneInfo("Europe/London"),
        ZoneInfo("Asia/Tokyo"),
    ]
)
NOW = st.integers(0, 120 * 24 * 60).map(lambda minutes: START + timedelta(minutes=minutes))
DAY = st.integers(-40, 80).map(lambda days: DUE + timedelta(days=days))
# Every target the generated accounts can have, so sent_targets hits real steps.
TARGETS = (
    [("dunning", dunning_target(number, o)) for number in ("A", "B") for o in DUNNING_OFFSETS]
    + [("ptp_reminder", f"promise:5:{step}") for step in ("eve", "day")]
    + [("installment_reminder", f"installment:9:{step}") for step in ("-3", "0")]
    + [("broken_promise", "promise:4"), ("plan_default", "plan:3")]
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[AccountState, datetime]:
    """An account with a bit of everything, and an instant to decide at."""
    now = draw(NOW)
    invoices = tuple(
        invoice(number, draw(DAY), disputed=draw(st.booleans()))
        for number in ("A", "B")
        if draw(st.booleans())
    )
    plan = draw(st.booleans())
    reach = Reach(
        sms=draw(st.sampled_from([None, "+12125550123"])),
        telegram=draw(st.sampled_from([None, "555001"])),
        sms_consent=draw(st.booleans()),
        sms_opt_out=draw(st.booleans()),
        telegram_opt_out=draw(st.booleans()),
        cease=draw(st.integers(0, 9)) == 0,
    )
    sent = frozenset(draw(st.lists(st.sampled_from(TARGETS), max_size=6)))
    sends = draw(st.lists(st.integers(1, 8 * 24 * 60), max_size=4))
    state = account(
        zone=draw(ZONES),
        invoices=invoices,
        promise=draw(st.none() | DAY.map(promise)),
        plan_active=plan,
        plan_in_good_standing=plan and draw(st.booleans()),
        installments=(installment(draw(DAY)),) if plan else (),
        notices=tuple(draw(st.lists(st.sampled_from([broken(), defaulted()]), unique=True))),
        reach=reach,
        open_escalation=draw(st.integers(0, 4)) == 0,
        escalation_reasons=frozenset(
            draw(st.lists(st.sampled_from(["broken_promises", "plan_default", "dispute"])))
        ),
        sent_targets=sent,
        sent_today=frozenset(draw(st.lists(st.sampled_from(sorted(sent)))) if sent else ()),
        recent_sends=tuple(now - timedelta(minutes=minutes) for minutes in sends),
    )
    return state, now


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_every_decision_is_well_formed(scenario: tuple[AccountState, datetime]) -> None:
    state, now = scenario
    decision = decide(state, now, DEFAULT_POLICY)
    assert decide(state, now, DEFAULT_POLICY) == decision  # deterministic
    if decision is None:
        return
    assert decision.kind in KINDS
    assert decision.held == (decision.reason is not None)
    assert decision.reason is None or decision.reason in HOLD_REASONS
    assert decision.send_at >= now
    assert decision.local_date == local_date(now, state.zone)
    assert decision.key == (
        f"{state.account_id}:{decision.kind}:{decision.target}:{decision.local_date.isoformat()}"
    )


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_a_decision_sent_now_is_allowed_by_every_rule(
    scenario: tuple[AccountState, datetime],
) -> None:
    state, now = scenario
    decision = decide(state, now, DEFAULT_POLICY)
    if decision is None or decision.held:
        return
    assert decision.send_at == now
    assert window_decision(now, state.zone, DEFAULT_POLICY).allowed
    assert frequency_decision(state.recent_sends, now, state.zone, DEFAULT_POLICY).allowed
    assert (decision.kind, decision.target) not in state.sent_targets
    assert decision.channel is not None
    assert not state.reach.cease
    if decision.kind == "dunning":
        assert not any(i.disputed for i in state.invoices if decision.target.startswith(i.number))


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_a_deferred_decision_may_go_at_its_send_at(scenario: tuple[AccountState, datetime]) -> None:
    state, now = scenario
    decision = decide(state, now, DEFAULT_POLICY)
    if decision is None or decision.reason not in ("quiet_hours", "frequency_cap"):
        return
    assert decision.send_at > now
    later = decision.send_at
    assert window_decision(later, state.zone, DEFAULT_POLICY).allowed
    assert frequency_decision(state.recent_sends, later, state.zone, DEFAULT_POLICY).allowed


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_once_a_message_is_sent_nothing_else_goes_that_day(
    scenario: tuple[AccountState, datetime],
) -> None:
    state, now = scenario
    first = decide(state, now, DEFAULT_POLICY)
    if first is None or first.held:
        return
    pair = (first.kind, first.target)
    after = replace(
        state,
        recent_sends=(*state.recent_sends, now),
        sent_targets=state.sent_targets | {pair},
        sent_today=state.sent_today | {pair},
    )
    for minutes in (0, 1, 90):
        moment = now + timedelta(minutes=minutes)
        again = decide(after, moment, DEFAULT_POLICY)
        if local_date(moment, state.zone) == first.local_date:
            assert again is None or again.held


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_the_most_urgent_due_step_is_the_one_decided(
    scenario: tuple[AccountState, datetime],
) -> None:
    state, now = scenario
    decision = decide(state, now, DEFAULT_POLICY)
    due = [
        c
        for c in candidates(state, local_date(now, state.zone))
        if c.pair not in state.sent_targets
    ]
    if due:
        assert isinstance(decision, Decision)
        assert (decision.kind, decision.target) == due[0].pair
    notices = [n for n in state.notices if (n.kind, n.target) not in state.sent_targets]
    if notices:
        assert decision is not None
        assert decision.kind in ("broken_promise", "plan_default")
