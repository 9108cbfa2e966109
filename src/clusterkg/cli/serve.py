"""`clusterkg serve`: the graph over HTTP (clusterkg.server)."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.engine.limits import Limits
from clusterkg.errors import ClusterKGError
from clusterkg.server.site import DEFAULT_BASE, Paths, Site


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Each request's time on the graph; past it the query's worker is killed (503).",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Rows (triples) a query answers at most; the answer says when more were left out.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes running the queries (default: the number of cores).",
)
@click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    help="The IRIs served as pages: BASE/id/cluster/fetek is the page /id/cluster/fetek.",
)
@pass_settings
def serve(
    settings: Settings,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int | None,
    base: str,
) -> None:
    """Serve the graph over HTTP: a SPARQL 1.1 endpoint at /sparql, the stored queries at
    /queries, a page for every thing, the ontology at /ontology.

    \b
        clusterkg serve
        clusterkg --data my-data/ serve --port 8080 --timeout 30
    """
    import uvicorn

    from clusterkg.server.app import create_app
    from clusterkg.server.pool import Pool
    from clusterkg.server.startup import served_build

    with tempfile.TemporaryDirectory(prefix="clusterkg-serve-") as scratch:
        store, triples = served_build(settings, base, Path(scratch))
        # Bound before the workers start: a port in use is said at once, and the URL printed is
        # the one listened on (--port 0 picks a free one).
        listener = _listen(host, port)
        pool = Pool(store, workers)  # the workers start while uvicorn does
        try:
            site = Site(pool, store.bundle, Limits(timeout, max_rows), Paths(base))
            app = create_app(site)
            click.echo(
                f"clusterkg: serving {triples:,} triples at {_url(listener)} with "
                f"{pool.size} worker{'s' if pool.size > 1 else ''} (Ctrl-C to stop)",
                err=True,
            )
            config = uvicorn.Config(app, log_level="warning")
            uvicorn.Server(config).run(sockets=[listener])
        finally:
            pool.close()
            listener.close()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as error:
        raise ClusterKGError(
            f"cannot listen on {host} port {port}: {error.strerror or error}; "
            "give another --host or --port"
        ) from None


def _url(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# the server listens on the network; its workers, which run the queries, give it up themselves
serve.serves_network = True  # type: ignore[attr-defined]
