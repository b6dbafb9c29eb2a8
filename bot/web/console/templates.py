"""Jinja2 pages of the console (``bot/templates/console``), autoescaped.

:meth:`Templates.render` adds to every page's context the signed-in ``user`` (a
:class:`~bot.services.console_auth.ConsoleUser` or None), the ``csrf_token`` its forms
must carry, the ``nav`` links that user's role may follow and the ``path`` shown. Every
page also gets headers that keep it out of frames and caches and limit where it may load
from (nothing outside this site).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

#: the console's templates
DIRECTORY = Path(__file__).resolve().parents[2] / "templates" / "console"
#: where :func:`bot.web.console.mount` serves ``bot/web/console/static``
STATIC_URL = "/console/static"

#: headers of every console page
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class NavLink:
    """A link of the console's navigation bar and the least role that sees it."""

    label: str
    href: str
    role: str


#: the navigation bar, in order; each user sees the links their role may follow
NAV = (
    NavLink("Queue", "/console/queue", "collector"),
    NavLink("Disputes", "/console/disputes", "collector"),
    NavLink("Approvals", "/console/approvals", "collector"),
    NavLink("Failed messages", "/console/failed", "collector"),
    NavLink("Link codes", "/console/link-codes", "collector"),
    NavLink("Payments", "/console/payments", "collector"),
    NavLink("Holds", "/console/holds", "collector"),
    NavLink("Charges", "/console/charges", "collector"),
    NavLink("Write-offs", "/console/write-offs", "collector"),
    NavLink("Dashboard", "/console/dashboard", "manager"),
    NavLink("Insight", "/console/insight", "manager"),
    NavLink("Users", "/console/users", "manager"),
    NavLink("Settings", "/console/settings", "admin"),
)


class Templates:
    """Renders console pages from one Jinja2 environment."""

    def __init__(self, directory: Path = DIRECTORY) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(directory),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.globals["static"] = lambda name: f"{STATIC_URL}/{name}"

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """The page ``name`` with ``context`` plus ``user``, ``csrf_token``, ``nav``, ``path``."""
        user = getattr(request.state, "console_user", None)
        values = {
            "user": user,
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "nav": [link for link in NAV if user is not None and user.may(link.role)],
            "path": request.url.path,
            **(context or {}),
        }
        html = self.environment.get_template(name).render(values)
        return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


@functools.cache
def default_templates() -> Templates:
    """The templates of ``bot/templates/console``, loaded once per process."""
    return Templates()


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """:meth:`Templates.render` with :func:`default_templates`."""
    return default_templates().render(request, name, context, status_code)
