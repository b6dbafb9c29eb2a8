"""When a failed outbound message is tried again, and when it is given up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.retries import DEFAULT_RETRY, after_failure, backoff

QUEUED = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("attempts", "jitter", "wait"),
    [
        (1, 1.0, timedelta(seconds=5)),
        (1, 0.0, timedelta(seconds=2.5)),
        (2, 1.0, timedelta(seconds=10)),
        (3, 1.0, timedelta(seconds=20)),
        (9, 1.0, timedelta(minutes=21, seconds=20)),
        (10, 1.0, timedelta(minutes=30)),
        (50, 1.0, timedelta(minutes=30)),
        (50, 0.0, timedelta(minutes=15)),
    ],
)
def test_the_wait_doubles_up_to_the_cap_scaled_by_the_jitter(
    attempts: int, jitter: float, wait: timedelta
) -> None:
    assert backoff(attempts, jitter) == wait


@given(st.integers(1, 200), st.floats(0, 1))
def test_every_wait_is_between_half_and_all_of_the_capped_step(
    attempts: int, jitter: float
) -> None:
    wait = backoff(attempts, jitter)
    assert DEFAULT_RETRY.base / 2 <= wait <= DEFAULT_RETRY.cap


@pytest.mark.parametrize(("attempts", "jitter"), [(0, 0.5), (1, -0.1), (1, 1.5)])
def test_a_bad_attempt_count_or_jitter_is_refused_naming_it(attempts: int, jitter: float) -> None:
    with pytest.raises(ValueError, match="attempts|jitter"):
        backoff(attempts, jitter)


def test_a_refusal_is_given_up_at_once_with_its_reason() -> None:
    decision = after_failure(
        queued_at=QUEUED, now=QUEUED, attempts=1, retryable=False, error="21211 bad To",
        jitter=0.5,
    )  # fmt: skip
    assert (decision.retry_at, decision.reason) == (None, "21211 bad To")


def test_a_retryable_failure_is_tried_again_after_the_backoff() -> None:
    now = QUEUED + timedelta(minutes=1)
    decision = after_failure(
        queued_at=QUEUED, now=now, attempts=2, retryable=True, error="500", jitter=1.0
    )
    assert (decision.retry_at, decision.reason) == (now + timedelta(seconds=10), None)


def test_the_last_retry_is_at_the_24_hour_mark_and_a_failure_then_gives_up() -> None:
    late = QUEUED + timedelta(hours=23, minutes=50)
    last = after_failure(
        queued_at=QUEUED, now=late, attempts=40, retryable=True, error="500", jitter=1.0
    )
    assert last.retry_at == QUEUED + timedelta(hours=24)
    given_up = after_failure(
        queued_at=QUEUED, now=QUEUED + timedelta(hours=24), attempts=41, retryable=True,
        error="twilio: 500", jitter=1.0,
    )  # fmt: skip
    assert given_up.retry_at is None
    assert given_up.reason == "twilio: 500 (still failing after 24 h, given up)"


@given(st.integers(1, 100), st.floats(0, 1), st.integers(0, 24 * 3600 - 1))
def test_a_retry_is_never_scheduled_past_24_hours_after_queueing(
    attempts: int, jitter: float, elapsed: int
) -> None:
    now = QUEUED + timedelta(seconds=elapsed)
    decision = after_failure(
        queued_at=QUEUED, now=now, attempts=attempts, retryable=True, error="x", jitter=jitter
    )
    assert decision.retry_at is not None
    assert now < decision.retry_at <= QUEUED + timedelta(hours=24)
