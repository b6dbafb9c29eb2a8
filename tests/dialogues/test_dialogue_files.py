"""The dialogue files: enough of them, every persona and flow, no shared state, valid fixtures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.demo.portfolio import ACCOUNTS as DEMO_ACCOUNTS
from bot.imports.loader import import_file
from tests.cli.runner import NOW
from tests.dialogues.dialogue import PERSONAS, Dialogue, load_set
from tests.dialogues.play import write_csv

MIN_DIALOGUES = {"tuning": 60, "holdout": 30}
#: SPEC §5 flows every set must exercise (the ``flow`` tags of its files)
CORE_FLOWS = {
    "balance", "promise_to_pay", "payment_plan", "dispute", "claim_paid", "hardship", "human",
    "opt_out", "cease_contact", "verification", "verification_lock", "sender_not_on_file",
    "disclosure", "pay_now", "fallback", "refusal_choice", "relative_amount", "follow_up",
    "complaint", "ask_who",
}  # fmt: skip
#: flows the tuning set covers beyond the core ones
TUNING_FLOWS = CORE_FLOWS | {
    "plan_approval", "counteroffer", "promise_replaced", "opt_in", "help", "bot_challenge",
    "form_interruption", "change_of_mind",
}  # fmt: skip

SETS = {name: load_set(name, datetime.fromisoformat(NOW)) for name in MIN_DIALOGUES}
ALL = [d for dialogues in SETS.values() for d in dialogues]


@pytest.mark.parametrize("set_name", list(MIN_DIALOGUES))
def test_each_set_has_its_minimum_number_of_dialogues(set_name: str) -> None:
    assert len(SETS[set_name]) >= MIN_DIALOGUES[set_name]


@pytest.mark.parametrize("set_name", list(MIN_DIALOGUES))
def test_the_personas_are_spread_evenly(set_name: str) -> None:
    counts = Counter(d.persona for d in SETS[set_name])
    assert set(counts) == set(PERSONAS)
    assert max(counts.values()) - min(counts.values()) <= 1, counts


@pytest.mark.parametrize(("set_name", "flows"), [("tuning", TUNING_FLOWS), ("holdout", CORE_FLOWS)])
def test_each_set_covers_the_flows_of_spec_section_5(set_name: str, flows: set[str]) -> None:
    covered = {flow for d in SETS[set_name] for flow in d.flow}
    assert flows - covered == set()


def test_no_two_dialogues_share_an_account_a_phone_an_invoice_or_a_payment() -> None:
    keys = Counter[str]()
    for d in ALL:
        keys.update({f"account {d.account_number}", f"sender {d.sender}"})
        keys.update({f"phone {d.customer['phone']}"} - {f"phone {d.sender}"})
        keys.update(f"invoice {i['invoice_number']}" for i in d.invoices)
        keys.update(f"payment {p['payment_id']}" for p in d.payments)
    assert [key for key, n in keys.items() if n > 1] == []


def test_no_dialogue_uses_a_demo_account_or_phone() -> None:
    demo = {a.number for a in DEMO_ACCOUNTS} | {a.phone for a in DEMO_ACCOUNTS if a.phone}
    used = {d.account_number for d in ALL} | {d.sender for d in ALL}
    assert used & demo == set()


def test_no_dialogue_file_looks_like_rasa_stories_to_rasa_test_core() -> None:
    """``rasa test core --stories tests/`` reads any YAML file with a line starting with
    ``stories:`` or ``rules:`` (after blanks) as test stories."""
    root = Path(__file__).parent
    lines = [
        f"{path.name}: {line.strip()}"
        for path in sorted(root.glob("*/*.yml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("stories:", "rules:"))
    ]
    assert lines == []


def test_dialogue_names_are_unique_across_the_sets() -> None:
    assert len({d.name for d in ALL}) == len(ALL)


def test_every_expected_promise_is_within_spec_policy() -> None:
    """A dialogue may not expect the bot to record what SPEC §5 forbids."""
    wrong = [d.name for d in ALL if d.expect.promise and not _promise_allowed(d)]
    assert wrong == []


def test_every_expected_plan_is_within_spec_policy() -> None:
    """At most 6 months on the whole balance (at least 100); above 10,000 it awaits approval."""
    wrong = []
    for d in ALL:
        plan = d.expect.plan
        if plan is None:
            continue
        balance, _ = _balances(d)
        approval = "pending_approval" if balance > 10_000 else "active"
        if (
            max(plan["months"]) > 6
            or balance < 100
            or Decimal(plan.get("total", balance)) != balance
            or plan["status"] != approval
        ):
            wrong.append(d.name)
    assert wrong == []


def test_every_fixture_imports_through_the_import_code(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.fromisoformat(NOW)
    for d in ALL:
        for kind, rows in (("customers", [d.customer]), ("invoices", d.invoices)):
            _import(sessions, tmp_path / f"{d.name}-{kind}.csv", kind, rows, now)
        if d.payments:
            _import(sessions, tmp_path / f"{d.name}-payments.csv", "payments", d.payments, now)


def _import(
    sessions: sessionmaker[Session],
    path: Path,
    kind: str,
    rows: Sequence[Mapping[str, str]],
    now: datetime,
) -> None:
    write_csv(path, kind, rows)
    with sessions() as session:
        report = import_file(session, kind, path, now=now)
    assert report.errors == (), report.errors


def _balances(d: Dialogue) -> tuple[Decimal, Decimal]:
    """The fixture's balance and past-due amount, payments applied oldest-due first."""
    paid = sum((Decimal(p["amount"]) for p in d.payments), Decimal(0))
    balance, past_due = Decimal(0), Decimal(0)
    for invoice in sorted(d.invoices, key=lambda i: i["due_date"]):
        applied = min(paid, Decimal(invoice["amount"]))
        paid -= applied
        open_amount = Decimal(invoice["amount"]) - applied
        balance += open_amount
        if date.fromisoformat(invoice["due_date"]) < d.today:
            past_due += open_amount
    return balance, past_due


def _promise_allowed(d: Dialogue) -> bool:
    """Amount within 25 % of the past due and the collectible balance; date within 14 days."""
    promise = d.expect.promise
    assert promise is not None
    assert not d.expect.disputes, "a promise dialogue with a dispute needs its own check"
    balance, past_due = _balances(d)
    amount = Decimal(promise["amount"])
    days = [(date.fromisoformat(day) - d.today).days for day in promise["due_dates"]]
    return past_due / 4 <= amount <= balance and all(0 <= n <= 14 for n in days)
