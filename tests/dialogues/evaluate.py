"""Judges one played dialogue: from the account's ``arbot show --json`` document and the replies.

**Completed**: every expectation holds. **Contained**: no escalation was opened that the
customer did not ask for (the reasons the dialogue lists under ``escalations`` and
``may_escalate``; ``fallback`` and ``verification_failed`` count against containment unless
the dialogue is written to end that way).

Escalations are those of the account (``arbot show``) and those opened for the sender but
linked to no account (an unverified sender's request for a person, two fallbacks): both
count for containment, and both satisfy an expected escalation — except
``verification_failed``, which SPEC §5 links to the named account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tests.dialogues.dialogue import Dialogue, Expected, Fact
from tests.dialogues.mentions import amount_pattern, date_pattern, text_pattern


@dataclass(frozen=True)
class Turn:
    """One customer message and what came back.

    Attributes:
        message: what the customer sent.
        replies: the bot's answers, one text each (button titles appended).
        error: why the gateway gave no answer (HTTP status, timeout), or None.
    """

    message: str
    replies: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The verdict on one dialogue."""

    dialogue: Dialogue
    turns: tuple[Turn, ...]
    state: Mapping[str, Any] | None
    failures: tuple[str, ...]
    unasked: tuple[str, ...]
    unlinked: tuple[str, ...] = ()

    @property
    def completed(self) -> bool:
        return not self.failures

    @property
    def contained(self) -> bool:
        return not self.unasked

    @property
    def first_failure(self) -> str:
        return self.failures[0] if self.failures else ""


#: an expected escalation that only counts when it is linked to the account
LINKED_ONLY = frozenset({"verification_failed"})


def judge(
    dialogue: Dialogue,
    turns: Sequence[Turn],
    state: Mapping[str, Any] | None,
    unlinked: Sequence[str] = (),
) -> Outcome:
    """Every expectation of ``dialogue`` checked against what it left; all failures listed.

    Args:
        dialogue: the script and its expectations.
        turns: what was sent and answered.
        state: the account's ``arbot show --json`` document after the dialogue (None: gone).
        unlinked: reasons of the escalations opened for the sender and not for the account.
    """
    failures = [f"turn {n}: no answer ({t.error})" for n, t in enumerate(turns, 1) if t.error]
    if state is None:
        failures.append(f"account {dialogue.account_number} not found after the dialogue")
        return Outcome(dialogue, tuple(turns), None, tuple(failures), (), tuple(unlinked))
    expect = dialogue.expect
    linked = [e["reason"] for e in state["escalations"]]
    reasons = sorted([*linked, *unlinked])
    unasked = tuple(r for r in reasons if r not in expect.allowed_escalations)
    failures += _promise(expect, state)
    failures += _plan(expect, state)
    failures += _disputes(expect, state)
    failures += _escalations(expect, linked, unlinked, unasked, dialogue.account_number)
    failures += _contact(expect, state)
    failures += _mentions(expect, turns, state, dialogue.today)
    return Outcome(dialogue, tuple(turns), state, tuple(failures), unasked, tuple(unlinked))


def _promise(expect: Expected, state: Mapping[str, Any]) -> list[str]:
    pending = [p for p in state["promises"] if p["status"] == "pending"]
    found = ", ".join(f"{p['amount']} by {p['due_date']}" for p in pending) or "none"
    wanted = expect.promise
    if wanted is None:
        return [f"no pending promise expected, found {found}"] if pending else []
    if len(pending) != 1:
        return [f"one pending promise of {wanted['amount']} expected, found {found}"]
    promise = pending[0]
    if Decimal(promise["amount"]) != Decimal(wanted["amount"]):
        return [f"promise amount {wanted['amount']} expected, found {found}"]
    if promise["due_date"] not in wanted["due_dates"]:
        return [f"promise date {' or '.join(wanted['due_dates'])} expected, found {found}"]
    return []


def plan_months(plan: Mapping[str, Any]) -> int:
    """Monthly installments after the down payment, which ``installments`` lists first."""
    return max(len(plan["installments"]) - 1, 0)


def _plan(expect: Expected, state: Mapping[str, Any]) -> list[str]:
    plans = [p for p in state["plans"] if p["status"] != "cancelled"]
    found = ", ".join(f"{p['status']} {plan_months(p)} months {p['total']}" for p in plans)
    wanted = expect.plan
    if wanted is None:
        return [f"no plan expected, found {found}"] if plans else []
    if len(plans) != 1:
        return [f"one {wanted['status']} plan expected, found {found or 'none'}"]
    plan = plans[0]
    if plan["status"] != wanted["status"]:
        return [f"plan status {wanted['status']} expected, found {found}"]
    if plan_months(plan) not in wanted["months"]:
        months = " or ".join(map(str, wanted["months"]))
        return [f"plan of {months} monthly installments expected, found {found}"]
    if "total" in wanted and Decimal(plan["total"]) != Decimal(wanted["total"]):
        return [f"plan total {wanted['total']} expected, found {found}"]
    return []


