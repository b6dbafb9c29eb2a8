"""Identity verification before anything about the debt is disclosed (SPEC §5 Verification).

A customer proves who they are with the account number (or its last 4 digits when they
write from a phone number or chat id on file) plus the billing postal code.
``verification_max_failures`` failures within a rolling ``verification_window_hours`` lock
verification for that sender and account until the oldest of them leaves the window, and
``verification_account_max_failures`` failures on one account from any senders lock that
account's chat verification the same way (a web chat sender is any string, so a limit per
sender alone could be dodged by changing it).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.policy.rules import Policy

_US_ZIP = re.compile(r"\d{5}(?:\d{4})?", re.ASCII)
_LAST_DIGITS = 4


@dataclass(frozen=True)
class AccountKey:
    """What is on file for the account the customer claims."""

    account_number: str
    postal_code: str


class VerificationStatus(str, Enum):
    """Result of one verification attempt."""

    VERIFIED = "verified"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True)
class VerificationOutcome:
    """A verification result and what the bot may say about attempts left.

    Attributes:
        status: verified, failed, or locked (this attempt locked it, or it already was).
        failures_left: failures still allowed in the window before the lock.
        locked_until: when verification unlocks; ``None`` unless ``status`` is LOCKED.
        account_wide: the lock is the account's, across senders, rather than this
            sender's alone.
    """

    status: VerificationStatus
    failures_left: int
    locked_until: datetime | None
    account_wide: bool = False


def normalize_postal_code(text: str) -> str:
    """Canonical form of a postal code, so the customer's spelling does not matter.

    Upper case without spaces or hyphens; a US ZIP+4 (``"12345-6789"``) is cut to its
    5-digit ZIP, because customers rarely know the +4 and billing systems often omit it.
    """
    cleaned = re.sub(r"[\s-]+", "", text).upper()
    if _US_ZIP.fullmatch(cleaned):
        return cleaned[:5]
    return cleaned


def postal_codes_match(on_file: str, given: str) -> bool:
    """Whether two postal codes are the same once normalized (a blank never matches)."""
    expected = normalize_postal_code(on_file)
    return bool(expected) and _same(expected, normalize_postal_code(given))


def account_matches(account_number: str, given: str, *, sender_on_file: bool) -> bool:
    """Whether ``given`` identifies the account.

    The full account number matches ignoring case, spaces and hyphens. The last 4 digits
    alone are enough only when the sender (phone or chat id) is already on file for the
    account: the sender itself is then the first factor.
    """
    expected = _normalize_account(account_number)
    answer = _normalize_account(given)
    if not expected or not answer:
        return False
    if _same(expected, answer):
        return True
    return (
        sender_on_file
        and len(answer) == _LAST_DIGITS
        and answer.isascii()
        and answer.isdigit()
        and len(expected) > _LAST_DIGITS
        and _same(expected[-_LAST_DIGITS:], answer)
    )


def recent_failures(failures: Iterable[datetime], now: datetime, policy: Policy) -> list[datetime]:
    """The failures inside the rolling window ending ``now``, oldest first.

    The window is ``(now - verification_window_hours, now]``; a failure stamped slightly
    after ``now`` (clock skew between processes) still counts, so it can never unlock early.
    """
    start = now - timedelta(hours=policy.verification_window_hours)
    return sorted(failure for failure in failures if failure > start)


def is_locked(failures: Iterable[datetime], now: datetime, policy: Policy) -> bool:
    """Whether one sender is locked out of an account: the window holds the maximum failures."""
    return len(recent_failures(failures, now, policy)) >= policy.verification_max_failures


def account_is_locked(failures: Iterable[datetime], now: datetime, policy: Policy) -> bool:
    """Whether an account's chat verification is locked by failures from any senders."""
    recent = recent_failures(failures, now, policy)
    return len(recent) >= policy.verification_account_max_failures


def locked_until(
    failures: Iterable[datetime], now: datetime, policy: Policy, maximum: int | None = None
) -> datetime | None:
    """When a lock ends: the moment enough failures have left the window; ``None`` if unlocked.

    ``maximum`` is the limit the failures are held against: a sender's
    (``verification_max_failures``, the default) or an account's across senders.
    """
    recent = recent_failures(failures, now, policy)
    excess = len(recent) - (policy.verification_max_failures if maximum is None else maximum)
    if excess < 0:
        return None
    return recent[excess] + timedelta(hours=policy.verification_window_hours)


def verify(
    account: AccountKey,
    given_account: str,
    given_postal_code: str,
    *,
    sender_on_file: bool,
    failures: Sequence[datetime],
    now: datetime,
    policy: Policy,
    account_failures: Sequence[datetime] = (),
) -> VerificationOutcome:
    """Checks one verification attempt against what is on file.

    ``failures`` are this sender's on the account; ``account_failures`` everyone's on it.
    A locked sender or account is answered LOCKED without looking at the answer, so a lock
    cannot be used to keep guessing (nor a new sender to guess again). A wrong answer that
    fills either window locks (the caller records the failure and opens the
    ``verification_failed`` escalation). A success leaves earlier failures in place:
    ``failures_left`` counts what remains of the tighter window.
    """
    mine = recent_failures(failures, now, policy)
    everyone = recent_failures(account_failures, now, policy)
    lock = _lock(mine, everyone, now, policy)
    if lock is not None:
        return lock
    left = min(
        policy.verification_max_failures - len(mine),
        policy.verification_account_max_failures - len(everyone),
    )
    if account_matches(
        account.account_number, given_account, sender_on_file=sender_on_file
    ) and postal_codes_match(account.postal_code, given_postal_code):
        return VerificationOutcome(VerificationStatus.VERIFIED, left, None)
    return _lock([*mine, now], [*everyone, now], now, policy) or VerificationOutcome(
        VerificationStatus.FAILED, left - 1, None
    )


def _lock(
    mine: Sequence[datetime], everyone: Sequence[datetime], now: datetime, policy: Policy
) -> VerificationOutcome | None:
    """The lock these failures (the sender's, everyone's on the account) make, if any."""
    if len(mine) >= policy.verification_max_failures:
        return VerificationOutcome(VerificationStatus.LOCKED, 0, locked_until(mine, now, policy))
    maximum = policy.verification_account_max_failures
    if len(everyone) >= maximum:
        until = locked_until(everyone, now, policy, maximum)
        return VerificationOutcome(VerificationStatus.LOCKED, 0, until, account_wide=True)
    return None


def session_expired(last_activity: datetime, now: datetime, policy: Policy) -> bool:
    """Whether a verified session has ended: idle for more than ``session_idle_minutes``."""
    return now - last_activity > timedelta(minutes=policy.session_idle_minutes)


def _normalize_account(text: str) -> str:
    return re.sub(r"[\s-]+", "", text).upper()


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison, so response timing does not leak how much was right."""
    return hmac.compare_digest(expected.encode(), given.encode())
