"""`clusterkg site -o DIR`: the server's pages as a static folder (clusterkg.server.static_site)."""

from __future__ import annotations

from pathlib import Path

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.server.site import DEFAULT_BASE, InProcess, Paths, Site


@click.command("site")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="The folder to write (new, empty, or a site written before: it is replaced whole).",
)
@click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    help="The IRIs published as pages: BASE/id/cluster/fetek is the file id/cluster/fetek.html.",
)
@pass_settings
def site_command(settings: Settings, output: Path, base: str) -> None:
    """Write a page for every thing (HTML, Turtle, JSON-LD) and the dataset description as a
    folder of static files, for any web server; written atomically.

    \b
        clusterkg site -o public/
    """
    from clusterkg.queries.resolve import Resolver
    from clusterkg.server.static_site import write_site
    from clusterkg.server.tasks import Served

    kg = settings.graph().with_closure()
    resolver = Resolver.of_build(kg.engine, kg.built.names, kg.built.scanned_names)
    served = Served(kg.engine, kg.bundle, resolver, base)
    site = Site(InProcess(served), kg.bundle, paths=Paths(base))
    count = write_site(site, output)
    click.echo(f"clusterkg: wrote {count} files to {output}", err=True)