def _disputes(expect: Expected, state: Mapping[str, Any]) -> list[str]:
    open_ = {d["invoice_number"]: d["reason"] for d in state["disputes"] if d["status"] == "open"}
    failures = []
    for wanted in expect.disputes:
        reason = open_.pop(wanted["invoice_number"], None)
        if reason is None:
            failures.append(f"open dispute on {wanted['invoice_number']} expected, none found")
        elif reason not in wanted["reasons"]:
            reasons = " or ".join(wanted["reasons"])
            failures.append(f"dispute on {wanted['invoice_number']}: {reasons} expected, {reason}")
    failures += [f"unexpected open dispute on {number} ({why})" for number, why in open_.items()]
    return failures


def _escalations(
    expect: Expected,
    linked: Sequence[str],
    unlinked: Sequence[str],
    unasked: tuple[str, ...],
    account: str,
) -> list[str]:
    found = ", ".join([*linked, *(f"{r} (sender only)" for r in unlinked)]) or "none"
    failures = []
    for group in expect.escalations:
        if group.intersection(linked) or group.intersection(unlinked) - LINKED_ONLY:
            continue
        wanted = " or ".join(sorted(group))
        if group.intersection(unlinked):
            failures.append(f"escalation {wanted} opened but not linked to account {account}")
        else:
            failures.append(f"escalation {wanted} expected, found {found}")
    failures += [f"escalation {r} not asked for" for r in unasked]
    return failures


def _contact(expect: Expected, state: Mapping[str, Any]) -> list[str]:
    contact = state["contact"]
    return [
        f"contact {flag}={str(wanted).lower()} expected, found {str(contact.get(flag)).lower()}"
        for flag, wanted in expect.contact.items()
        if bool(contact.get(flag)) != wanted
    ]


def _mentions(
    expect: Expected, turns: Sequence[Turn], state: Mapping[str, Any], dialogue_today: date
) -> list[str]:
    failures = []
    for fact in expect.says:
        concrete = _concrete(fact, state)
        if concrete is None:
            failures.append(f"says {fact.describe()}: nothing in the state to mention")
        elif not _mentioned(concrete, turns, dialogue_today):
            failures.append(f"no reply mentions {concrete.describe()}")
    for fact in expect.never_says:
        concrete = _concrete(fact, state)
        if concrete is not None and _mentioned(concrete, turns, dialogue_today):
            failures.append(f"a reply mentions {concrete.describe()}")
    return failures


def _mentioned(fact: Fact, turns: Sequence[Turn], today: date) -> bool:
    last = fact.last_turn or len(turns)
    replies = [reply for turn in turns[fact.first_turn - 1 : last] for reply in turn.replies]
    if fact.kind == "amount":
        pattern = amount_pattern(fact.value)
    elif fact.kind == "date":
        pattern = date_pattern(date.fromisoformat(fact.value), today)
    else:
        pattern = text_pattern(fact.value)
    return any(pattern.search(reply) for reply in replies)


def _concrete(fact: Fact, state: Mapping[str, Any]) -> Fact | None:
    """A ``state`` fact turned into the amount, date or text it names; None when absent."""
    if fact.kind != "state":
        return fact
    subject, _, field = fact.value.partition(".")
    kind, value = "text", None
    if subject == "promise":
        pending = [p for p in state["promises"] if p["status"] == "pending"]
        if pending:
            kind = "amount" if field == "amount" else "date"
            value = pending[-1]["amount" if field == "amount" else "due_date"]
    elif subject == "plan":
        plans = [p for p in state["plans"] if p["status"] != "cancelled"]
        schedule = plans[-1]["installments"] if plans else []
        if field == "first_due_date" and schedule:
            kind, value = "date", schedule[0]["due_date"]
        elif field == "monthly_amount" and len(schedule) > 1:
            kind, value = "amount", schedule[1]["amount"]
        elif field == "down_payment" and plans:
            kind, value = "amount", plans[-1]["down_payment"]
    elif subject == "dispute" and state["disputes"]:
        value = state["disputes"][-1]["reference"]
    if value is None:
        return None
    return Fact(kind, str(value), fact.first_turn, fact.last_turn)
