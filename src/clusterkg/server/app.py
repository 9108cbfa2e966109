"""The Starlette application: the routes of each face, CORS, and errors that never leak.

An unexpected fault is answered 500 with one line that names no file and no path; the details go
to the server's log (stderr) only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from clusterkg.server.site import Site

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("clusterkg.server")


def create_app(site: Site) -> Starlette:
    """The whole server over `site` (its runner, limits and paths)."""
    # the static files first: the things' pages end with a catch-all route
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=STATIC), name="static")]
    for face in _faces():
        routes.extend(face(site))
    app = Starlette(
        routes=routes,
        middleware=[
            # SPARQL clients in browsers (YASGUI elsewhere, notebooks) read the answers
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[
                    "Content-Length",
                    "Content-Location",
                    "Vary",
                    "X-Clusterkg-Truncated",
                ],
            )
        ],
        exception_handlers={500: _internal_error},
    )
    app.state.site = site
    return app


def _faces() -> list:  # type: ignore[type-arg]
    """Each face's `routes(site)`; imported here so the application is assembled in one place."""
    from clusterkg.server import home, ontology_page, pages, protocol, stored

    # pages last: any path under the base is a thing's, so its catch-all route goes after
    return [home.routes, protocol.routes, stored.routes, ontology_page.routes, pages.routes]


async def _internal_error(request: Request, error: Exception) -> Response:
    log.exception("unexpected fault answering %s %s", request.method, request.url.path)
    return PlainTextResponse("internal error: the server failed to answer this request\n", 500)
