"""`clusterkg prefixes`: the prefixes ad-hoc queries may use without declaring them."""

from __future__ import annotations

import click

from clusterkg.cli.options import choice_option
from clusterkg.queries.prefixes import declarations


@click.command("prefixes")
@choice_option(
    "-f/--format/fmt",
    ["text", "ttl", "sparql", "json"],
    "text",
    "text: prefix and IRI in columns; ttl: @prefix lines; sparql: PREFIX lines; json: an object.",
)
def prefixes_command(fmt: str) -> None:
    """List the predeclared prefixes: `clusterkg sparql` queries may use them undeclared.

    \b
        clusterkg prefixes
        clusterkg prefixes -f sparql > prefixes.rq
    """
    click.echo(declarations(fmt), nl=False)
