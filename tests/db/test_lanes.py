"""The background lane: the workers' transactions share a few threads, webhooks keep theirs."""

from __future__ import annotations

import asyncio
import threading
import time

from bot.db import lanes


def test_background_work_takes_turns_on_a_few_threads() -> None:
    running, most = 0, 0
    guard = threading.Lock()

    def step() -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with guard:
            running -= 1

    async def main() -> None:
        lanes.background()
        await asyncio.gather(*(lanes.in_thread(step) for _ in range(3 * lanes.BACKGROUND_THREADS)))

    asyncio.run(main())
    assert most == lanes.BACKGROUND_THREADS


def test_a_full_background_lane_does_not_hold_up_a_webhooks_transaction() -> None:
    release = threading.Event()

    async def background_crowd() -> None:
        lanes.background()
        await asyncio.gather(
            *(lanes.in_thread(release.wait, 10) for _ in range(2 * lanes.BACKGROUND_THREADS))
        )

    async def main() -> float:
        crowd = asyncio.ensure_future(background_crowd())
        await asyncio.sleep(0.1)  # every background thread is taken, more are waiting
        started = time.monotonic()
        assert await lanes.in_thread(lambda: "recorded") == "recorded"
        took = time.monotonic() - started
        release.set()
        await crowd
        return took

    assert asyncio.run(main()) < 1.0


def test_the_lane_passes_to_the_tasks_a_background_task_starts_not_to_its_caller() -> None:
    async def worker() -> list[bool]:
        lanes.background()
        child = asyncio.ensure_future(asyncio.sleep(0, result=lanes.in_background()))
        later = asyncio.ensure_future(_lane_later())
        return [lanes.in_background(), await child, await later]

    async def main() -> tuple[list[bool], bool]:
        seen = await asyncio.ensure_future(worker())
        return seen, lanes.in_background()

    seen, caller = asyncio.run(main())
    assert seen == [True, True, True]
    assert caller is False


async def _lane_later() -> bool:
    await asyncio.sleep(0)
    return lanes.in_background()
