"""``arbot dispatch``: the turn worker and the dispatcher as a process of their own.

The web app runs them already (:mod:`bot.web.workers`, one per database by a lock); this
command runs them apart from it — beside a web app, to take over when it stops, or once
(``--once``) to send what is queued and exit. It waits for the dispatcher lock like a
second web app would; SIGINT or SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import signal

import click

from bot.cli.context import wired
from bot.web.workers import Workers, build_workers
from integrations.providers import build_senders
from integrations.rasa import RasaRestEngine


@click.command()
@click.option("--once", is_flag=True, help="Answer what waits, send what is due, and exit.")
def dispatch(once: bool) -> None:
    """Send the queued outbound messages and answer the waiting webhook messages."""
    app = wired()
    senders = build_senders(app.settings)
    dialogue = RasaRestEngine(app.settings.rasa_urls)
    workers = build_workers(app, dialogue, senders, locked=not once)

    async def main() -> None:
        try:
            await (_once(workers) if once else _forever(workers))
        finally:
            await dialogue.aclose()
            for sender in senders.values():
                await sender.aclose()

    asyncio.run(main())


async def _once(workers: Workers) -> None:
    await workers.drain()
    click.echo("dispatch: nothing waits")


async def _forever(workers: Workers) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    click.echo("dispatch: waiting for the dispatcher lock", err=True)
    await workers.run(stop)
