"""Who is writing: the sender's account, and verification before anything is disclosed.

SPEC §5: the account number (or its last 4 digits when the sender's phone or chat id is on
file for that account) plus the billing postal code. The rules are
:func:`bot.policy.verification.verify`; this module finds the account, keeps the attempts
and acts on the outcome.

Failures are counted per sender (channel and address) **and** account, so a customer who
mistypes once on one account is not locked out of another, and per account across every
sender, so changing the sender (the web chat takes any string) does not buy more guesses.
Answers naming no account at all are counted per sender, under "no account", so guessing
numbers locks too. While locked, answers are refused unchecked and not recorded (recording
them would only push the unlock further away). Only verified results carry the account
number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.policy import verification as rules
from bot.policy.rules import Policy
from bot.repositories import accounts, audit, contacts, conversations, verifications
from bot.repositories import escalations as queue
from bot.services.customers import contact_channel, sender_address

#: the longest account number an escalation keeps as the one a sender named
NAMED_ACCOUNT_CHARS = 64


@dataclass(frozen=True)
class AccountRef:
    """The account a sender's phone or chat id is on file for."""

    account_number: str
    name: str
    consumer: bool
    timezone: str | None


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of one verification answer.

    Attributes:
        status: ``verified``, ``failed`` or ``locked``.
        account_number: the verified account; None unless ``status`` is ``verified``.
        failures_left: failures still allowed before the lock.
        locked_until: when a lock ends (UTC); None unless locked.
        known_account: on a failure, the account answer (as given) that named an account
            this sender may use — its full number, or its last 4 from a phone or chat id
            on file — so only the postal code is asked again; None when no answer did.
        reading: the answers that verified, as ``(account, postal code)``; None otherwise.
        escalated: when locked, whether a ``verification_failed`` case follows this
            sender's conversation (their own failures locked it); False when the account
            was locked by other senders' failures.
    """

    status: str
    account_number: str | None
    failures_left: int
    locked_until: datetime | None
    known_account: str | None = None
    reading: tuple[str, str] | None = None
    escalated: bool = False


@dataclass(frozen=True)
class _Try:
    """One reading of the answer and what is on record for the account it names."""

    given_account: str
    given_postal_code: str
    account: Account | None
    failures: list[datetime]
    account_failures: list[datetime]


def sender_account(session: Session, channel: str, address: str) -> AccountRef | None:
    """The account whose contact is this sender (a web sender by its SMS phone), if any.

    A phone on file for several accounts answers with the oldest of them.
    """
    with session.begin():
        found = contacts.accounts_for(
            session, contact_channel(channel), sender_address(channel, address)
        )
        if not found:
            return None
        account = found[0]
        return AccountRef(account.account_number, account.name, account.consumer, account.timezone)


def verify_sender(
    session: Session,
    channel: str,
    address: str,
    given_account: str,
    given_postal_code: str,
    now: datetime,
    policy: Policy,
    alternatives: Sequence[tuple[str, str]] = (),
    dialogue_intents: Sequence[str] | None = None,
) -> VerificationResult:
    """Checks the sender's answer and records it (SPEC §5 Verification).

    ``alternatives`` are other ways to read the same message (``12345 02139`` both ways
    round, :mod:`bot.policy.verification_answers`): each is checked against the account it
    names, and the message verifies when one matches. A wrong message is one failure for
    each account its readings name (or one "no account" failure when they name none), so
    adding readings never spares the account an attacker is after.

    Failures lock per sender and account (``verification_max_failures``) and per account
    from any senders (``verification_account_max_failures``); a locked reading is refused
    unchecked. The failure that locks opens one ``verification_failed`` escalation, linked
    to the account when the sender's phone or chat id is on file for it, else carrying the
    number the sender named (reused while one is open); ``dialogue_intents`` (the chat
    turn's) go to its handoff summary. A verified Telegram chat is linked
    to the account as its Telegram contact.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    address = sender_address(channel, address)
    answers = list(dict.fromkeys([(given_account, given_postal_code), *alternatives]))
    with session.begin():
        on_file = contacts.accounts_for(session, contact_channel(channel), address)
        since = now - timedelta(hours=policy.verification_window_hours)
        tries = [_try(session, channel, address, a, p, on_file, since) for a, p in answers]
        checked = [(t, _check(t, on_file, now, policy)) for t in tries]
        unlocked, refused = _split_locked(checked, now, policy)
        if not unlocked or (_name_an_account(refused) and not _name_an_account(unlocked)):
            # refused unchecked and not recorded (a lock only ends with time): every
            # reading is locked, or the locked account is the only one the message names
            own = any(rules.is_locked(t.failures, now, policy) for t, _ in refused)
            until = refused[0][1].locked_until
            return VerificationResult("locked", None, 0, until, escalated=own)
        for attempt, outcome in unlocked:
            if outcome.status is rules.VerificationStatus.VERIFIED and attempt.account:
                _record(session, channel, address, attempt.account.id, outcome, now)
                _link(session, channel, address, attempt.account, now)
                return VerificationResult(
                    "verified",
                    attempt.account.account_number,
                    outcome.failures_left,
                    None,
                    reading=(attempt.given_account, attempt.given_postal_code),
                )
        return _failed(session, channel, address, unlocked, on_file, now, dialogue_intents)


def _try(
    session: Session,
    channel: str,
    address: str,
    given_account: str,
    given_postal_code: str,
    on_file: Sequence[Account],
    since: datetime,
) -> _Try:
    account = _resolve(session, given_account, given_postal_code, on_file)
    account_id = None if account is None else account.id
    mine = verifications.failures(session, channel, address, account_id, since)
    everyone = (
        [] if account is None else verifications.failures_on_account(session, account.id, since)
    )
    return _Try(given_account, given_postal_code, account, mine, everyone)


def _check(
    attempt: _Try, on_file: Sequence[Account], now: datetime, policy: Policy
) -> rules.VerificationOutcome:
    key = rules.AccountKey("", "")
    if attempt.account is not None:
        key = rules.AccountKey(attempt.account.account_number, attempt.account.postal_code)
    return rules.verify(
        key,
        attempt.given_account,
        attempt.given_postal_code,
        sender_on_file=attempt.account is not None and attempt.account in on_file,
        failures=attempt.failures,
        account_failures=attempt.account_failures,
        now=now,
        policy=policy,
    )


_Checked = tuple[_Try, rules.VerificationOutcome]


def _split_locked(
    checked: Sequence[_Checked], now: datetime, policy: Policy
) -> tuple[list[_Checked], list[_Checked]]:
    """The readings whose account was not locked before this answer, and those it was."""
    unlocked: list[_Checked] = []
    refused: list[_Checked] = []
    for attempt, outcome in checked:
        locked = _locked_before(attempt, now, policy)
        (refused if locked else unlocked).append((attempt, outcome))
    return unlocked, refused


def _name_an_account(checked: Sequence[_Checked]) -> bool:
    return any(attempt.account is not None for attempt, _ in checked)


def _locked_before(attempt: _Try, now: datetime, policy: Policy) -> bool:
    """Whether the account this reading names was locked before the answer came."""
    return rules.is_locked(attempt.failures, now, policy) or rules.account_is_locked(
        attempt.account_failures, now, policy
    )


def _failed(
    session: Session,
    channel: str,
    address: str,
    unlocked: Sequence[tuple[_Try, rules.VerificationOutcome]],
    on_file: Sequence[Account],
    now: datetime,
    dialogue_intents: Sequence[str] | None,
) -> VerificationResult:
    """Records the wrong answer against each account it named; locks and escalates."""
    named = [(t, o) for t, o in unlocked if t.account is not None] or list(unlocked[:1])
    charged: set[int | None] = set()
    for attempt, outcome in named:
        account_id = None if attempt.account is None else attempt.account.id
        if account_id not in charged:
            charged.add(account_id)
            _record(session, channel, address, account_id, outcome, now)
    locks = [(t, o) for t, o in named if o.status is rules.VerificationStatus.LOCKED]
    for attempt, outcome in locks:
        _escalate_lock(session, channel, address, attempt, on_file, outcome, now, dialogue_intents)
    if locks:
        return VerificationResult("locked", None, 0, locks[0][1].locked_until, escalated=True)
    known = next((t.given_account for t, _ in named if t.account is not None), None)
    left = min(o.failures_left for _, o in named)
    return VerificationResult("failed", None, left, None, known_account=known)


def is_locked(session: Session, channel: str, address: str, now: datetime, policy: Policy) -> bool:
    """Whether the sender is locked out of verification for any account (or guessing)."""
    address = sender_address(channel, address)
    since = now - timedelta(hours=policy.verification_window_hours)
    with session.begin():
        grouped = verifications.failures_by_account(session, channel, address, since)
    return any(rules.is_locked(times, now, policy) for times in grouped.values())


def _resolve(
    session: Session, given_account: str, given_postal_code: str, on_file: Sequence[Account]
) -> Account | None:
    """The account the answer names: by its full number, or by last 4 among those on file.

    Several accounts on file with the same last 4 digits: the one whose postal code the
    answer matches, else the first.
    """
    spelled = "".join(given_account.split()).replace("-", "").upper()
    if not spelled:
        return None
    account = accounts.by_number(session, given_account.strip())
    account = account or verifications.account_by_spelling(session, spelled)
    if account is not None:
        return account
    candidates = [
        a
        for a in on_file
        if rules.account_matches(a.account_number, given_account, sender_on_file=True)
    ]
    matching = [a for a in candidates if rules.postal_codes_match(a.postal_code, given_postal_code)]
    chosen = matching or candidates
    return chosen[0] if chosen else None


def _record(
    session: Session,
    channel: str,
    address: str,
    account_id: int | None,
    outcome: rules.VerificationOutcome,
    now: datetime,
) -> None:
    verified = outcome.status is rules.VerificationStatus.VERIFIED
    attempt = verifications.add(session, channel, address, account_id, succeeded=verified, at=now)
    audit.record(
        session,
        at=now,
        entity="verification",
        entity_id=attempt.id,
        action=outcome.status.value,
        detail={"channel": channel, "account_id": account_id},
    )


def _link(session: Session, channel: str, address: str, account: Account, now: datetime) -> None:
    """Links a verified Telegram chat to the account; marks an SMS contact on file verified."""
    kind = contact_channel(channel)
    if kind != "telegram":
        contact = contacts.of_account(session, account.id, kind)
        if contact is not None and contact.address == address:
            contact.verified_at = now
        return
    contact, replaced = contacts.link(session, account.id, kind, address, now)
    audit.record(
        session,
        at=now,
        entity="contact",
        entity_id=contact.id,
        action="linked",
        detail={"account_id": account.id, "channel": kind, "replaced": replaced is not None},
    )


def _escalate_lock(
    session: Session,
    channel: str,
    address: str,
    attempt: _Try,
    on_file: Sequence[Account],
    outcome: rules.VerificationOutcome,
    now: datetime,
    dialogue_intents: Sequence[str] | None,
) -> None:
    """Opens (or reuses) the ``verification_failed`` case of this lock.

    Linked to the account only when the sender's phone or chat id is on file for it:
    anyone may type any account number, and a linked case would hold the account's
    reminders. Otherwise the case carries the number the sender named, for the collector.
    """
    account = attempt.account
    linked = account if account is not None and account in on_file else None
    named = None
    if linked is None:
        named = account.account_number if account is not None else attempt.given_account
        named = named.strip()[:NAMED_ACCOUNT_CHARS] or None
    note = "verification locked after repeated failures"
    if outcome.account_wide:
        note = "verification of the account locked: failures from several senders"
    escalation, created = queue.open_or_reuse(
        session,
        "verification_failed",
        account_id=None if linked is None else linked.id,
        channel=channel,
        address=address,
        conversation=conversations.current(session, channel, address),
        note=note,
        now=now,
        named_account=named,
        dialogue_intents=dialogue_intents,
    )
    if not created and note not in escalation.note:
        escalation.note = f"{escalation.note}\n{note}".strip()
