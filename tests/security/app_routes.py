"""Every route the web app serves, read from the app itself (not a fixture module).

The security tests walk the app's routes instead of listing them by hand, so a route added
later is checked too, or makes the route matrix fail until it is classified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

#: methods that change state, which the console guards with the session's CSRF token
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


@dataclass(frozen=True, order=True)
class Endpoint:
    """One method of one route, by the path template it is registered under."""

    method: str
    path: str

    def url(self, values: Mapping[str, object]) -> str:
        """The path with each ``{name}`` / ``{name:conv}`` replaced by ``values[name]``."""
        return _PARAM.sub(lambda found: str(values[found.group(1)]), self.path)


def endpoints(app: Starlette) -> set[Endpoint]:
    """Every (method, path template) of ``app``, mounts included; HEAD is left out (it is
    GET's). A route of a kind this walk does not know is returned under its class name, so
    it cannot slip past a table that classifies every endpoint."""
    return set(_walk(app.routes, ""))


def unsafe_endpoints(app: Starlette) -> list[Endpoint]:
    """The state-changing endpoints of ``app``, sorted."""
    return sorted(e for e in endpoints(app) if e.method in UNSAFE)


def _walk(routes: Iterable[BaseRoute], prefix: str) -> Iterable[Endpoint]:
    for route in routes:
        if isinstance(route, Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield Endpoint(method, prefix + route.path)
        elif isinstance(route, Mount):
            inner = route.routes
            if inner:
                yield from _walk(inner, prefix + route.path)
            else:  # an ASGI app such as StaticFiles: it answers GET under its path
                yield Endpoint("GET", prefix + route.path + "/{path:path}")
        else:
            yield Endpoint(type(route).__name__, prefix + getattr(route, "path", "?"))
