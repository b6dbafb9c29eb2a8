"""Faults under load: customers keep texting while Twilio, an action server, a Rasa replica
and PostgreSQL fail, one after another; then the service is checked to have recovered.

The stack of ``bench/load_twilio.py`` — 2 Rasa replicas and 2 action servers under ``arbot
run``'s supervisor, the web app sending through the real Twilio sender to a fake Twilio —
on a private PostgreSQL cluster (:mod:`tests.production.private_postgres`: it is
restarted, so not the shared server) and Redis database ``--redis`` (flushed). Customers
text through signed webhooks for ``--seconds``; a webhook that fails is delivered again
a second later, up to 3 times, as Twilio retries. Meanwhile (seconds from the start):

====  =================================================================================
 5    Twilio answers 429 (``Retry-After: 1``) for 4 s
 15   Twilio answers 500 for 2 s
 22   ``actions-1`` is killed (SIGKILL); the supervisor starts it again
 30   ``rasa-1`` is killed (SIGKILL); the supervisor starts it again (a minute to load)
 40   PostgreSQL is restarted (down 2 s)
====  =================================================================================

Checks, as the load test's: every webhook answered 200 in the end; every MessageSid in
the transcript once with its replies; every reply sent once (accepted by Twilio once,
while its webhook was open) or kept as ``failed`` when Twilio refused it past the
sender's retries; nothing sent that no webhook asked for; transcripts complete. The
trouble reply, failed replies and redelivered webhooks are counted, with when they
happened. Then, once every process answers again, customers text for ``--recovery``
seconds with no fault, and there the load test's strict checks apply: no trouble reply,
nothing failed, nothing redelivered. Exit status 1 when a check fails.

Usage::

    .venv/app/bin/python bench/faults.py
    .venv/app/bin/python bench/faults.py --customers 10 --seconds 60 --recovery 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_checks import Phase, check  # noqa: E402
from bench.load_twilio import (  # noqa: E402
    customers,
    load,
    newest_message,
    private_redis,
    progress,
    warm_up,
)
from tests.asgi_server import serving  # noqa: E402
from tests.fakes.twilio_api import SERVER_ERROR, FakeTwilio, too_many_requests  # noqa: E402
from tests.production.private_postgres import PrivateCluster, private_cluster  # noqa: E402
from tests.production.stack import (  # noqa: E402
    Supervised,
    environment,
    load_demo,
    supervised,
)

CACHE = ROOT / ".cache" / "bench" / "faults"
REDELIVERIES = 3


def schedule(
    stack: Supervised, twilio: FakeTwilio, postgres: PrivateCluster
) -> list[tuple[float, str, Callable[[], object]]]:
    """The faults: when (seconds from the start), what, and how."""
    return [
        (5, "Twilio answers 429 for 4 s", lambda: twilio.fail_for(4, too_many_requests("1"))),
        (15, "Twilio answers 500 for 2 s", lambda: twilio.fail_for(2, SERVER_ERROR)),
        (22, "actions-1 killed", lambda: stack.kill("actions-1", signal.SIGKILL)),
        (30, "rasa-1 killed", lambda: stack.kill("rasa-1", signal.SIGKILL)),
        (40, "PostgreSQL restarted (down 2 s)", lambda: postgres.restart(2.0)),
    ]


def make_faults(
    faults: list[tuple[float, str, Callable[[], object]]], start: float, done: list[str]
) -> threading.Thread:
    """A thread making each fault at its time; ``done`` gets what it did, and when."""

    def run() -> None:
        for at, what, how in faults:
            time.sleep(max(0.0, start + at - time.monotonic()))
            began = time.monotonic() - start
            how()
            done.append(f"{began:5.1f}-{time.monotonic() - start:5.1f} s  {what}")

    thread = threading.Thread(target=run, name="faults", daemon=True)
    thread.start()
    return thread


def timeline(phase: Phase, start: float) -> list[str]:
    """Each outcome other than a normal answer, with when its messages were sent."""
    lines = []
    ordered = sorted(phase.fared, key=lambda item: item[1])
    for kind, items in groupby(ordered, key=lambda item: item[1]):
        times = sorted(at - start for at, _ in items)
        lines.append(f"  {len(times):4} {kind}: sent {times[0]:.1f}-{times[-1]:.1f} s")
    return lines


def run(args: argparse.Namespace) -> int:
    """Starts the stack, loads it through the faults and then without, checks both."""
    cache = private_redis(args.redis)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "stack.log").unlink(missing_ok=True)
    twilio = FakeTwilio()
    with private_cluster() as postgres, serving(twilio.app()) as url:
        twilio.url = url
        admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE arbot"))
        admin.dispose()
        database = postgres.url("arbot")
        load_demo(database)
        cache.flushdb()
        env = environment(
            database=database,
            tracker=postgres.url("arbot", driver="postgresql"),
            lock=args.redis,
            twilio=twilio,
            replicas=2,
            action_servers=2,
        )
        try:
            progress(f"starting the stack (log: {CACHE / 'stack.log'})")
            with supervised(env, CACHE) as stack:
                return phases(stack, twilio, postgres, database, args)
        finally:
            cache.flushdb()


def phases(
    stack: Supervised,
    twilio: FakeTwilio,
    postgres: PrivateCluster,
    database: str,
    args: argparse.Namespace,
) -> int:
    """The load through the faults, then the recovery window; prints and checks both."""
    crowd = customers(database, args.customers)
    asyncio.run(warm_up(stack, twilio.auth_token))
    engine = create_engine(database, pool_pre_ping=True)
    results = []
    for name, seconds in (("faults", args.seconds), ("recovery", args.recovery)):
        twilio.reset()
        floor, done = newest_message(database), []
        before, start = os.getloadavg()[0], time.monotonic()
        progress(f"{name}: {len(crowd)} customers texting for {seconds:g} s")
        maker = (
            make_faults(schedule(stack, twilio, postgres), start, done)
            if name == "faults"
            else None
        )
        sent, elapsed = asyncio.run(
            load(
                stack,
                twilio.auth_token,
                crowd,
                seconds,
                redeliveries=REDELIVERIES,
                database=engine,
            )  # fmt: skip
        )
        if maker is not None:
            maker.join()
            progress("faults done; waiting until every process answers again")
            stack.wait_ready()
        phase = check(
            2,
            2,
            sent,
            elapsed,
            twilio,
            engine,
            floor,
            (before, os.getloadavg()[0]),
            tolerant=name == "faults",
        )
        print(f"{name}:", *done, phase.report(), *timeline(phase, start), sep="\n", flush=True)
        results.append(phase)
    engine.dispose()
    failed = [phase for phase in results if phase.problems]
    print("all checks passed" if not failed else "CHECKS FAILED (see above)")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="the load with faults")
    parser.add_argument("--recovery", type=float, default=20.0, help="the load after them")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/12",
        help="a Redis database of the bench's own (flushed)",
    )
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
