"""`clusterkg serve`: the graph over HTTP (clusterkg.server)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.engine.limits import Limits
from clusterkg.server.site import DEFAULT_BASE, Paths, Site


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: a free one, said on stderr).",
)
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
    "--reply-cache",
    default=64,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="MB",
    help="Answers kept for repeated requests (the graph does not change while served); 0: none.",
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
    reply_cache: int,
    base: str,
) -> None:
    """Serve the graph over HTTP: a SPARQL 1.1 endpoint at /sparql, the stored queries at
    /queries, a page for every thing, the ontology at /ontology.

    \b
        clusterkg serve
        clusterkg --data my-data/ serve --port 8080 --timeout 30
    """
    from clusterkg.server.app import create_app
    from clusterkg.server.listen import bound_url, listen, serve_forever
    from clusterkg.server.pool import Pool
    from clusterkg.server.reply_cache import ReplyCache
    from clusterkg.server.startup import served_build
    from clusterkg.server.worker import start_forkserver

    sock = listen(host, port)  # first: a port in use is said before the graph is built
    start_forkserver()  # it boots on the other core while this process opens the build
    with tempfile.TemporaryDirectory(prefix="clusterkg-serve-") as scratch:
        store, triples = served_build(settings, base, Path(scratch))
        pool = Pool(store, workers)  # the workers start while uvicorn does
        try:
            site = Site(
                pool,
                store.bundle,
                Limits(timeout, max_rows),
                Paths(base),
                open_ended_slots=max(1, pool.size - 1),
                replies=ReplyCache(reply_cache * 1024 * 1024) if reply_cache else None,
            )
            click.echo(
                f"clusterkg: serving {triples:,} triples at {bound_url(sock)} with "
                f"{pool.size} worker{'s' if pool.size > 1 else ''} (Ctrl-C to stop)",
                err=True,
            )
            serve_forever(create_app(site), sock)
        finally:
            pool.close()


# the server listens on the network; its workers, which run the queries, give it up themselves
serve.serves_network = True  # type: ignore[attr-defined]
