"""What every console page is built with, handed to each module's ``routes(ctx)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clock import Clock
from bot.services.delivery import Postman
from bot.settings import Settings
from bot.web.console.templates import Templates

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class ConsoleContext:
    """The console's wiring: database, clock, settings, sending and templates.

    Attributes:
        sessions: the session factory of the AR database.
        clock: where "now" comes from (``ARBOT_NOW`` in demos and tests).
        settings: the deployment's settings (policy included).
        postman: sends a collector's reply on the customer's channel
            (:func:`bot.services.delivery.deliver`).
        templates: renders the Jinja2 pages of ``bot/templates/console``.
    """

    sessions: sessionmaker[Session]
    clock: Clock
    settings: Settings
    postman: Postman
    templates: Templates

    async def call(
        self, service: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Runs ``service(session, *args, **kwargs)`` in a worker thread with a new session.

        Services are synchronous and own their transactions; a route awaits this instead
        of blocking the event loop.
        """

        def run() -> T:
            with self.sessions() as session:
                return service(session, *args, **kwargs)

        return await run_in_threadpool(run)
