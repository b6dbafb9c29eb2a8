"""Identity verification (bot.policy.verification)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.policy.rules import DEFAULT_POLICY
from bot.policy.verification import (
    AccountKey,
    VerificationOutcome,
    VerificationStatus,
    account_is_locked,
    is_locked,
    normalize_postal_code,
    recent_failures,
    session_expired,
    verify,
)

NOW = datetime(2026, 3, 15, 14, 0, tzinfo=timezone.utc)
ACCOUNT = AccountKey(account_number="AC-100234", postal_code="02134-1234")
HOUR = timedelta(hours=1)


def _verify(
    given_account: str,
    given_postal: str,
    *,
    sender_on_file: bool = False,
    failures: tuple[datetime, ...] = (),
    account_failures: tuple[datetime, ...] = (),
) -> VerificationOutcome:
    return verify(
        ACCOUNT,
        given_account,
        given_postal,
        sender_on_file=sender_on_file,
        failures=failures,
        account_failures=account_failures,
        now=NOW,
        policy=DEFAULT_POLICY,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a 1aa", "SW1A1AA"),
        ("K1A-0B1", "K1A0B1"),
        ("12345-6789", "12345"),
        ("123456789", "12345"),
        (" 12345 ", "12345"),
        ("1234", "1234"),
        ("", ""),
    ],
    ids=[
        "uk-spaces-case",
        "hyphen",
        "zip-plus-4",
        "zip-plus-4-unhyphenated",
        "spaces",
        "short",
        "empty",
    ],
)
def test_normalize_postal_code_uppercases_and_drops_separators(text: str, expected: str) -> None:
    assert normalize_postal_code(text) == expected


@pytest.mark.parametrize(
    ("given_account", "given_postal", "sender_on_file", "status"),
    [
        ("AC-100234", "02134", False, VerificationStatus.VERIFIED),
        ("ac 100234", "02134-1234", False, VerificationStatus.VERIFIED),
        ("AC100234", "02134 9999", False, VerificationStatus.VERIFIED),
        ("0234", "02134", True, VerificationStatus.VERIFIED),
        ("0234", "02134", False, VerificationStatus.FAILED),
        ("234", "02134", True, VerificationStatus.FAILED),
        ("AC-100235", "02134", False, VerificationStatus.FAILED),
        ("AC-100234", "02135", False, VerificationStatus.FAILED),
        ("AC-100234", "", False, VerificationStatus.FAILED),
        ("", "02134", True, VerificationStatus.FAILED),
    ],
    ids=[
        "full-number-and-zip",
        "case-spaces-and-zip-plus-4",
        "any-plus-4-matches-the-zip",
        "last-4-with-sender-on-file",
        "last-4-without-sender-on-file",
        "last-3-is-not-enough",
        "wrong-account",
        "wrong-postal-code",
        "blank-postal-code",
        "blank-account",
    ],
)
def test_verify_needs_the_account_and_the_postal_code(
    given_account: str, given_postal: str, sender_on_file: bool, status: VerificationStatus
) -> None:
    outcome = _verify(given_account, given_postal, sender_on_file=sender_on_file)
    assert outcome.status is status


def test_a_blank_postal_code_on_file_never_verifies() -> None:
    outcome = verify(
        AccountKey("AC-1", ""),
        "AC-1",
        "",
        sender_on_file=False,
        failures=(),
        now=NOW,
        policy=DEFAULT_POLICY,
    )
    assert outcome.status is VerificationStatus.FAILED


@pytest.mark.parametrize(
    ("earlier_failures", "status", "failures_left"),
    [
        (0, VerificationStatus.FAILED, 2),
        (1, VerificationStatus.FAILED, 1),
        (2, VerificationStatus.LOCKED, 0),
    ],
    ids=["first-failure", "second-failure", "third-failure-locks"],
)
def test_the_third_failure_in_24_hours_locks(
    earlier_failures: int, status: VerificationStatus, failures_left: int
) -> None:
    failures = tuple(NOW - (k + 1) * HOUR for k in range(earlier_failures))
    outcome = _verify("AC-100234", "99999", failures=failures)
    assert (outcome.status, outcome.failures_left) == (status, failures_left)


def test_a_lock_lasts_until_the_oldest_failure_leaves_the_window() -> None:
    failures = (NOW - 5 * HOUR, NOW - 2 * HOUR)
    outcome = _verify("AC-100234", "99999", failures=failures)
    assert outcome.locked_until == NOW + 19 * HOUR


def test_a_locked_sender_is_refused_even_with_the_right_answer() -> None:
    failures = (NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR)
    outcome = _verify("AC-100234", "02134", failures=failures)
    assert (outcome.status, outcome.locked_until) == (VerificationStatus.LOCKED, NOW + 21 * HOUR)


@pytest.mark.parametrize(
    ("earlier_on_account", "status", "failures_left", "account_wide"),
    [
        (0, VerificationStatus.FAILED, 2, False),
        (7, VerificationStatus.FAILED, 2, False),
        (8, VerificationStatus.FAILED, 1, False),
        (9, VerificationStatus.LOCKED, 0, True),
    ],
    ids=["first-on-account", "eighth", "ninth-leaves-one", "tenth-locks-the-account"],
)
def test_the_tenth_failure_on_an_account_from_any_senders_locks_it(
    earlier_on_account: int, status: VerificationStatus, failures_left: int, account_wide: bool
) -> None:
    everyone = tuple(NOW - (k + 1) * HOUR for k in range(earlier_on_account))
    outcome = _verify("AC-100234", "99999", account_failures=everyone)
    assert (outcome.status, outcome.failures_left) == (status, failures_left)
    assert outcome.account_wide is account_wide


def test_a_locked_account_refuses_a_new_sender_with_the_right_answer() -> None:
    everyone = tuple(NOW - (k + 1) * HOUR for k in range(10))
    outcome = _verify("AC-100234", "02134", account_failures=everyone)
    assert (outcome.status, outcome.account_wide) == (VerificationStatus.LOCKED, True)
    assert outcome.locked_until == NOW + 14 * HOUR


def test_an_account_lock_ends_when_its_oldest_failures_leave_the_window() -> None:
    everyone = tuple(NOW - 23 * HOUR - k * timedelta(minutes=1) for k in range(10))
    assert account_is_locked(everyone, NOW, DEFAULT_POLICY)
    assert not account_is_locked(everyone, NOW + HOUR, DEFAULT_POLICY)
    outcome = verify(
        ACCOUNT,
        "AC-100234",
        "02134",
        sender_on_file=False,
        failures=(),
        account_failures=everyone,
        now=NOW + HOUR,
        policy=DEFAULT_POLICY,
    )
    assert outcome.status is VerificationStatus.VERIFIED


@pytest.mark.parametrize(
    ("age", "counted"),
    [(24 * HOUR, False), (24 * HOUR - timedelta(seconds=1), True), (timedelta(0), True)],
    ids=["exactly-24h-old-ignored", "just-under-24h-counted", "just-now-counted"],
)
def test_recent_failures_keeps_only_the_rolling_24_hours(age: timedelta, counted: bool) -> None:
    assert (recent_failures([NOW - age], NOW, DEFAULT_POLICY) == [NOW - age]) is counted


def test_failures_older_than_24_hours_do_not_lock() -> None:
    failures = (NOW - 30 * HOUR, NOW - 25 * HOUR, NOW - HOUR)
    outcome = _verify("AC-100234", "99999", failures=failures)
    assert (outcome.status, outcome.failures_left) == (VerificationStatus.FAILED, 1)


@pytest.mark.parametrize(
    ("count", "locked"), [(2, False), (3, True), (4, True)], ids=["two", "three", "four"]
)
def test_is_locked_from_three_failures_in_the_window(count: int, locked: bool) -> None:
    failures = [NOW - k * HOUR for k in range(count)]
    assert is_locked(failures, NOW, DEFAULT_POLICY) is locked


def test_with_more_failures_than_the_maximum_the_lock_lasts_until_enough_have_expired() -> None:
    failures = (NOW - 10 * HOUR, NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR)
    outcome = _verify("AC-100234", "02134", failures=failures)
    assert outcome.locked_until == NOW + 21 * HOUR


def test_a_success_reports_the_failures_left_in_the_window() -> None:
    outcome = _verify("AC-100234", "02134", failures=(NOW - HOUR,))
    assert (outcome.status, outcome.failures_left, outcome.locked_until) == (
        VerificationStatus.VERIFIED,
        2,
        None,
    )


@pytest.mark.parametrize(
    ("idle", "expired"),
    [
        (timedelta(minutes=29), False),
        (timedelta(minutes=30), False),
        (timedelta(minutes=30, seconds=1), True),
    ],
    ids=["29-min", "exactly-30-min", "30-min-1-s"],
)
def test_a_session_expires_after_more_than_30_idle_minutes(idle: timedelta, expired: bool) -> None:
    assert session_expired(NOW - idle, NOW, DEFAULT_POLICY) is expired
