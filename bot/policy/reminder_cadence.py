"""Which reminder step is current on a customer's local day (SPEC §6 cadences).

Plain dates in, a :class:`Step` (target and template) out; what to do with it — send it,
hold it, or skip it because it went out before — is :mod:`bot.policy.reminders`' job.

* Dunning: days relative to the due date of the account's oldest open undisputed invoice,
  ``DUNNING_OFFSETS``. The current step is the latest one whose day has come, so a step
  missed while the scheduler was down (or held) is replaced by a later one that came due:
  one message that summarises what is due, never a backlog. Nothing before −3; +60 is the
  last step.
* Promise to pay: ``eve`` on the day before the promised date, ``day`` on the date. A
  promise made for tomorrow gets its eve reminder today; one made for today only ``day``.
* Installments: ``-3`` from three days before the due date (so a −3 reminder held or
  missed is still sent on −2 or −1), ``0`` on the due date, which replaces it.
* Notices (a broken promise, a defaulted plan): their own target, once.

Targets are the idempotency key's middle part (SPEC §6) and are stored as they are, so
their format is a contract: ``INV-1:+7``, ``promise:12:eve``, ``installment:5:-3``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: dunning steps, in days after the due date of the oldest open undisputed invoice
DUNNING_OFFSETS: tuple[int, ...] = (-3, 1, 7, 14, 30, 45, 60)
#: installment reminders start this many days before the due date
INSTALLMENT_LEAD_DAYS = 3

#: the template of each notice kind
NOTICE_TEMPLATES: dict[str, str] = {
    "broken_promise": "broken_promise",
    "plan_default": "plan_default",
}


@dataclass(frozen=True)
class Step:
    """One reminder step: what it is called in the idempotency key, and its message.

    Attributes:
        target: the step's part of the idempotency key, e.g. ``"INV-1:+7"``.
        template: the template file's stem under ``bot/templates/reminders``.
    """

    target: str
    template: str


def dunning_offset(due_date: date, today: date) -> int | None:
    """The latest dunning step whose day (due date + offset) is today or earlier.

    None before the courtesy step's day. After +60 it stays +60: a final notice that
    never went out (the scheduler was down, or it was held) is still owed, once.
    """
    elapsed = (today - due_date).days
    current = None
    for offset in DUNNING_OFFSETS:
        if offset <= elapsed:
            current = offset
    return current


def dunning_step(invoice_number: str, due_date: date, today: date) -> Step | None:
    """The current dunning step for a cadence driven by this invoice, or None yet."""
    offset = dunning_offset(due_date, today)
    if offset is None:
        return None
    return Step(dunning_target(invoice_number, offset), dunning_template(offset))


def dunning_target(invoice_number: str, offset: int) -> str:
    """``"<invoice>:<offset with sign>"``, e.g. ``"INV-1:-3"``, ``"INV-1:+14"``."""
    return f"{invoice_number}:{offset:+d}"


def parse_dunning_target(target: str) -> tuple[str, int]:
    """The invoice number and offset of a dunning target (invoice numbers may hold colons).

    Raises:
        ValueError: when ``target`` is not ``<invoice>:<signed offset>``.
    """
    invoice, _, offset = target.rpartition(":")
    if not invoice or offset[:1] not in ("+", "-") or not offset[1:].isdigit():
        raise ValueError(f"target {target!r} is not a dunning target")
    return invoice, int(offset)


def dunning_template(offset: int) -> str:
    """The template of a dunning step: courtesy before the due date, then stronger wording."""
    if offset < 0:
        return "courtesy"
    if offset == DUNNING_OFFSETS[1]:
        return "overdue"
    if offset == DUNNING_OFFSETS[-1]:
        return "final_notice"
    return "dunning"


def promise_step(promise_id: int, due_date: date, today: date) -> Step | None:
    """The promise reminder current today: the eve (day before) or the day itself."""
    if today == due_date - timedelta(days=1):
        return Step(f"promise:{promise_id}:eve", "ptp_eve")
    if today == due_date:
        return Step(f"promise:{promise_id}:day", "ptp_day")
    return None


def installment_step(installment_id: int, due_date: date, today: date) -> Step | None:
    """The installment reminder current today: ``-3`` in the three days before, ``0`` on it."""
    if due_date - timedelta(days=INSTALLMENT_LEAD_DAYS) <= today < due_date:
        return Step(f"installment:{installment_id}:-{INSTALLMENT_LEAD_DAYS}", "installment_soon")
    if today == due_date:
        return Step(f"installment:{installment_id}:0", "installment_due")
    return None


def notice_step(kind: str, target: str) -> Step:
    """A notice's step: its own target and the kind's template.

    Raises:
        ValueError: when ``kind`` is not a notice kind.
    """
    if kind not in NOTICE_TEMPLATES:
        raise ValueError(f"notice kind {kind!r} is not one of {sorted(NOTICE_TEMPLATES)}")
    return Step(target, NOTICE_TEMPLATES[kind])
