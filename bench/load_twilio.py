"""Load test: customers texting through signed Twilio webhooks, 1 and then 2 Rasa replicas.

Each phase is the production profile as ``arbot run`` starts it — the action servers, N
Rasa replicas serving the trained model in ``models/``, the web app, under ``arbot run``'s
own supervisor (:mod:`tests.production.stack`) — on a scratch PostgreSQL database (the AR
data and Rasa's tracker store) and a private Redis database number (Rasa's lock store,
flushed), with the real Twilio sender sending to a fake Twilio Messages API in this
process. Both phases start from the same fresh demo portfolio.

K customers — demo-portfolio phones (verify, hear the balance, promise to pay) and new
numbers (ask who this is, fail to verify, ask for a person) — text concurrently for
``--seconds``: each posts a webhook signed as Twilio signs it and waits for the answer
before texting again, and every ``--duplicate-every``-th message is posted a second time
with the same MessageSid, as Twilio retries. Then the phase is checked:

- zero errors: every webhook answered 200, no reply is the "having trouble" reply;
- every inbound MessageSid answered exactly once: one transcript row per MessageSid, its
  replies recorded under ``reply:<id>:<n>`` and each SMS part accepted by the fake
  Twilio once, during that webhook; nothing accepted that no webhook asked for;
- transcripts complete: per customer, the inbound rows are the messages sent and the
  outbound rows the replies Twilio accepted.

The webhook answers at once and the bot's turn and the reply happen behind it (SPEC §7):
a customer texts again once their replies arrived (the message's turn is done and nothing
of the conversation is left in the queue). It prints throughput (customer messages
answered per second), the customer-perceived reply latency — from the webhook's POST to
the last reply handed to the fake Twilio — and the webhook's own answer time, each as
p50/p95/p99, for each phase (target: webhook p99 under 200 ms), and the 2-replica /
1-replica throughput ratio, with the load average:
replicas scale with cores, and a busy 2-core machine has none to spare. The processes'
output goes to ``.cache/bench/load-N/stack.log``. Exit status 1 when a check fails.

Usage::

    .venv/app/bin/python bench/load_twilio.py
    .venv/app/bin/python bench/load_twilio.py --customers 40 --seconds 120 --replicas 1,2,3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_checks import Phase, Sent, check  # noqa: E402
from tests.asgi_server import serving  # noqa: E402
from tests.fakes.twilio_api import FakeTwilio  # noqa: E402
from tests.production.stack import (  # noqa: E402
    Supervised,
    environment,
    load_demo,
    signed_sms,
    supervised,
)

CACHE = ROOT / ".cache" / "bench"
POSTGRES_URL = os.environ.get(
    "ARBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
FIRST = ("hi", "how much do I owe", "{last4}", "{postal}", "I can pay $100 on friday", "yes")
AGAIN = ("how much do I owe", "can I pay $150 next friday", "yes", "thanks, bye")
STRANGER = ("hi", "who is this?", "how much do I owe", "A-9999", "10001", "ok thanks")
#: demo accounts that hear the bot (no collector holds their conversation, no cease)
HEARD = """
    select c.address, a.account_number, a.postal_code from contacts c
    join accounts a on a.id = c.account_id
    left join contact_preferences p on p.account_id = a.id
    where c.channel = 'sms' and not coalesce(p.cease, false)
      and not coalesce(p.sms_opt_out, false)
      and not exists (select 1 from escalations e where e.account_id = a.id
                      and e.status = 'claimed')
    order by c.address
