"""When an outbound message that failed is tried again, and when it is given up (SPEC §7).

A retryable failure (the provider was busy, failing or unreachable) is tried again after
an exponential backoff with jitter — ``base`` × 2^(attempt − 1), at most ``cap``, each
wait drawn between half and all of that so a crowd of failed messages does not come back
at one instant — for up to ``give_up_after`` from when the message was queued; then, or
at once for a refusal (a bad number, a blocked bot), the message is ``failed`` with the
reason. Automated messages are retried only inside the customer's contact window: the
caller moves the chosen instant to the window's next opening
(:func:`bot.policy.contact_windows.window_decision`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: the dispatch states of an outbound message (docs/channels.md)
PENDING, SENDING, DONE, FAILED, IN_DOUBT, DISCARDED = (
    "pending",
    "sending",
    "done",
    "failed",
    "in_doubt",
    "discarded",
)
#: states a person may act on (``arbot outbox --failed``, /console/failed)
NEEDS_A_PERSON = (FAILED, IN_DOUBT)


@dataclass(frozen=True)
class RetryPolicy:
    """How failed sends are retried.

    Attributes:
        base: the first wait.
        cap: the longest single wait.
        give_up_after: how long after queueing a message is still tried.
    """

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)
    give_up_after: timedelta = timedelta(hours=24)


DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class RetryDecision:
    """What to do after a failed attempt.

    Attributes:
        retry_at: when to try again (UTC), or None when the message is given up.
        reason: why it is given up (None when it is retried).
    """

    retry_at: datetime | None
    reason: str | None = None


def backoff(attempts: int, jitter: float, policy: RetryPolicy = DEFAULT_RETRY) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1 for the first).

    Args:
        jitter: a number in [0, 1]; the wait is between half (0) and all (1) of the
            exponential step.
    """
    if attempts < 1:
        raise ValueError(f"attempts: {attempts} is not a count of failed attempts (>= 1)")
    if not 0.0 <= jitter <= 1.0:
        raise ValueError(f"jitter: {jitter} is not between 0 and 1")
    step: timedelta = min(policy.base * (2 ** min(attempts - 1, 30)), policy.cap)
    return step * (0.5 + jitter / 2)


def after_failure(
    *,
    queued_at: datetime,
    now: datetime,
    attempts: int,
    retryable: bool,
    error: str,
    jitter: float,
    policy: RetryPolicy = DEFAULT_RETRY,
) -> RetryDecision:
    """Whether and when a message whose ``attempts``-th attempt failed is tried again."""
    if not retryable:
        return RetryDecision(None, error)
    at = now + backoff(attempts, jitter, policy)
    deadline = queued_at + policy.give_up_after
    if now >= deadline:
        return RetryDecision(None, f"{error} (still failing after {_hours(policy)}, given up)")
    return RetryDecision(min(at, deadline))


def _hours(policy: RetryPolicy) -> str:
    hours = policy.give_up_after.total_seconds() / 3600
    return f"{hours:g} h"
