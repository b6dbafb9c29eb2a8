"""Right-party contact rate, promise conversion and reminder outcomes (SPEC §13), by hand.

Period 2026-11-01 .. 2026-11-30:

| conversation | channel  | verified (succeeded in it) | promise / plan in it |
|--------------|----------|----------------------------|----------------------|
| 1            | sms      | yes                        | a promise            |
| 2            | sms      | no (a failed attempt only) | —                    |
| 3            | telegram | yes                        | a plan               |
| 4            | telegram | yes                        | —                    |
| 5 (10-31)    | sms      | yes                        | outside the period   |

Overall 3 / 4 = 0.75 verified, 2 / 3 = 0.67 converted; sms 0.5 and 1.0; telegram 1.0 and 0.5.
A verification of the sender from before conversation 2 started does not count for it.

Reminders sent: a dunning to X on 11-02 08:00 (X talks and promises two hours later, pays
on 11-07); a dunning to Y on 11-06 (Y talked and made a plan on 11-05, before it: neither
counts; Y promises on 11-12, within 7 days); a ptp_reminder to X on 11-20 (nothing follows;
X's payment of 11-07 came before it); a dunning held for Z (not sent: not counted).
Dunning: 2 sent, 1 conversation, 2 promises, 1 payment.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    ContactAttempt,
    Conversation,
    Payment,
    PaymentPlan,
    Promise,
    VerificationAttempt,
)
from bot.services.insight.contact import contact_report

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)


def _at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


def _account(session: Session, number: str) -> int:
    account = Account(
        account_number=number, name=number, postal_code="10001", created_at=NOW, updated_at=NOW
    )
    session.add(account)
    session.flush()
    return account.id


def _conversation(
    session: Session, channel: str, sender: str, start: datetime, account_id: int | None
) -> int:
    talk = Conversation(
        channel=channel,
        sender=sender,
        account_id=account_id,
        started_at=start,
        last_message_at=start + timedelta(minutes=10),
    )
    session.add(talk)
    session.flush()
    return talk.id


def _verify(session: Session, channel: str, sender: str, at: datetime, ok: bool = True) -> None:
    session.add(
        VerificationAttempt(channel=channel, sender=sender, account_id=None, succeeded=ok, at=at)
    )


def _promise(
    session: Session, account_id: int, created: datetime, conversation_id: int | None
) -> None:
    session.add(
        Promise(
            account_id=account_id,
            amount=Decimal("50.00"),
            due_date=date(2026, 12, 1),
            status="pending",
            channel="sms",
            taken_by="bot",
            conversation_id=conversation_id,
            amount_collected=Decimal(0),
            created_at=created,
        )
    )


def _reminder(
    session: Session, account_id: int, kind: str, at: datetime, status: str = "sent"
) -> None:
    session.add(
        ContactAttempt(
            account_id=account_id,
            channel="sms",
            kind=kind,
            target="A",
            local_date=at.date(),
            status=status,
            created_at=at,
        )
    )


def seed(session: Session) -> None:
    with session.begin():
        x, y, z = (_account(session, n) for n in ("X", "Y", "Z"))
        one = _conversation(session, "sms", "+1555", _at(2), x)
        _verify(session, "sms", "+1555", _at(2, 10) + timedelta(minutes=2))
        _promise(session, x, _at(2, 10) + timedelta(minutes=5), one)
        _verify(session, "sms", "+1666", _at(3, 9))  # before conversation 2
        _conversation(session, "sms", "+1666", _at(3), None)
        _verify(session, "sms", "+1666", _at(3, 10) + timedelta(minutes=1), ok=False)
        three = _conversation(session, "telegram", "42", _at(5), y)
        _verify(session, "telegram", "42", _at(5) + timedelta(minutes=1))
        session.add(
            PaymentPlan(
                account_id=y,
                status="active",
                total=Decimal("300.00"),
                down_payment=Decimal(0),
                channel="telegram",
                taken_by="bot",
                conversation_id=three,
                created_at=_at(5) + timedelta(minutes=3),
            )
        )
        _conversation(session, "telegram", "43", _at(6), None)
        _verify(session, "telegram", "43", _at(6) + timedelta(minutes=1))
        _conversation(session, "sms", "+1777", _at(31, 10, month=10), x)
        _verify(session, "sms", "+1777", _at(31, 10, month=10) + timedelta(minutes=1))
        _reminder(session, x, "dunning", _at(2, 8))
        _reminder(session, y, "dunning", _at(6, 8))
        _reminder(session, x, "ptp_reminder", _at(20, 8))
        _reminder(session, z, "dunning", _at(4, 8), status="held")
        _promise(session, y, _at(12, 9), None)
        session.add(
            Payment(
                payment_id="PX",
                account_id=x,
                received_date=date(2026, 11, 7),
                amount=Decimal("10.00"),
                unapplied_amount=Decimal(0),
                created_at=NOW,
            )
        )


def test_contact_rates_match_the_hand_computed_period(session: Session) -> None:
    seed(session)
    doc = contact_report(session, date(2026, 11, 1), date(2026, 11, 30)).to_json()
    assert (doc["right_party_contact_rate"], doc["promise_conversion"]) == (0.75, 0.67)
    assert {
        n: (c["right_party_contact_rate"], c["promise_conversion"])
        for n, c in doc["by_channel"].items()
    } == {"sms": (0.5, 1.0), "telegram": (1.0, 0.5)}


def test_reminder_kinds_show_what_followed_within_seven_days(session: Session) -> None:
    seed(session)
    doc = contact_report(session, date(2026, 11, 1), date(2026, 11, 30)).to_json()
    dunning, ptp = doc["by_reminder_kind"]["dunning"], doc["by_reminder_kind"]["ptp_reminder"]
    assert (dunning["sent"], dunning["conversation"], dunning["promise"], dunning["payment"]) == (
        2,
        1,
        2,
        1,
    )
    assert (dunning["conversation_rate"], dunning["promise_rate"]) == (0.5, 1.0)
    assert (ptp["sent"], ptp["conversation"], ptp["promise"], ptp["payment"]) == (1, 0, 0, 0)


def test_a_period_without_conversations_has_no_rates(session: Session) -> None:
    doc = contact_report(session, date(2026, 11, 1), date(2026, 11, 30)).to_json()
    assert (doc["right_party_contact_rate"], doc["promise_conversion"]) == (None, None)
    assert (
        contact_report(session, date(2026, 11, 1), date(2026, 11, 30)).to_rows()[0]["group"]
        == "overall"
    )
