"""What ``bench/load_twilio.py`` checks after a phase, and the figures it prints.

A customer's messages are sequential (the next is posted once the replies to the last
arrived: the webhook answers at once and the replies follow, SPEC §7), so every SMS the
fake Twilio accepted for a customer belongs to the one message of theirs between its
post and its last reply (``Sent.settled``). The transcript joins the rest: an inbound row
per MessageSid, and its replies under the idempotency key ``reply:<inbound id>:<n>`` with
the SID Twilio gave the first SMS part.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from bot.policy.sms_text import split_sms
from bot.services.chat import TROUBLE_REPLY
from tests.fakes.twilio_api import FakeTwilio

MESSAGES = """
    select id, direction, address, provider_id, idempotency_key, delivery_status, body
    from messages where channel = 'sms' and address = any(:phones) and id > :floor
    order by id
"""


@dataclass(frozen=True)
class Sent:
    """One webhook posted: who, which MessageSid, when, and how it was answered."""

    phone: str
    sid: str
    body: str
    started: float
    finished: float
    status: int | str
    retry: bool
    attempts: int = 1
    #: when the customer had every reply (the webhook's answer when None)
    settled: float | None = None

    @property
    def answered(self) -> float:
        """Until when SMS to the customer belong to this message."""
        return self.finished if self.settled is None else self.settled


@dataclass
class Phase:
    """One phase's figures and the problems its checks found."""

    replicas: int
    action_servers: int
    customers: int
    messages: int
    replies: int
    retries: int
    elapsed: float
    latencies: list[float]
    round_trips: list[float]
    load: tuple[float, float]
    problems: list[str] = field(default_factory=list)
    #: outcomes a fault may cause (counted, not problems, when faults are expected)
    outcomes: Counter[str] = field(default_factory=Counter)
    #: when (``time.monotonic()``) each message with such an outcome was sent
    fared: list[tuple[float, str]] = field(default_factory=list)

    HEADER = (
        "replicas  actions  customers  messages  replies   msg/s   reply p50/p95/p99 ms"
        "   webhook p50/p95/p99 ms   load avg  problems"
    )

    @property
    def throughput(self) -> float:
        return self.messages / self.elapsed if self.elapsed else 0.0

    def row(self) -> str:
        p50, p95, p99 = _percentiles(self.latencies)
        w50, w95, w99 = _percentiles(self.round_trips)
        return (
            f"{self.replicas:>8}  {self.action_servers:>7}  {self.customers:>9}"
            f"  {self.messages:>8}  {self.replies:>7}  {self.throughput:>6.2f}"
            f"  {p50:>6.0f} / {p95:>5.0f} / {p99:<5.0f}  {w50:>8.0f} / {w95:>5.0f} / {w99:<5.0f}"
            f"  {self.load[0]:.1f}-{self.load[1]:.1f}  {len(self.problems):>8}"
        )

    def report(self) -> str:
        lines = [self.HEADER, self.row()]
        again = (
            f", {self.retries} duplicate deliveries answered with nothing" if self.retries else ""
        )
        lines.append(
            f"  {self.messages} customer messages in {self.elapsed:.1f} s,"
            f" {self.replies} SMS replies{again}"
        )
        if self.outcomes:
            lines.append("  outcomes: " + ", ".join(f"{n} {k}" for k, n in self.outcomes.items()))
        lines += [f"  PROBLEM: {problem}" for problem in self.problems[:30]]
        if len(self.problems) > 30:
            lines.append(f"  ... and {len(self.problems) - 30} more problems")
        if not self.problems:
            lines.append(
                "  checks: zero errors; every MessageSid answered exactly once; transcripts"
                " complete"
            )
        return "\n".join(lines)


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds."""
    if len(values) < 2:
        one = values[0] * 1000 if values else float("nan")
        return one, one, one
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


@dataclass(frozen=True)
class _Row:
    id: int
    direction: str
    address: str
    provider_id: str | None
    key: str | None
    status: str | None
    body: str


def check(
    replicas: int,
    action_servers: int,
    sent: list[Sent],
    elapsed: float,
    twilio: FakeTwilio,
    engine: Engine,
    floor: int,
    load: tuple[float, float],
    *,
    tolerant: bool = False,
) -> Phase:
    """The phase's figures, with every way it broke a promise as a problem.

    Messages up to id ``floor`` were there before the load (the demo's, the warm-up's).
    ``tolerant`` (faults were made on purpose): a message answered with the trouble reply,
    a reply Twilio refused past the sender's retries (kept as ``failed``) and a webhook
    answered only when Twilio delivered it again are outcomes to count, not problems; a
    message with no reply, or one sent twice, is still a problem.
    """
    originals = [s for s in sent if not s.retry]
    phones = sorted({s.phone for s in sent})
    with engine.connect() as connection:
        rows = [
            _Row(*row)
            for row in connection.execute(text(MESSAGES), {"phones": phones, "floor": floor})
        ]
    accepted = [
        (message, at)
        for message, at in zip(twilio.accepted, twilio.accepted_at, strict=True)
        if message["To"] in phones
    ]
    problems = [f"{s.phone} {s.sid}: HTTP {s.status}" for s in sent if s.status != 200]
    latencies, used, answers = _answers(originals, rows, accepted, problems)
    fared = [(s.started, kind) for s, kind in answers if kind != "answered"]
    fared += [(s.started, "redelivered by Twilio") for s in sent if s.attempts > 1]
    outcomes = Counter(kind for _, kind in fared)
    if not tolerant:
        problems += [f"{n} messages {kind}" for kind, n in outcomes.items() if n]
    if len(used) != len(accepted):
        problems.append(f"{len(accepted) - len(used)} SMS accepted outside any webhook")
    problems += _transcripts(originals, rows, len(accepted))
    return Phase(
        replicas,
        action_servers,
        len({s.phone for s in sent}),
        len(originals),
        len(accepted),
        len(sent) - len(originals),
        elapsed,
        latencies,
        [s.finished - s.started for s in originals],
        load,
        problems,
        outcomes,
        sorted(fared),
    )


def _answers(
    originals: list[Sent],
    rows: list[_Row],
    accepted: list[tuple[dict[str, str], float]],
    problems: list[str],
) -> tuple[list[float], set[int], list[tuple[Sent, str]]]:
    """Checks each message was answered once (adding to ``problems``).

    Returns:
        The latencies, the indexes of the accepted SMS that answered a message, and how
        each message without a problem was answered.
    """
    inbound = Counter(row.provider_id for row in rows if row.direction == "in")
    ids = {row.provider_id: row.id for row in rows if row.direction == "in"}
    replies: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.direction == "out" and row.key and row.key.startswith("reply:"):
            replies[int(row.key.split(":")[1])].append(row)
    by_phone: dict[str, list[int]] = defaultdict(list)
    for index, (message, _) in enumerate(accepted):
        by_phone[message["To"]].append(index)
    latencies: list[float] = []
    used: set[int] = set()
    fared: list[tuple[Sent, str]] = []
    for s in originals:
        if inbound[s.sid] != 1:
            problems.append(f"{s.sid}: {inbound[s.sid]} transcript rows, not 1")
            continue
        mine = [i for i in by_phone[s.phone] if s.started <= accepted[i][1] <= s.answered]
        used.update(mine)
        outcome = _answered_once(s, replies[ids[s.sid]], [accepted[i][0] for i in mine])
        if outcome.startswith(s.sid):
            problems.append(outcome)
            continue
        fared.append((s, outcome))
        if mine:
            latencies.append(max(accepted[i][1] for i in mine) - s.started)
    return latencies, used, fared


def _answered_once(s: Sent, rows: list[_Row], sms: list[dict[str, str]]) -> str:
    """How ``s`` was answered: ``answered``, a fault's outcome, or a problem (its SID first).

    The outcomes a fault may cause: ``answered with the trouble reply`` and ``replies
    failed at Twilio`` (recorded ``failed`` with no SID: Twilio never took them).
    """
    if not rows:
        return f"{s.sid} ({s.body!r}): no reply recorded"
    sent = [row for row in rows if row.status == "queued" and row.provider_id]
    failed = [row for row in rows if row.status == "failed" and not row.provider_id]
    odd = [row for row in rows if row not in sent and row not in failed]
    if odd:
        return f"{s.sid}: reply {odd[0].id} is {odd[0].status} ({odd[0].provider_id})"
    parts = sum(len(split_sms(row.body)) for row in sent)
    sids = {message["Sid"] for message in sms}
    if len(sms) != parts or any(row.provider_id not in sids for row in sent):
        return f"{s.sid}: {len(sent)} replies ({parts} SMS) sent, Twilio accepted {len(sms)}"
    if failed:
        return "replies failed at Twilio"
    if any(TROUBLE_REPLY in row.body for row in rows):
        return "answered with the trouble reply"
    return "answered"


def _transcripts(originals: list[Sent], rows: list[_Row], accepted: int) -> list[str]:
    """Per customer: the inbound rows are the messages sent, and nothing else is there."""
    problems = []
    sent = Counter(s.phone for s in originals)
    received = Counter(row.address for row in rows if row.direction == "in")
    for phone, count in sorted(sent.items()):
        if received[phone] != count:
            problems.append(f"{phone}: sent {count} messages, transcript has {received[phone]}")
    outbound = [row for row in rows if row.direction == "out" and row.provider_id]
    parts = sum(len(split_sms(row.body)) for row in outbound)
    if parts != accepted:
        problems.append(f"transcript has {parts} outbound SMS parts, Twilio accepted {accepted}")
    return problems
