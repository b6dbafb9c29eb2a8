"""Opt-out, opt-in and cease from a conversation, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ContactPreference, Escalation
from bot.services.preferences import cease, opt_in, opt_out
from tests.services.conftest import NOW, PHONE, Seeded


def _preference(session: Session, seeded: Seeded) -> tuple[bool, bool, bool]:
    with session.begin():
        found = session.get(ContactPreference, seeded.account_id, populate_existing=True)
        assert found is not None
        return found.sms_opt_out, found.telegram_opt_out, found.cease


def test_opt_out_stops_sms_once(session: Session, seeded: Seeded) -> None:
    assert opt_out(session, "sms", PHONE, NOW) is True
    assert _preference(session, seeded) == (True, False, False)
    assert opt_out(session, "sms", PHONE, NOW) is False


def test_a_web_sender_is_an_sms_phone(session: Session, seeded: Seeded) -> None:
    assert opt_out(session, "web", PHONE, NOW) is True
    assert _preference(session, seeded) == (True, False, False)


def test_opt_in_resubscribes(session: Session, seeded: Seeded) -> None:
    opt_out(session, "sms", PHONE, NOW)
    assert opt_in(session, "sms", PHONE, NOW) is True
    assert _preference(session, seeded) == (False, False, False)
    assert opt_in(session, "sms", PHONE, NOW) is False


def test_an_unknown_sender_is_told_they_are_out(session: Session, seeded: Seeded) -> None:
    assert opt_out(session, "sms", "+15550000000", NOW) is True
    assert session.get(ContactPreference, seeded.account_id) is None


def test_cease_stops_every_channel_and_escalates(session: Session, seeded: Seeded) -> None:
    record = cease(session, "sms", PHONE, NOW)
    assert _preference(session, seeded) == (False, False, True)
    escalation = session.scalars(select(Escalation)).one()
    assert (escalation.id, escalation.reason, escalation.account_id) == (
        record.id,
        "cease",
        seeded.account_id,
    )
