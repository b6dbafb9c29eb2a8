"""The reminder pass (SPEC §6): one run over every account with something due.

:func:`run_pass` is what the scheduler runs every few minutes and ``arbot reminders run``
runs once. Per page of accounts (:func:`bot.services.reminder_plan.read_page`) it

* logs each held decision with its reason — once per account, kind, target, local date
  and reason, however many passes a day hold it;
* settles sends an interrupted pass left ``sending``
  (:func:`bot.services.reminder_sends.recover`);
* claims the sends, delivers them one by one through the channels' senders and stores
  what became of them — a chunk at a time, so a pass that stops leaves little unsettled.

It is idempotent: the unique key per account, kind, target and local date means a rerun,
or a pass overlapping another, sends nothing twice. Database work runs in worker threads,
one short transaction at a time, never across a send.

:func:`plan` is the same pass as a dry run, and :func:`evaluate_day` the daily review of
promises and plans that runs before the passes of a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.payments.reminder_links import with_pay_links
from bot.repositories.ledger import chunks
from bot.services import reminder_sends
from bot.services.daily_review import ReviewSummary, evaluate_day
from bot.services.delivery import Postman
from bot.services.reminder_plan import BATCH, Page, PlannedMessage, plan, read_page
from bot.settings import Settings

__all__ = [
    "PassSummary",
    "PlannedMessage",
    "ReviewSummary",
    "evaluate_day",
    "plan",
    "run_pass",
]

#: sends claimed, recorded and their receipts stored at a time: a pass killed mid-chunk
#: leaves at most this many in doubt (settled as sent, never resent)
SEND_CHUNK = 100
#: messages in the senders' hands at once (a real provider answers in tens of
#: milliseconds); 1 also reads the next page only after this one is done
CONCURRENCY = 16
#: a reason the log needs no row for: the send itself is the record
ALREADY_SENT = "already_sent"


@dataclass
class PassSummary:
    """What one pass did.

    Attributes:
        accounts: accounts with something open that the pass looked at.
        sent: messages the senders accepted.
        held: decisions held back, by reason (also those the delivery held: an opt-out
            that arrived during the pass).
        failed: sends the provider refused or could not take.
        duplicates: sends skipped because their key was taken (another pass, a rerun).
        recovered: sends of a stopped pass settled by this one.
        seconds: how long the pass took.
    """

    accounts: int = 0
    sent: int = 0
    held: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    duplicates: int = 0
    recovered: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        held = ", ".join(f"{reason} {count}" for reason, count in sorted(self.held.items()))
        text = (
            f"{self.accounts} accounts in {self.seconds:.1f} s: {self.sent} sent, "
            f"{sum(self.held.values())} held{f' ({held})' if held else ''}, "
            f"{self.failed} failed, {self.duplicates} skipped as sent before"
        )
        if self.recovered:
            text += f"; {self.recovered} sends of a stopped pass settled"
        return text

    def to_json(self) -> dict[str, Any]:
        """The summary as ``arbot reminders run --json`` prints it."""
        return {
            "accounts": self.accounts,
            "sent": self.sent,
            "held": dict(sorted(self.held.items())),
            "failed": self.failed,
            "duplicates": self.duplicates,
            "recovered": self.recovered,
            "seconds": round(self.seconds, 3),
        }


async def run_pass(
    postman: Postman,
    settings: Settings,
    now: datetime,
    *,
    batch: int = BATCH,
    concurrency: int = CONCURRENCY,
    progress: Callable[[PassSummary], None] | None = None,
) -> PassSummary:
    """Runs one reminder pass at ``now``: sends what is due, logs what is held.

    Args:
        postman: the database, clock and a sender per channel.
        settings: policy, company name, payment link and default time zone.
        now: the pass's instant (aware).
        batch: accounts per page.
        concurrency: messages handed to the senders at once (never two to one address);
            above 1 the next page is read while this one is sent.
        progress: called with the running summary after each page.
    """
    started = time.perf_counter()
    summary = PassSummary()

    def read(after_id: int) -> asyncio.Task[Page | None]:
        return asyncio.ensure_future(
            run_in_threadpool(read_page, postman.sessions, after_id, batch, now, settings)
        )

    upcoming = read(0)
    try:
        while (page := await upcoming) is not None:
            # the next page's accounts are others, so nothing written for this page can
            # change what is decided there: read it while this one is sent
            upcoming = read(page.span[1])
            if concurrency <= 1:
                await asyncio.wait([upcoming])
            await _act_on(postman, page, now, concurrency, summary, settings)
            summary.seconds = time.perf_counter() - started
            if progress is not None:
                progress(summary)
    finally:
        if not upcoming.done():  # a failed or cancelled pass leaves no read behind
            upcoming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await upcoming
    summary.seconds = time.perf_counter() - started
    return summary


async def _act_on(
    postman: Postman,
    page: Page,
    now: datetime,
    concurrency: int,
    summary: PassSummary,
    settings: Settings,
) -> None:
    summary.accounts += page.accounts
    held = [p for p in page.planned if p.decision.held]
    summary.held.update(p.decision.reason or "held" for p in held)
    loggable = [p for p in held if p.decision.reason != ALREADY_SENT]
    await run_in_threadpool(reminder_sends.log_holds, postman.sessions, loggable, now)
    summary.recovered += await run_in_threadpool(
        reminder_sends.recover, postman.sessions, page.span, now
    )
    sends = [p for p in page.planned if not p.decision.held]
    for chunk in chunks(sends, SEND_CHUNK):
        claimed = await run_in_threadpool(reminder_sends.claim, postman.sessions, chunk, now)
        summary.duplicates += len(chunk) - len(claimed)
        won = [(p, claimed[p.decision.key]) for p in chunk if p.decision.key in claimed]
        won = await run_in_threadpool(with_pay_links, postman.sessions, won, now, settings)
        outcomes = await reminder_sends.send_all(postman, won, concurrency)
        _count(outcomes, summary)
        await run_in_threadpool(reminder_sends.finish, postman.sessions, outcomes)


def _count(outcomes: Sequence[reminder_sends.Outcome], summary: PassSummary) -> None:
    for outcome in outcomes:
        delivered = outcome.delivered
        if delivered.duplicate:
            summary.duplicates += 1
        elif delivered.status == "held":
            summary.held[delivered.reason or "held"] += 1
        elif delivered.status == "failed":
            summary.failed += 1
        else:
            summary.sent += 1
