"""bot.services.identity: verification, its locks per sender and per account, and the case
a lock opens — on SQLite and PostgreSQL.

Account ``A-7`` (postal code 60614) has the phone ``+16175550101`` on file (conftest).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Contact, Escalation, VerificationAttempt
from bot.policy.rules import DEFAULT_POLICY
from bot.services import identity
from bot.services.identity import VerificationResult
from tests.services.conftest import NOW, PHONE, Seeded

STRANGER = "+14155550199"


def _verify(
    session: Session,
    account: str,
    postal: str,
    *,
    sender: str = STRANGER,
    channel: str = "web",
    alternatives: tuple[tuple[str, str], ...] = (),
    minutes: int = 0,
) -> VerificationResult:
    return identity.verify_sender(
        session,
        channel,
        sender,
        account,
        postal,
        NOW + timedelta(minutes=minutes),
        DEFAULT_POLICY,
        alternatives,
    )


def _cases(session: Session) -> list[Escalation]:
    with session.begin():
        found = session.scalars(
            select(Escalation).where(Escalation.reason == "verification_failed")
        ).all()
        session.expunge_all()
        return list(found)


def _attempts(session: Session) -> list[tuple[str, int | None, bool]]:
    with session.begin():
        rows = session.execute(
            select(
                VerificationAttempt.sender,
                VerificationAttempt.account_id,
                VerificationAttempt.succeeded,
            ).order_by(VerificationAttempt.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_full_number_and_postal_code_verify_any_sender(
    session: Session, seeded: Seeded
) -> None:
    result = _verify(session, "A-7", "60614")

    assert (result.status, result.account_number) == ("verified", "A-7")
    assert result.reading == ("A-7", "60614")


def test_a_wrong_postal_code_keeps_the_account_that_was_named(
    session: Session, seeded: Seeded
) -> None:
    result = _verify(session, "A-7", "99999")

    assert (result.status, result.failures_left) == ("failed", 2)
    assert result.known_account == "A-7"


def test_an_account_number_that_names_nothing_is_asked_again(
    session: Session, seeded: Seeded
) -> None:
    result = _verify(session, "A-8", "60614")

    assert result.status == "failed"
    assert result.known_account is None


def test_the_last_4_are_known_only_from_a_phone_on_file(session: Session, seeded: Seeded) -> None:
    with session.begin():
        account = Account(
            account_number="10012345",
            name="Lin Supply",
            postal_code="02139",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address="+16175550123"))

    from_file = _verify(session, "2345", "11111", sender="+16175550123", channel="sms")
    stranger = _verify(session, "2345", "11111")

    assert from_file.known_account == "2345"
    assert stranger.known_account is None


def test_both_readings_of_one_message_are_tried_and_the_matching_one_verifies(
    session: Session, seeded: Seeded
) -> None:
    result = _verify(session, "60614", "A-7", alternatives=(("A-7", "60614"),))

    assert (result.status, result.account_number) == ("verified", "A-7")
    assert result.reading == ("A-7", "60614")
    assert _attempts(session) == [(STRANGER, seeded.account_id, True)]


def test_a_wrong_message_read_two_ways_is_one_failure_on_the_account_it_names(
    session: Session, seeded: Seeded
) -> None:
    result = _verify(session, "99999", "A-7", alternatives=(("A-7", "99999"),))

    assert result.status == "failed"
    assert result.known_account == "A-7"
    assert _attempts(session) == [(STRANGER, seeded.account_id, False)]


def test_the_third_failure_of_a_stranger_locks_with_a_case_naming_the_account(
    session: Session, seeded: Seeded
) -> None:
    results = [_verify(session, "A-7", f"0000{n}") for n in range(3)]

    assert [r.status for r in results] == ["failed", "failed", "locked"]
    [case] = _cases(session)
    assert (case.account_id, case.named_account, case.address) == (None, "A-7", STRANGER)
    assert case.status == "open"


def test_a_lock_from_a_phone_on_file_links_the_case_to_the_account(
    session: Session, seeded: Seeded
) -> None:
    for n in range(3):
        _verify(session, "A-7", f"0000{n}", sender=PHONE, channel="sms")

    [case] = _cases(session)
    assert (case.account_id, case.named_account) == (seeded.account_id, None)


def test_a_lock_naming_no_account_shows_what_was_typed(session: Session, seeded: Seeded) -> None:
    for n in range(3):
        _verify(session, "1234", f"0000{n}")

    [case] = _cases(session)
    assert (case.account_id, case.named_account) == (None, "1234")


def test_a_locked_sender_is_refused_the_right_answer_and_nothing_is_recorded(
    session: Session, seeded: Seeded
) -> None:
    for n in range(3):
        _verify(session, "A-7", f"0000{n}")
    recorded = len(_attempts(session))

    result = _verify(session, "A-7", "60614", minutes=5)

    assert result.status == "locked"
    assert result.account_number is None
    assert len(_attempts(session)) == recorded
    assert identity.is_locked(session, "web", STRANGER, NOW, DEFAULT_POLICY)


def test_ten_failures_from_rotating_senders_lock_the_account_for_everyone(
    session: Session, seeded: Seeded
) -> None:
    statuses = [
        _verify(session, "A-7", f"1{n:04d}", sender=f"+1415555{n // 2:04d}").status
        for n in range(10)
    ]

    assert statuses == ["failed"] * 9 + ["locked"]
    seventh = _verify(session, "A-7", "60614", sender="+14155559999", minutes=1)
    assert seventh.status == "locked"
    assert seventh.account_number is None
    assert seventh.locked_until == NOW + timedelta(hours=24)
    on_file = _verify(session, "A-7", "60614", sender=PHONE, channel="sms", minutes=1)
    assert on_file.status == "locked"
    [case] = _cases(session)
    assert case.named_account == "A-7"
    assert "several senders" in case.note


def test_the_account_lock_ends_when_its_oldest_failures_leave_the_window(
    session: Session, seeded: Seeded
) -> None:
    for n in range(10):
        _verify(session, "A-7", f"1{n:04d}", sender=f"+1415555{n:04d}", minutes=n)

    later = _verify(session, "A-7", "60614", sender="+14155559999", minutes=24 * 60 + 1)

    assert later.status == "verified"


def test_stranger_locks_on_one_account_share_one_case(session: Session, seeded: Seeded) -> None:
    for sender in ("+14155550001", "+14155550002"):
        for n in range(3):
            _verify(session, "A-7", f"0000{n}", sender=sender)

    assert len(_cases(session)) == 1


def test_failures_left_count_the_account_window_when_it_is_tighter(
    session: Session, seeded: Seeded
) -> None:
    for n in range(8):
        _verify(session, "A-7", f"1{n:04d}", sender=f"+1415555{n:04d}")

    result = _verify(session, "A-7", "22222", sender="+14155559999")

    assert (result.status, result.failures_left) == ("failed", 1)


def test_a_locked_account_is_refused_even_when_the_message_reads_another_way_too(
    session: Session, seeded: Seeded
) -> None:
    for n in range(10):
        _verify(session, "A-7", f"1{n:04d}", sender=f"+1415555{n:04d}")
    recorded = len(_attempts(session))

    result = _verify(
        session, "60614", "A-7", sender="+14155559999", alternatives=(("A-7", "60614"),)
    )

    assert (result.status, result.escalated) == ("locked", False)
    assert len(_attempts(session)) == recorded
