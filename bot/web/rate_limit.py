"""A per-client rate limit for the web chat (SPEC §5: rate-limited per client).

A token bucket per client address: ``per_minute`` messages in a burst, refilled at
``per_minute`` a minute. A request over the limit is answered ``429`` with ``Retry-After``
(whole seconds until the next message is allowed) and never reaches the gateway, so it is
not recorded nor shown to Rasa.

In process: each web app process keeps its own buckets (several instances behind a load
balancer each allow the limit; a restart forgets them). That bounds how fast one client can
try answers; the limit on failures per account (``ARBOT_POLICY_VERIFICATION_ACCOUNT_MAX_FAILURES``)
is what holds across processes and senders. The client is the peer address uvicorn reports,
which is the ``X-Forwarded-For`` client only behind a proxy uvicorn trusts
(``FORWARDED_ALLOW_IPS``, by default 127.0.0.1) — see docs/deploy.md.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: the most clients remembered at once; the least recently seen are forgotten first
MAX_CLIENTS = 10_000
SECONDS_PER_MINUTE = 60.0


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets keyed by client; ``per_minute`` 0 lets everything through."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Takes one message from ``client``'s bucket: 0 when allowed, else the seconds
        (at least 1) until the next one is."""
        if self.per_minute <= 0:
            return 0
        rate = self.per_minute / SECONDS_PER_MINUTE  # tokens a second
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            self._buckets[client] = bucket  # most recently seen last
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / rate))