"""
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


@dataclass(frozen=True)
class Customer:
    phone: str
    first: tuple[str, ...]
    again: tuple[str, ...]


def customers(database: str, count: int) -> list[Customer]:
    """Every other customer a demo account (while they last), the rest new numbers."""
    engine = create_engine(database)
    with engine.connect() as connection:
        demo = connection.execute(text(HEARD)).all()
    engine.dispose()
    out = []
    for n in range(count):
        if n % 2 == 0 and n // 2 < len(demo):
            phone, number, postal = demo[n // 2]
            first = tuple(m.format(last4=number[-4:], postal=postal) for m in FIRST)
            out.append(Customer(phone, first, AGAIN))
        else:
            out.append(Customer(f"+1555010{n:04d}", STRANGER, STRANGER))
    return out


@dataclass(frozen=True)
class Texting:
    """How customers text: where, signed with what, until when, and Twilio's habits.

    Attributes:
        duplicate_every: every n-th message is delivered a second time (0: never).
        redeliveries: a webhook that failed is delivered again, a second later, up to
            this many times (Twilio's retries; 0: a failure is final).
    """

    url: str
    token: str
    until: float
    duplicate_every: int = 0
    redeliveries: int = 0
    #: the AR database, to see when a message's replies are out (None: do not wait)
    database: Engine | None = None


async def text_away(client: httpx.AsyncClient, how: Texting, who: Customer) -> list[Sent]:
    """One customer texting until ``how.until``: each message after the answer to the last."""
    sent: list[Sent] = []
    script, count = who.first, 0
    while True:
        for body in script:
            if time.monotonic() >= how.until:
                return sent
            form, headers = signed_sms(how.url, how.token, who.phone, body, f"SM{uuid.uuid4().hex}")
            posted = await post(client, how, form, headers, retry=False)
            if how.database is not None and posted.status == httpx.codes.OK:
                posted = replace(posted, settled=await replied(how.database, posted.sid))
            sent.append(posted)
            count += 1
            if how.duplicate_every and count % how.duplicate_every == 0:  # Twilio again
                sent.append(await post(client, how, form, headers, retry=True))
        script = who.again


REPLIED = text("""
    select m.turn_state, (select count(*) from messages o
                          where o.conversation_id = m.conversation_id and o.direction = 'out'
                            and o.dispatch_state in ('pending', 'sending')) as busy
    from messages m where m.channel = 'sms' and m.provider_id = :sid
""")


async def replied(database: Engine, sid: str, seconds: float = 120.0) -> float:
    """Waits until message ``sid`` is answered and its replies handed to Twilio; when."""
    deadline = time.monotonic() + seconds

    def settled() -> bool:
        with database.connect() as connection:
            found = connection.execute(REPLIED, {"sid": sid}).first()
        return found is not None and found.turn_state == "done" and not found.busy

    while time.monotonic() < deadline:
        if await asyncio.to_thread(settled):
            return time.monotonic()
        await asyncio.sleep(0.02)
    return time.monotonic()


async def post(
    client: httpx.AsyncClient,
    how: Texting,
    form: dict[str, str],
    headers: dict[str, str],
    *,
    retry: bool,
) -> Sent:
    """Delivers one webhook (again after a failure, up to ``how.redeliveries`` times)."""
    started, attempts = time.monotonic(), 0
    while True:
        attempts += 1
        try:
            response = await client.post(how.url, data=form, headers=headers)
            status: int | str = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status == httpx.codes.OK or attempts > how.redeliveries:
            break
        await asyncio.sleep(1.0)
    return Sent(
        form["From"],
        form["MessageSid"],
        form["Body"],
        started,
        time.monotonic(),
        status,
        retry,
        attempts,
    )


async def load(
    stack: Supervised,
    token: str,
    crowd: list[Customer],
    seconds: float,
    *,
    duplicate_every: int = 0,
    redeliveries: int = 0,
    database: Engine | None = None,
) -> tuple[list[Sent], float]:
    """Every customer texting at once for ``seconds``; what they sent, and how long."""
    limits = httpx.Limits(max_connections=len(crowd) + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        started = time.monotonic()
        how = Texting(
            f"{stack.web_url}/webhooks/twilio/sms",
            token,
            started + seconds,
            duplicate_every,
            redeliveries,
            database,
        )
        done = await asyncio.gather(*(text_away(client, how, who) for who in crowd))
        elapsed = time.monotonic() - started
    return [item for each in done for item in each], elapsed


async def warm_up(stack: Supervised, token: str) -> None:
    """A few conversations first, so every replica has loaded what it loads lazily."""
    url = f"{stack.web_url}/webhooks/twilio/sms"
    async with httpx.AsyncClient(timeout=120) as client:
        for n in range(4 * len(stack.settings.rasa_urls)):
            for body in ("hi", "how much do I owe", "A-1001"):
                form, headers = signed_sms(
                    url, token, f"+1555019{n:04d}", body, f"SMw{uuid.uuid4().hex}"
                )
                await client.post(url, data=form, headers=headers)


def scratch_database(admin: str) -> tuple[str, str]:
    """A new database on the shared server: its URL for the app and for Rasa (psycopg2)."""
    name = f"arbot_load_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = make_url(admin).set(database=name)
    rasa = url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False), rasa.render_as_string(hide_password=False)


def newest_message(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        newest = connection.execute(text("select coalesce(max(id), 0) from messages")).scalar()
    engine.dispose()
    return int(newest or 0)


def drop_database(admin: str, database: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = make_url(database).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def phase(replicas: int, args: argparse.Namespace, twilio: FakeTwilio, cache: redis.Redis) -> Phase:
    """Starts the stack with ``replicas`` replicas on a fresh demo database, and loads it."""
    database, tracker = scratch_database(args.postgres)
    work = CACHE / f"load-{replicas}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "stack.log").unlink(missing_ok=True)
    try:
        load_demo(database)
        cache.flushdb()
        env = environment(
            database=database,
            tracker=tracker,
            lock=args.redis,
            twilio=twilio,
            replicas=replicas,
            action_servers=args.action_servers,
        )
        progress(f"{replicas} replica(s): starting the stack (log: {work / 'stack.log'})")
        with supervised(env, work) as stack:
            return measure(stack, database, twilio, args)
    finally:
        cache.flushdb()
        drop_database(args.postgres, database)


def measure(
    stack: Supervised, database: str, twilio: FakeTwilio, args: argparse.Namespace
) -> Phase:
    """Warms the stack up, lets the customers text, and checks what they got."""
    replicas = len(stack.settings.rasa_urls)
    crowd = customers(database, args.customers)
    progress(f"{replicas} replica(s): ready; warming up")
    asyncio.run(warm_up(stack, twilio.auth_token))
    twilio.reset()
    floor, before = newest_message(database), os.getloadavg()[0]
    progress(f"{replicas} replica(s): {len(crowd)} customers texting for {args.seconds:g} s")
    engine = create_engine(database, pool_size=len(crowd) + 5)
    texting = load(
        stack,
        twilio.auth_token,
        crowd,
        args.seconds,
        duplicate_every=args.duplicate_every,
        database=engine,
    )
    sent, elapsed = asyncio.run(texting)
    load_average = (before, os.getloadavg()[0])
    try:
        return check(
            replicas, args.action_servers, sent, elapsed, twilio, engine, floor, load_average
        )
    finally:
        engine.dispose()


def private_redis(url: str) -> redis.Redis:
    """The Redis database of ``url``, which must be empty: this bench flushes it."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    keys = client.dbsize()
    if keys:
        sys.exit(f"{url} holds {keys} keys: pick an empty database number (--redis)")
    return client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--replicas", default="1,2", help="the phases, e.g. 1,2")
    parser.add_argument("--action-servers", type=int, default=2)
    parser.add_argument(
        "--duplicate-every",
        type=int,
        default=10,
        help="post every n-th message twice, as Twilio retries (0: never)",
    )
    parser.add_argument("--postgres", default=POSTGRES_URL, help="an admin URL of the server")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/12",
        help="a Redis database of the bench's own (flushed)",
    )
    args = parser.parse_args()
    cache = private_redis(args.redis)
    print(f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.2f} at the start")
    phases = []
    twilio = FakeTwilio()
    with serving(twilio.app()) as url:
        twilio.url = url
        for replicas in (int(n) for n in args.replicas.split(",")):
            phases.append(phase(replicas, args, twilio, cache))
            print(phases[-1].report(), flush=True)
    return report(phases)


def report(phases: list[Phase]) -> int:
    print()
    print(Phase.HEADER)
    for each in phases:
        print(each.row())
    base = phases[0]
    for each in phases[1:]:
        ratio = each.throughput / base.throughput if base.throughput else float("nan")
        print(f"throughput ratio {each.replicas} replicas / {base.replicas}: {ratio:.2f}")
    failed = [each for each in phases if each.problems]
    print("all checks passed" if not failed else "CHECKS FAILED (see above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
