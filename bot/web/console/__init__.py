"""The web console (SPEC §1, §8): collectors work escalations, managers review reports.

Every page module of this package exposes ``routes(ctx: ConsoleContext) -> list[BaseRoute]``
and guards its pages with :func:`bot.web.console.auth.role`; :func:`mount` collects them
all, plus the static files under ``/console/static``. To add a page module, import it
here and list it in :data:`PAGE_MODULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bot.web.console import (
    approvals,
    auth,
    charges,
    conversation,
    dashboard,
    disputes,
    failed,
    holds,
    insight,
    link_codes,
    payments,
    queue,
    settings,
    users,
    write_offs,
)
from bot.web.console.context import ConsoleContext

STATIC = Path(__file__).with_name("static")

#: the ``routes(ctx)`` of every page module, in the order they are matched
PAGE_MODULES: tuple[Callable[[ConsoleContext], list[BaseRoute]], ...] = (
    auth.routes,
    queue.routes,
    conversation.routes,
    disputes.routes,
    approvals.routes,
    failed.routes,
    link_codes.routes,
    payments.routes,
    holds.routes,
    charges.routes,
    write_offs.routes,
    dashboard.routes,
    insight.routes,
    users.routes,
    settings.routes,
)

#: what :func:`bot.web.app.create_app` registers: a :class:`auth.Denied` raised in a route
EXCEPTION_HANDLERS = {auth.Denied: auth.denied_handler}

__all__ = ["EXCEPTION_HANDLERS", "ConsoleContext", "mount"]


def mount(ctx: ConsoleContext) -> list[BaseRoute]:
    """Every console route, bound to ``ctx``, and the static files."""
    routes: list[BaseRoute] = []
    for module_routes in PAGE_MODULES:
        routes.extend(module_routes(ctx))
    routes.append(Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"))
    return routes
