"""The gateway's Rasa replicas: sticky by sender, spread evenly, failing over and back.

The replicas are fakes behind one ``httpx.MockTransport`` (each URL a replica that can be
switched off, or made to answer a status) and the clock is stepped by hand, so the tests
say exactly which replica took each message.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from bot.errors import DialogueUnavailable
from integrations.rasa import BotMessage, RasaRestEngine
from integrations.replicas import DOWN_SECONDS, ReplicaSet, rank

URLS = ("http://rasa-1:5005", "http://rasa-2:5005", "http://rasa-3:5005")


@dataclass
class Cluster:
    """Fake replicas: who got which sender's messages, and which are off or failing."""

    off: set[str] = field(default_factory=set)
    status: dict[str, int] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    got: list[tuple[str, str]] = field(default_factory=list)  # (replica, sender)

    def handle(self, request: httpx.Request) -> httpx.Response:
        replica = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        if replica in self.off:
            raise httpx.ConnectError("connection refused", request=request)
        if replica in self.slow:
            raise httpx.ReadTimeout("no answer", request=request)
        sender = json.loads(request.content)["sender"]
        self.got.append((replica, sender))
        if replica in self.status:
            return httpx.Response(self.status[replica], json={"error": "failing"})
        return httpx.Response(200, json=[{"recipient_id": sender, "text": replica}])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def engine_for(cluster: Cluster, clock: Clock) -> RasaRestEngine:
    return RasaRestEngine(
        URLS,
        transport=httpx.MockTransport(cluster.handle),
        replicas=ReplicaSet(URLS, clock=clock),
    )


def answered_by(engine: RasaRestEngine, sender: str) -> str:
    """Sends one message from ``sender``; the replica that answered (its reply says)."""

    async def call() -> list[BotMessage]:
        try:
            return await engine.send(sender, "hi", {})
        finally:
            await engine.aclose()

    return asyncio.run(call())[0].text


def senders(count: int) -> list[str]:
    return [f"sms:+1617{n:07d}" for n in range(count)]


def test_each_sender_sticks_to_one_replica_across_engines_and_messages() -> None:
    cluster, clock = Cluster(), Clock()
    first, second = engine_for(cluster, clock), engine_for(cluster, clock)
    for sender in senders(60):
        home = first.replicas_for(sender)[0]
        assert {answered_by(first, sender) for _ in range(3)} == {home}
        assert answered_by(second, sender) == home


def test_the_ranking_does_not_depend_on_the_order_the_urls_are_listed() -> None:
    for sender in senders(200):
        assert rank(URLS, sender) == rank(tuple(reversed(URLS)), sender)


def test_three_thousand_senders_spread_over_three_replicas() -> None:
    homes = Counter(rank(URLS, sender)[0] for sender in senders(3000))
    assert set(homes) == set(URLS)
    for url in URLS:
        assert 0.25 <= homes[url] / 3000 <= 0.42, homes


def test_a_fourth_replica_takes_senders_only_from_the_others_never_swaps_them() -> None:
    grown = (*URLS, "http://rasa-4:5005")
    moved = [s for s in senders(3000) if rank(URLS, s)[0] != rank(grown, s)[0]]
    assert all(rank(grown, s)[0] == "http://rasa-4:5005" for s in moved)
    assert 0.15 <= len(moved) / 3000 <= 0.35


def test_a_down_replica_sends_its_senders_to_their_next_replica_the_others_stay() -> None:
    cluster, clock = Cluster(off={URLS[0]}), Clock()
    engine = engine_for(cluster, clock)
    for sender in senders(90):
        ranking = engine.replicas_for(sender)
        expected = ranking[1] if ranking[0] == URLS[0] else ranking[0]
        assert answered_by(engine, sender) == expected
    assert URLS[0] not in {replica for replica, _ in cluster.got}


def test_a_replica_marked_down_is_not_tried_first_until_the_down_time_is_over() -> None:
    cluster, clock = Cluster(off={URLS[0]}), Clock()
    engine = engine_for(cluster, clock)
    sender = next(s for s in senders(100) if engine.replicas_for(s)[0] == URLS[0])
    answered_by(engine, sender)
    attempts = Counter[str]()

    def counting(request: httpx.Request) -> httpx.Response:
        attempts[f"http://{request.url.host}:{request.url.port}"] += 1
        return cluster.handle(request)

    engine._transport = httpx.MockTransport(counting)
    clock.now += DOWN_SECONDS / 2
    answered_by(engine, sender)
    assert attempts[URLS[0]] == 0  # passed over: no connection attempt while marked down
    clock.now += DOWN_SECONDS
    answered_by(engine, sender)
    assert attempts[URLS[0]] == 1  # tried again once the down time is over


def test_when_the_replica_is_back_its_senders_return_to_it() -> None:
    cluster, clock = Cluster(off={URLS[1]}), Clock()
    engine = engine_for(cluster, clock)
    sender = next(s for s in senders(100) if engine.replicas_for(s)[0] == URLS[1])
    assert answered_by(engine, sender) == engine.replicas_for(sender)[1]
    cluster.off.clear()
    assert answered_by(engine, sender) == engine.replicas_for(sender)[1]  # still passed over
    clock.now += DOWN_SECONDS + 1
    assert answered_by(engine, sender) == URLS[1]
    assert not engine.replicas.is_down(URLS[1])


@pytest.mark.parametrize("status", [502, 503])
def test_a_replica_answering_that_it_did_not_take_the_message_fails_over(status: int) -> None:
    cluster, clock = Cluster(status={URLS[2]: status}), Clock()
    engine = engine_for(cluster, clock)
    sender = next(s for s in senders(100) if engine.replicas_for(s)[0] == URLS[2])
    assert answered_by(engine, sender) == engine.replicas_for(sender)[1]
    assert engine.replicas.is_down(URLS[2])


@pytest.mark.parametrize(
    ("failure", "expected"), [("status", "HTTP 500"), ("slow", "did not answer in time")]
)
def test_a_replica_that_may_have_acted_is_not_asked_again_elsewhere_but_passed_over(
    failure: str, expected: str
) -> None:
    cluster, clock = Cluster(), Clock()
    if failure == "status":
        cluster.status[URLS[0]] = 500
    else:
        cluster.slow.add(URLS[0])
    engine = engine_for(cluster, clock)
    sender = next(s for s in senders(100) if engine.replicas_for(s)[0] == URLS[0])
    with pytest.raises(DialogueUnavailable, match=expected):
        answered_by(engine, sender)
    assert [replica for replica, _ in cluster.got] == ([URLS[0]] if failure == "status" else [])
    assert answered_by(engine, sender) == engine.replicas_for(sender)[1]  # the next message


def test_every_replica_down_is_dialogue_unavailable_naming_each() -> None:
    cluster, clock = Cluster(off=set(URLS)), Clock()
    engine = engine_for(cluster, clock)
    with pytest.raises(DialogueUnavailable, match="no Rasa server answered") as raised:
        answered_by(engine, "web:+16175550101")
    assert all(url in str(raised.value) for url in URLS)


def test_a_replica_set_refuses_a_url_named_twice() -> None:
    with pytest.raises(ValueError, match="named twice"):
        ReplicaSet((URLS[0], URLS[0]))
