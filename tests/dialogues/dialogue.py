"""One dialogue file: the account fixture, the customer's turns and the state they must leave.

The format is described in ``README.md``. Loading checks every key, so a typo in a file is an
error naming the file and the key, not an expectation silently skipped. Relative dates
(``today``, ``today+7``, ``today-30``) are resolved against the fixed clock in the customer's
time zone, as the bot resolves "Friday" or "the 1st".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent
SETS = ("tuning", "holdout")
PERSONAS = ("cooperative", "confused", "evasive", "distressed", "combative")
PLAN_STATUSES = ("pending_approval", "active")
DISPUTE_REASONS = (
    "wrong_amount", "not_received", "damaged", "already_paid", "not_my_debt", "other",
)  # fmt: skip
ESCALATION_REASONS = (
    "customer_request", "fallback", "cease", "verification_failed", "plan_approval",
    "broken_promises", "plan_default", "dispute", "hardship",
)  # fmt: skip
#: facts read from the state the dialogue left, resolved before the replies are searched
STATE_FACTS = (
    "promise.amount", "promise.due_date", "plan.first_due_date", "plan.monthly_amount",
    "plan.down_payment", "dispute.reference",
)  # fmt: skip
CONTACT_FLAGS = ("sms_opt_out", "telegram_opt_out", "cease")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
RELATIVE_DAY = re.compile(r"^today(?:([+-])(\d+))?$")

_TOP = {"persona", "flow", "about", "customer", "invoices", "payments", "sender", "turns", "expect"}
_EXPECT = {"promise", "plan", "disputes", "escalations", "may_escalate", "contact", "says"}
_EXPECT |= {"never_says"}
_CUSTOMER = {"account_number", "name", "postal_code", "phone", "telegram_chat_id", "email"}
_CUSTOMER |= {"timezone", "language", "consumer", "sms_consent", "credit_limit"}
_INVOICE = {"invoice_number", "issue_date", "due_date", "amount", "currency"}
_PAYMENT = {"payment_id", "received_date", "amount", "invoice_number", "method"}
_FACT_KINDS = ("amount", "date", "text", "state")
_FACT_SCOPE = ("turn", "from_turn", "to_turn")


class DialogueError(ValueError):
    """A dialogue file that does not follow the format; the message names file and key."""


@dataclass(frozen=True)
class Fact:
    """Something a bot reply must mention (``says``) or must not (``never_says``).

    Attributes:
        kind: ``amount`` (a decimal string), ``date`` (ISO), ``text`` (any case) or
            ``state`` (one of :data:`STATE_FACTS`, read from the final account state).
        value: what is looked for.
        first_turn: the first customer turn (1-based) whose replies are searched.
        last_turn: the last one, or None for the end of the dialogue.
    """

    kind: str
    value: str
    first_turn: int = 1
    last_turn: int | None = None

    def describe(self) -> str:
        scope = ""
        if self.last_turn == self.first_turn:
            scope = f" in the reply to turn {self.first_turn}"
        elif self.last_turn is not None:
            scope = f" in the replies to turns {self.first_turn}-{self.last_turn}"
        elif self.first_turn > 1:
            scope = f" in the replies from turn {self.first_turn}"
        return f"{self.kind} {self.value!r}{scope}"


@dataclass(frozen=True)
class Expected:
    """The state a dialogue must leave, and what its replies must (not) say.

    Attributes:
        promise: the one pending promise (``amount``, ``due_dates``: accepted ISO dates), or
            None: no pending promise.
        plan: the one plan not cancelled (``status``, ``months``: accepted counts of monthly
            installments after the down payment, optional ``total``), or None: no plan.
        disputes: the open disputes, exactly (``invoice_number``, ``reasons`` accepted).
        escalations: each entry is a set of reasons one of which must have been opened.
        may_escalate: reasons that may also be opened without failing the dialogue.
        contact: contact flags and their required values.
        says: facts some reply must mention.
        never_says: facts no reply may mention.
    """

    promise: Mapping[str, Any] | None
    plan: Mapping[str, Any] | None
    disputes: tuple[Mapping[str, Any], ...]
    escalations: tuple[frozenset[str], ...]
    may_escalate: frozenset[str]
    contact: Mapping[str, bool]
    says: tuple[Fact, ...]
    never_says: tuple[Fact, ...]

    @property
    def allowed_escalations(self) -> frozenset[str]:
        """The escalation reasons the customer asked for or the dialogue is designed to end in."""
        return frozenset().union(*self.escalations, self.may_escalate)


@dataclass(frozen=True)
class Dialogue:
    """One customer's conversation and its expectations, dates resolved.

    Attributes:
        name: the file name without ``.yml`` (unique across both sets).
        set_name: ``tuning`` or ``holdout``.
        persona: one of :data:`PERSONAS`.
        flow: the SPEC §5 flows it exercises.
        about: one line on what the customer does.
        customer: the customers.csv row.
        invoices: invoices.csv rows (with the account number).
        payments: payments.csv rows (with the account number).
        sender: the phone number the customer writes from.
        turns: the customer's messages, sent one by one whatever the bot answers.
        expect: what must hold at the end.
        today: the customer's local date on the fixed clock.
    """

    name: str
    set_name: str
    persona: str
    flow: tuple[str, ...]
    about: str
    customer: Mapping[str, str]
    invoices: tuple[Mapping[str, str], ...]
    payments: tuple[Mapping[str, str], ...]
    sender: str
    turns: tuple[str, ...]
    expect: Expected
    today: date

    @property
    def account_number(self) -> str:
        return self.customer["account_number"]

    @property
    def sender_on_file(self) -> bool:
        return self.sender == self.customer.get("phone")


def load_set(set_name: str, now: datetime, root: Path = ROOT) -> list[Dialogue]:
    """Every dialogue of one set, in file name order."""
    if set_name not in SETS:
        raise DialogueError(f"set: {set_name!r} is not one of {', '.join(SETS)}")
    return [load(path, now) for path in sorted((root / set_name).glob("*.yml"))]


def load(path: Path, now: datetime) -> Dialogue:
    """Reads and checks one dialogue file.

    Raises:
        DialogueError: the file does not follow the format (the message names the key).
    """
    raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    where = f"{path.parent.name}/{path.name}"
    try:
        return _dialogue(raw, path, now)
    except DialogueError as exc:
        raise DialogueError(f"{where}: {exc}") from None


def _dialogue(raw: Any, path: Path, now: datetime) -> Dialogue:
    doc = _mapping(raw, "the file", _TOP, required={"persona", "customer", "turns", "expect"})
    persona = _choice(doc["persona"], "persona", PERSONAS)
    customer = _customer(doc["customer"])
    today = now.astimezone(ZoneInfo(customer["timezone"])).date()
    account = customer["account_number"]
    invoices = tuple(
        _row(row, f"invoices[{n}]", _INVOICE, "invoice_number", ("issue_date", "due_date"), today)
        | {"account_number": account}
        for n, row in enumerate(doc.get("invoices") or [])
    )
    payments = tuple(
        _row(row, f"payments[{n}]", _PAYMENT, "payment_id", ("received_date",), today)
        | {"account_number": account}
        for n, row in enumerate(doc.get("payments") or [])
    )
    sender = str(doc.get("sender", "phone"))
    sender = customer.get("phone", "") if sender == "phone" else sender
    if not E164.match(sender):
        raise DialogueError(f"sender: {sender!r} is not 'phone' (on file) or an E.164 number")
    turns = doc["turns"]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) for t in turns):
        raise DialogueError("turns: expected a non-empty list of messages")
    flow = doc.get("flow", [])
    return Dialogue(
        name=path.stem,
        set_name=path.parent.name,
        persona=persona,
        flow=tuple(flow if isinstance(flow, list) else [flow]),
        about=str(doc.get("about", "")),
        customer=customer,
        invoices=invoices,
        payments=payments,
        sender=sender,
        turns=tuple(turns),
        expect=_expected(doc["expect"], today, len(turns)),
        today=today,
    )


def _customer(raw: Any) -> dict[str, str]:
    row = _mapping(raw, "customer", _CUSTOMER, {"account_number", "name", "postal_code"})
    row = {key: _cell(value) for key, value in row.items()}
    if "timezone" not in row:
        raise DialogueError("customer.timezone: needed to resolve relative dates")
    ZoneInfo(row["timezone"])
    if "phone" in row and not E164.match(row["phone"]):
        raise DialogueError(f"customer.phone: {row['phone']!r} is not E.164")
    return row


def _row(
    raw: Any, where: str, allowed: set[str], key: str, dates: tuple[str, ...], today: date
) -> dict[str, str]:
    row = _mapping(raw, where, allowed, {key, "amount", *dates})
    cells = {name: _cell(value) for name, value in row.items()}
    for column in dates:
        cells[column] = resolve_day(cells[column], f"{where}.{column}", today).isoformat()
    cells["amount"] = _money(cells["amount"], f"{where}.amount")
    return cells


def _expected(raw: Any, today: date, turns: int) -> Expected:
    doc = _mapping(raw, "expect", _EXPECT)
    contact = doc.get("contact")
    if contact is None:
        contact = {"sms_opt_out": False, "cease": False}
    flags = _mapping(contact, "expect.contact", set(CONTACT_FLAGS))
    if not all(isinstance(value, bool) for value in flags.values()):
        raise DialogueError("expect.contact: every flag is true or false")
    groups = tuple(
        frozenset(
            _choice(r, "expect.escalations", ESCALATION_REASONS) for r in str(item).split("|")
        )
        for item in doc.get("escalations") or []
    )
    may = frozenset(
        _choice(r, "expect.may_escalate", ESCALATION_REASONS) for r in doc.get("may_escalate") or []
    )
    return Expected(
        promise=_promise(doc.get("promise"), today),
        plan=_plan(doc.get("plan")),
        disputes=tuple(_dispute(d, n) for n, d in enumerate(doc.get("disputes") or [])),
        escalations=groups,
        may_escalate=may,
        contact=flags,
        says=tuple(_fact(f, "says", today, turns) for f in doc.get("says") or []),
        never_says=tuple(_fact(f, "never_says", today, turns) for f in doc.get("never_says") or []),
    )


def _promise(raw: Any, today: date) -> dict[str, Any] | None:
    if raw is None:
        return None
    doc = _mapping(raw, "expect.promise", {"amount", "due_date"}, {"amount", "due_date"})
    days = doc["due_date"] if isinstance(doc["due_date"], list) else [doc["due_date"]]
    return {
        "amount": _money(_cell(doc["amount"]), "expect.promise.amount"),
        "due_dates": tuple(
            resolve_day(_cell(day), "expect.promise.due_date", today).isoformat() for day in days
        ),
    }


def _plan(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    doc = _mapping(raw, "expect.plan", {"status", "months", "total"}, {"status", "months"})
    months = doc["months"] if isinstance(doc["months"], list) else [doc["months"]]
    if not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
        raise DialogueError(f"expect.plan.months: {doc['months']!r} is not a count or a list")
    plan: dict[str, Any] = {
        "status": _choice(doc["status"], "expect.plan.status", PLAN_STATUSES),
        "months": tuple(months),
    }
    if "total" in doc:
        plan["total"] = _money(_cell(doc["total"]), "expect.plan.total")
    return plan


def _dispute(raw: Any, n: int) -> dict[str, Any]:
    where = f"expect.disputes[{n}]"
    doc = _mapping(raw, where, {"invoice_number", "reason"}, {"invoice_number", "reason"})
    reasons = tuple(
        _choice(r, f"{where}.reason", DISPUTE_REASONS) for r in str(doc["reason"]).split("|")
    )
    return {"invoice_number": _cell(doc["invoice_number"]), "reasons": reasons}


def _fact(raw: Any, where: str, today: date, turns: int) -> Fact:
    doc = _mapping(raw, where, set(_FACT_KINDS) | set(_FACT_SCOPE))
    kinds = [kind for kind in _FACT_KINDS if kind in doc]
    if len(kinds) != 1:
        raise DialogueError(f"{where}: give exactly one of {', '.join(_FACT_KINDS)}: {doc}")
    kind, value = kinds[0], _cell(doc[kinds[0]])
    if kind == "amount":
        value = _money(value, f"{where}.amount")
    elif kind == "date":
        value = resolve_day(value, f"{where}.date", today).isoformat()
    elif kind == "state":
        value = _choice(value, f"{where}.state", STATE_FACTS)
    first, last = int(doc.get("from_turn", 1)), doc.get("to_turn")
    if "turn" in doc:
        first = last = int(doc["turn"])
    last = None if last is None else int(last)
    if not 1 <= first <= turns or (last is not None and not first <= last <= turns):
        raise DialogueError(f"{where}: turns {first}..{last} outside the {turns} turns")
    return Fact(kind, value, first, last)


def resolve_day(text: str, where: str, today: date) -> date:
    """``today``, ``today+N``, ``today-N`` or an ISO date."""
    match = RELATIVE_DAY.match(text.replace(" ", ""))
    if match:
        sign, days = match.groups()
        offset = int(days or 0) * (-1 if sign == "-" else 1)
        return today + timedelta(days=offset)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DialogueError(f"{where}: {text!r} is not today[+-N] or an ISO date") from None


def _money(text: str, where: str) -> str:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DialogueError(f"{where}: {text!r} is not an amount") from None
    if amount.as_tuple().exponent != -2:
        raise DialogueError(f"{where}: {text!r} is not written with two decimal places")
    return text


def _mapping(
    raw: Any, where: str, allowed: set[str], required: set[str] | None = None
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DialogueError(f"{where}: expected a mapping, got {raw!r}")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise DialogueError(f"{where}: unknown key {unknown[0]!r}")
    missing = sorted((required or set()) - set(raw))
    if missing:
        raise DialogueError(f"{where}: missing key {missing[0]!r}")
    return dict(raw)


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in choices:
        raise DialogueError(f"{where}: {text!r} is not one of {', '.join(choices)}")
    return text


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()
