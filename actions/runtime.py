"""How actions reach the services: one cached runtime, blocking work in a worker thread.

rasa-sdk builds every action with no arguments, so actions ask :func:`current` for what
the process is wired with — built once from :func:`bot.container.container`. Tests replace
:func:`current` (``monkeypatch.setattr(runtime, "current", ...)``) with fake services, a
fixed clock and sessions that touch no database; it is the actions' only seam.

Database work is synchronous, and a blocking call inside ``async def run`` would stall every
conversation on the action server (SPEC §10), so :func:`call` runs it in a thread with a
fresh session that is closed afterwards.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from actions.ports import Services
from bot.clock import Clock
from bot.container import container
from bot.policy.rules import Policy
from bot.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Runtime:
    """Settings, clock, sessions and services of the action server."""

    settings: Settings
    clock: Clock
    sessions: Callable[[], AbstractContextManager[Session]]
    services: Services

    @property
    def policy(self) -> Policy:
        return self.settings.policy

    def now(self) -> datetime:
        """The current instant (UTC), from the clock ``ARBOT_NOW`` may fix."""
        return self.clock.now()


def real_services() -> Services:
    """The ``bot.services`` modules, bound to the contract of :mod:`actions.ports`."""
    from bot.services import (
        balances,
        disputes,
        escalations,
        identity,
        plans,
        preferences,
        promises,
    )

    return Services(
        identity=identity,
        balances=balances,
        promises=promises,
        plans=plans,
        disputes=disputes,
        escalations=escalations,
        preferences=preferences,
    )


@functools.cache
def _built() -> Runtime:
    wired = container()
    return Runtime(
        settings=wired.settings,
        clock=wired.clock,
        sessions=wired.sessions,
        services=real_services(),
    )


def current() -> Runtime:
    """The runtime of this process, built on first use."""
    return _built()


async def call(
    use_case: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Runs one service use case in a worker thread with a session of its own."""
    sessions = current().sessions

    def work() -> T:
        with sessions() as session:
            return use_case(session, *args, **kwargs)

    return await asyncio.to_thread(work)
