"""What one account should be sent at an instant, or why not (SPEC §6, §3 hold reasons).

:func:`decide` looks at a snapshot of the account (:class:`AccountState`, loaded by the
caller) and returns at most one :class:`Decision`: SPEC §6 allows one automated message
per account per local day, so when several are due the most urgent wins — notices
(a broken promise, a defaulted plan) > promise reminders > installment reminders >
dunning — and the others wait for a later day, when they are still owed (catch-up) or
replaced by a later step (:mod:`bot.policy.reminder_cadence`).

A step is *due* when its ``(kind, target)`` was never sent. The chosen one may still be
held; the first reason that applies is reported, in this order:

1. ``cease`` — the customer asked for no contact at all;
2. the channel (:func:`choose_channel`): ``no_channel``, ``opted_out``, ``no_consent``;
3. ``escalated`` — an open or claimed escalation: a person is handling the account. A
   notice is not held by the escalation its own event opened (SPEC §6: after a broken
   promise or a defaulted plan, one message *and* the escalation); any other holds it;
4. dunning only: ``dispute_hold``, ``ptp_pending``, ``plan_active`` (:func:`dunning_steps`);
5. ``already_sent`` — nothing is due, and the step current today already went out today
   (``AccountState.sent_today``): the account's message of the day, shown so a second
   pass or a dry run says why nothing goes. A step sent on an earlier day is not news:
   with nothing else due, :func:`decide` returns None;
6. ``frequency_cap`` — one more message would exceed 1 per local day or 3 in a rolling
   7 days; ``send_at`` is when the caps and the contact window next allow it;
7. ``quiet_hours`` — outside 08:00–21:00 local (every US zone when the zone is unknown);
   ``send_at`` is when the window opens: deferred, not dropped.

Holds 1–5 have no known end (a change of state lifts them), so their ``send_at`` is
``now``. The snapshot and decision types live in :mod:`bot.policy.reminder_state` and
are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.policy.contact_windows import frequency_decision, local_date, window_decision
from bot.policy.reminder_cadence import (
    Step,
    dunning_step,
    installment_step,
    notice_step,
    promise_step,
)
from bot.policy.reminder_state import (
    HOLD_REASONS,
    KINDS,
    AccountState,
    Decision,
    InstallmentState,
    InvoiceState,
    Notice,
    PromiseState,
    Reach,
)
from bot.policy.rules import Policy

__all__ = [
    "HOLD_REASONS",
    "KINDS",
    "NOTICE_ESCALATIONS",
    "AccountState",
    "Candidate",
    "Decision",
    "InstallmentState",
    "InvoiceState",
    "Notice",
    "PromiseState",
    "Reach",
    "candidates",
    "choose_channel",
    "decide",
    "dunning_steps",
]

#: the escalation reason (SPEC §5 Human) each notice's own event opens
NOTICE_ESCALATIONS: dict[str, str] = {
    "broken_promise": "broken_promises",
    "plan_default": "plan_default",
}


@dataclass(frozen=True)
class Candidate:
    """A step current today for one kind, with a hold of its own kind (dunning paused)."""

    kind: str
    step: Step
    pause: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """``(kind, target)``, as in ``sent_targets``."""
        return self.kind, self.step.target


def decide(state: AccountState, now: datetime, policy: Policy) -> Decision | None:
    """The one message the account should get at ``now``, held or not; None when none is due.

    SPEC §6 allows at most one per account per local day: the most urgent due step wins
    (module docstring), and the holds are checked in the order listed there.

    Raises:
        ValueError: when ``now`` is naive, or a notice has an unknown kind.
    """
    today = local_date(now, state.zone)
    current = candidates(state, today)
    due = [c for c in current if c.pair not in state.sent_targets]
    sent_today = [c for c in current if c.pair in state.sent_today]
    if due:
        chosen, already = due[0], False
    elif sent_today:
        chosen, already = sent_today[0], True
    else:
        return None
    channel, reason, send_at = _hold(state, chosen, already, now, policy)
    return Decision(
        account_id=state.account_id,
        account_number=state.account_number,
        kind=chosen.kind,
        target=chosen.step.target,
        channel=channel,
        local_date=today,
        send_at=send_at,
        held=reason is not None,
        reason=reason,
        template=chosen.step.template,
    )


def candidates(state: AccountState, today: date) -> list[Candidate]:
    """Every step current on ``today``, most urgent first, sent before or not."""
    for notice in state.notices:
        if notice.kind not in NOTICE_ESCALATIONS:
            raise ValueError(f"notice {notice.target!r}: kind {notice.kind!r} is not a notice kind")
    notices = sorted(state.notices, key=lambda n: (KINDS.index(n.kind), n.target))
    found = [Candidate(n.kind, notice_step(n.kind, n.target)) for n in notices]
    if state.promise is not None:
        step = promise_step(state.promise.id, state.promise.due_date, today)
        if step is not None:
            found.append(Candidate("ptp_reminder", step))
    for item in sorted(state.installments, key=lambda i: (i.due_date, i.sequence, i.id)):
        step = installment_step(item.id, item.due_date, today)
        if step is not None:
            found.append(Candidate("installment_reminder", step))
    found.extend(dunning_steps(state, today))
    return found


def dunning_steps(state: AccountState, today: date) -> list[Candidate]:
    """The dunning step current today, and the one a dispute holds back.

    The cadence follows the oldest open invoice that is not disputed (SPEC §6): a dispute
    holds its own invoice (SPEC §5), so an undisputed invoice keeps its reminders — even
    the courtesy one while an older invoice is disputed. Its step is paused
    (``ptp_pending``) through the date of a pending promise, or (``plan_active``) while a
    plan is in good standing. When every past-due invoice is disputed, the step the oldest
    of them would have had is listed after it, held ``dispute_hold``, so a dry run shows
    why the account gets nothing.
    """
    found: list[Candidate] = []
    open_ = sorted(state.invoices, key=lambda i: (i.due_date, i.number))
    undisputed = [i for i in open_ if not i.disputed]
    if undisputed:
        step = dunning_step(undisputed[0].number, undisputed[0].due_date, today)
        if step is not None:
            found.append(Candidate("dunning", step, _dunning_pause(state, today)))
    past_due = [i for i in open_ if i.due_date < today]
    if past_due and all(i.disputed for i in past_due):
        step = dunning_step(past_due[0].number, past_due[0].due_date, today)
        if step is not None:
            found.append(Candidate("dunning", step, "dispute_hold"))
    return found


def choose_channel(reach: Reach) -> tuple[str | None, str | None]:
    """The channel to use (SPEC §6), or None and the hold reason.

    Telegram when linked and not opted out, else SMS with a phone, consent and no opt-out.
    Neither a chat nor a phone: ``no_channel``. When the channels there are fail for different
    reasons, ``opted_out`` wins over ``no_consent``: an opt-out is the customer's own
    instruction and would still stop SMS if consent were recorded tomorrow.
    """
    if reach.telegram is not None and not reach.telegram_opt_out:
        return "telegram", None
    if reach.sms is not None and reach.sms_consent and not reach.sms_opt_out:
        return "sms", None
    if reach.telegram is None and reach.sms is None:
        return None, "no_channel"
    if reach.telegram is not None or reach.sms_opt_out:
        return None, "opted_out"
    return None, "no_consent"


def _dunning_pause(state: AccountState, today: date) -> str | None:
    if state.promise is not None and today <= state.promise.due_date:
        return "ptp_pending"
    if state.plan_active and state.plan_in_good_standing:
        return "plan_active"
    return None


def _escalation_holds(state: AccountState, candidate: Candidate) -> bool:
    """Whether an open escalation holds this message (module docstring, hold 3)."""
    if not state.open_escalation:
        return False
    own = NOTICE_ESCALATIONS.get(candidate.kind)
    return own is None or state.escalation_reasons != {own}


def _hold(
    state: AccountState, candidate: Candidate, already: bool, now: datetime, policy: Policy
) -> tuple[str | None, str | None, datetime]:
    """The channel, the hold reason (None: send now) and ``send_at`` (module docstring)."""
    channel, problem = choose_channel(state.reach)
    if state.reach.cease:
        return channel, "cease", now
    if problem is not None:
        return None, problem, now
    if _escalation_holds(state, candidate):
        return channel, "escalated", now
    if candidate.pause is not None:
        return channel, candidate.pause, now
    if already:
        return channel, "already_sent", now
    caps = frequency_decision(state.recent_sends, now, state.zone, policy)
    if caps.retry_at is not None:
        reopen = window_decision(caps.retry_at, state.zone, policy).next_open
        return channel, "frequency_cap", reopen
    window = window_decision(now, state.zone, policy)
    if not window.allowed:
        return channel, "quiet_hours", window.next_open
    return channel, None, now
