"""Which Rasa replica a conversation goes to, and which replicas are down for now.

Each sender ranks the replicas by a hash of (replica URL, sender id) — rendezvous hashing.
The hash is BLAKE2b, the same in every process and on every start (Python's ``hash()`` of
a string is salted per process, so two gateway processes would disagree), so a sender
always starts on the same replica; senders spread evenly; and adding or removing a
replica moves only the senders that gain or lose it.

A replica that failed is marked down for :data:`DOWN_SECONDS`: meanwhile its senders go to
the next replica of their own ranking (the shared tracker store and Redis lock store let
the conversation go on there), and afterwards it is tried again, so its senders move back
once it answers. Replicas marked down are still tried last, so a message is only given up
when every replica has failed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence

#: how long a failed replica is passed over before it is tried again
DOWN_SECONDS = 10.0


def rank(urls: Sequence[str], sender_id: str) -> tuple[str, ...]:
    """``urls`` in the order ``sender_id`` tries them: highest rendezvous score first."""
    return tuple(sorted(urls, key=lambda url: _score(url, sender_id), reverse=True))


def _score(url: str, sender_id: str) -> int:
    digest = hashlib.blake2b(
        f"{url}\n{sender_id}".encode(), digest_size=8, person=b"arbot-rasa"
    ).digest()
    return int.from_bytes(digest, "big")


class ReplicaSet:
    """The replicas of one gateway process and the ones it has seen fail lately.

    Args:
        urls: the replicas' base URLs, each once.
        down_seconds: how long a failed replica is passed over.
        clock: a monotonic clock in seconds (tests step it).
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        down_seconds: float = DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("urls: at least one Rasa server is needed")
        if len(set(urls)) != len(urls):
            raise ValueError(f"urls: a replica is named twice in {', '.join(urls)}")
        self.urls = tuple(urls)
        self._down_seconds = down_seconds
        self._clock = clock
        self._down_until: dict[str, float] = {}

    def ranking(self, sender_id: str) -> tuple[str, ...]:
        """Every replica in ``sender_id``'s own order, whether up or down."""
        return rank(self.urls, sender_id)

    def order(self, sender_id: str) -> tuple[str, ...]:
        """The replicas to try for ``sender_id`` now: the ranking, those marked down last."""
        ranking = self.ranking(sender_id)
        down = {url for url in ranking if self.is_down(url)}
        return tuple(u for u in ranking if u not in down) + tuple(u for u in ranking if u in down)

    def is_down(self, url: str) -> bool:
        """True while ``url`` is marked down."""
        until = self._down_until.get(url)
        if until is None:
            return False
        if self._clock() >= until:
            del self._down_until[url]
            return False
        return True

    def mark_down(self, url: str) -> None:
        """Passes ``url`` over for the next :data:`DOWN_SECONDS` (from now)."""
        self._down_until[url] = self._clock() + self._down_seconds

    def mark_up(self, url: str) -> None:
        """``url`` answered: its senders come back to it."""
        self._down_until.pop(url, None)
