"""Telegram link codes: issued hashed, redeemed once, before they expire."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, AuditEvent, Contact, LinkCode
from bot.errors import InputError, NotFound
from bot.repositories import link_codes
from bot.services.telegram_links import CODE_TTL, digest, issue_code, redeem
from tests.services.conftest import NOW, Seeded

CHAT = "550118"


def telegram_contact(session: Session, account_id: int) -> Contact | None:
    return session.scalar(
        select(Contact).where(Contact.account_id == account_id, Contact.channel == "telegram")
    )


def test_a_code_fits_a_deep_link_and_only_its_hash_is_stored(
    session: Session, seeded: Seeded
) -> None:
    issued = issue_code(session, "A-7", NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", issued.code)
    assert issued.expires_at == NOW + CODE_TTL == NOW + timedelta(hours=24)
    stored = session.scalars(select(LinkCode)).all()
    assert [(c.account_id, c.code_hash) for c in stored] == [
        (seeded.account_id, digest(issued.code))
    ]
    assert issued.deep_link("arbot_bot") == f"https://t.me/arbot_bot?start={issued.code}"


def test_every_code_is_different(session: Session, seeded: Seeded) -> None:
    codes = {issue_code(session, "A-7", NOW).code for _ in range(5)}
    assert len(codes) == 5


def test_issuing_for_an_unknown_account_names_it(session: Session, seeded: Seeded) -> None:
    with pytest.raises(NotFound, match="A-404"):
        issue_code(session, "A-404", NOW)


def test_redeeming_links_the_chat_as_the_accounts_telegram_contact(
    session: Session, seeded: Seeded
) -> None:
    issued = issue_code(session, "A-7", NOW)
    linked = redeem(session, f" {issued.code} ", CHAT, NOW + timedelta(hours=1))
    assert (linked.account_number, linked.account_name, linked.replaced) == (
        "A-7",
        "Ada Supply",
        False,
    )
    contact = telegram_contact(session, seeded.account_id)
    assert contact is not None
    assert (contact.address, contact.verified_at) == (CHAT, NOW + timedelta(hours=1))
    code = session.scalars(select(LinkCode)).one()
    assert (code.used_at, code.used_by) == (NOW + timedelta(hours=1), CHAT)


def test_redeeming_is_audited_without_the_code(session: Session, seeded: Seeded) -> None:
    issued = issue_code(session, "A-7", NOW)
    redeem(session, issued.code, CHAT, NOW)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.entity, e.action) for e in events] == [
        ("account", "telegram_code_issued"),
        ("contact", "linked"),
    ]
    assert json.loads(events[1].detail or "{}")["channel"] == "telegram"
    assert all(issued.code not in (e.detail or "") for e in events)


def test_a_new_chat_replaces_the_accounts_previous_one(session: Session, seeded: Seeded) -> None:
    redeem(session, issue_code(session, "A-7", NOW).code, CHAT, NOW)
    linked = redeem(session, issue_code(session, "A-7", NOW).code, "777", NOW)
    assert linked.replaced
    contact = telegram_contact(session, seeded.account_id)
    assert contact is not None
    assert contact.address == "777"


def test_a_code_is_used_once(session: Session, seeded: Seeded) -> None:
    issued = issue_code(session, "A-7", NOW)
    redeem(session, issued.code, CHAT, NOW)
    with pytest.raises(InputError, match="code: already used"):
        redeem(session, issued.code, "777", NOW)
    contact = telegram_contact(session, seeded.account_id)
    assert contact is not None
    assert contact.address == CHAT


def test_of_two_claims_on_one_code_only_the_first_succeeds(
    session: Session, seeded: Seeded
) -> None:
    issue_code(session, "A-7", NOW)
    with session.begin():
        code = session.scalars(select(LinkCode)).one()
        assert link_codes.claim(session, code.id, CHAT, NOW)
        assert not link_codes.claim(session, code.id, "777", NOW)
        session.refresh(code)
        assert code.used_by == CHAT


def test_an_expired_code_is_refused_and_links_nothing(session: Session, seeded: Seeded) -> None:
    issued = issue_code(session, "A-7", NOW, ttl=timedelta(hours=2))
    with pytest.raises(InputError, match="code: expired at 2026-11-22 17:00 UTC"):
        redeem(session, issued.code, CHAT, NOW + timedelta(hours=2))
    assert telegram_contact(session, seeded.account_id) is None


def test_a_code_is_good_until_just_before_it_expires(session: Session, seeded: Seeded) -> None:
    issued = issue_code(session, "A-7", NOW, ttl=timedelta(hours=2))
    later = NOW + timedelta(hours=2) - timedelta(seconds=1)
    assert redeem(session, issued.code, CHAT, later).account_number == "A-7"


@pytest.mark.parametrize("code", ["nope", "", "x" * 500], ids=["unknown", "blank", "too long"])
def test_a_code_never_issued_is_refused_without_repeating_it(
    session: Session, seeded: Seeded, code: str
) -> None:
    with pytest.raises(InputError, match="code: unknown") as refused:
        redeem(session, code, CHAT, NOW)
    assert code not in str(refused.value) or not code


def test_a_non_positive_ttl_is_refused(session: Session, seeded: Seeded) -> None:
    with pytest.raises(InputError, match="ttl"):
        issue_code(session, "A-7", NOW, ttl=timedelta(0))


@pytest.mark.postgres
def test_two_chats_redeeming_one_code_at_once_link_exactly_one(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the code unused, then claim it together: the conditional UPDATE decides."""
    sessions = sessionmaker(bind=postgres_engine, expire_on_commit=False)
    number = f"A-{uuid.uuid4().hex[:8]}"
    with sessions() as session, session.begin():
        account = Account(
            account_number=number, name="Race Ltd", postal_code="1", created_at=NOW, updated_at=NOW
        )
        session.add(account)
        session.flush()
        account_id = account.id
    with sessions() as session:
        code = issue_code(session, number, NOW).code
    together = threading.Barrier(2, timeout=10)
    claim = link_codes.claim

    def claim_together(*args: Any) -> bool:
        together.wait()
        return claim(*args)

    monkeypatch.setattr(link_codes, "claim", claim_together)
    outcomes: dict[str, str] = {}

    def attempt(chat: str) -> None:
        with sessions() as session:
            try:
                outcomes[chat] = redeem(session, code, chat, NOW).account_number
            except InputError as exc:
                outcomes[chat] = str(exc)

    try:
        threads = [threading.Thread(target=attempt, args=(chat,)) for chat in ("111", "222")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == sorted([number, "code: already used"])
        winner = next(chat for chat, outcome in outcomes.items() if outcome == number)
        with sessions() as session:
            linked = telegram_contact(session, account_id)
            assert linked is not None
            assert linked.address == winner
    finally:
        _forget_account(sessions, account_id)


def _forget_account(sessions: sessionmaker[Session], account_id: int) -> None:
    """Deletes what the race test committed (its database is shared by the session)."""
    with sessions() as session, session.begin():
        contact_ids = [
            str(c)
            for c in session.scalars(select(Contact.id).where(Contact.account_id == account_id))
        ]
        session.execute(
            delete(AuditEvent).where(
                ((AuditEvent.entity == "account") & (AuditEvent.entity_id == str(account_id)))
                | ((AuditEvent.entity == "contact") & AuditEvent.entity_id.in_(contact_ids))
            )
        )
        session.execute(delete(Contact).where(Contact.account_id == account_id))
        session.execute(delete(LinkCode).where(LinkCode.account_id == account_id))
        session.execute(delete(Account).where(Account.id == account_id))
