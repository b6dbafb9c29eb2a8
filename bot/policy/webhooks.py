"""Outbound webhooks of the change feed (SPEC §15): the signature and the retry timetable.

Pure: no clock, no randomness of its own, no I/O. The signature is
``X-Arbot-Signature: t=UNIX,v1=HEX``, HEX being HMAC-SHA256(secret, "{t}.{body}") in
lower-case hex — the receiver recomputes it over the raw body and the ``t`` it was sent,
and refuses a stale ``t`` so a captured request cannot be replayed later. A failed
delivery is tried again after an exponential backoff with jitter (``base`` × 2^(n − 1),
at most ``cap``, each wait drawn between half and all of it) for 24 hours from the first
attempt; then it is given up (``failed``) and the account's next event goes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

HEADER = "X-Arbot-Signature"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Arbot-Signature`` value of ``body`` sent at ``timestamp`` (Unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_valid(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of
    ``now`` — what a receiver checks (docs/api.md shows the same in 15 lines)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    timestamp = int(parts["t"])
    expected = signature(secret, timestamp, body).rpartition("v1=")[2]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts["v1"])


@dataclass(frozen=True)
class WebhookRetry:
    """How failed deliveries are retried.

    Attributes:
        base: the first wait.
        cap: the longest single wait.
        give_up_after: how long after its first attempt a delivery is still tried.
    """

    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(hours=24)

    def next_attempt(
        self, first_attempt: datetime, attempts: int, now: datetime, jitter: float
    ) -> datetime | None:
        """When to try again after ``attempts`` failures (the last try falls at the deadline),
        or None once the deadline has passed.

        Args:
            jitter: a number in [0, 1) drawn by the caller; the wait is scaled into
                [½, 1) of the backoff by it.
        """
        deadline = first_attempt + self.give_up_after
        if now >= deadline:
            return None
        backoff: timedelta = min(self.cap, self.base * 2 ** max(0, min(attempts, 30) - 1))
        later: datetime = now + backoff * (0.5 + jitter / 2)
        return min(deadline, later)


DEFAULT_WEBHOOK_RETRY = WebhookRetry()
