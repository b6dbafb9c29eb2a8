"""Right-party contact and promise conversion for a period (SPEC §13), overall, by channel,
and what each kind of reminder led to within 7 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.policy.insight import ContactCounts, ReminderOutcomes, reminder_outcomes
from bot.repositories import insight as repo
from bot.services.reports import check_period


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _counts_json(c: ContactCounts) -> dict[str, Any]:
    return {
        "conversations": c.conversations,
        "verified": c.verified,
        "converted": c.converted,
        "right_party_contact_rate": _number(c.right_party_contact_rate),
        "promise_conversion": _number(c.promise_conversion),
    }


def _reminder_json(r: ReminderOutcomes) -> dict[str, Any]:
    return {
        "sent": r.sent,
        "conversation": r.conversation,
        "promise": r.promise,
        "payment": r.payment,
        "conversation_rate": _number(r.rate(r.conversation)),
        "promise_rate": _number(r.rate(r.promise)),
        "payment_rate": _number(r.rate(r.payment)),
    }


@dataclass(frozen=True)
class ContactReport:
    start: date
    end: date
    overall: ContactCounts
    by_channel: dict[str, ContactCounts]
    by_reminder: tuple[ReminderOutcomes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "right_party_contact_rate": _number(self.overall.right_party_contact_rate),
            "promise_conversion": _number(self.overall.promise_conversion),
            "conversations": self.overall.conversations,
            "verified": self.overall.verified,
            "converted": self.overall.converted,
            "by_channel": {name: _counts_json(c) for name, c in sorted(self.by_channel.items())},
            "by_reminder_kind": {r.kind: _reminder_json(r) for r in self.by_reminder},
        }

    def to_rows(self) -> list[dict[str, str]]:
        """One row overall, one per channel, one per reminder kind."""
        doc = self.to_json()
        rows = [{"group": "overall", "name": "all", **_cells(_counts_json(self.overall))}]
        rows += [{"group": "channel", "name": n, **_cells(c)} for n, c in doc["by_channel"].items()]
        rows += [
            {"group": "reminder", "name": n, **_cells(r)}
            for n, r in doc["by_reminder_kind"].items()
        ]
        return rows


COLUMNS = (
    "group", "name", "conversations", "verified", "converted", "right_party_contact_rate",
    "promise_conversion", "sent", "conversation", "promise", "payment", "conversation_rate",
    "promise_rate", "payment_rate",
)  # fmt: skip


def _cells(doc: dict[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in doc.items()}


def contact_report(session: Session, start: date, end: date) -> ContactReport:
    """Conversations started in [start, end] and the reminders sent then."""
    check_period(start, end)
    with session.begin():
        by_channel = repo.contact_counts(session, start, end)
        sent = repo.reminders_sent(session, start, end)
        talks, deals, paid = repo.follow_ups(session, start, end)
    overall = ContactCounts(
        sum(c.conversations for c in by_channel.values()),
        sum(c.verified for c in by_channel.values()),
        sum(c.converted for c in by_channel.values()),
    )
    outcomes = tuple(reminder_outcomes(sent, talks, deals, paid))
    return ContactReport(start, end, overall, by_channel, outcomes)
