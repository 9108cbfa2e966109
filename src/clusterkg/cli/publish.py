"""The `publish` command: the graph to a SPARQL 1.1 Graph Store Protocol endpoint."""

from __future__ import annotations

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.engine.connection import check_url
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.publishing import publish, refuse_violations


@click.command("publish")
@click.argument("url")
@click.option(
    "--graph",
    "graph",
    metavar="IRI",
    help="The server's graph for the asserted triples (IRI/inferred and IRI/description hold "
    "the others; statement groups keep their own IRIs). Default: clusterkg's own graph IRIs, "
    "or the --graph given before the command.",
)
@click.option(
    "--with-inferred",
    is_flag=True,
    help="Publish the OWL 2 RL inferred triples too, in a graph of their own. A server has no "
    "OWL RL reasoner of ours: publishing the inferred graph is what makes the stored queries "
    "give the same answers there. Without it, an inferred graph an earlier publish put there "
    "is deleted (stale inferences would be wrong answers).",
)
@click.option(
    "--default-graph/--no-default-graph",
    "default_graph",
    default=None,
    help="Put a copy of the queried triples (asserted, and inferred with --with-inferred) in "
    "the server's default graph, REPLACING what it held, so that `--endpoint` queries need "
    "not list every statement group as a named graph (slow on Oxigraph server at thousands of "
    "groups). Default: only on Oxigraph server, and only if its default graph is empty or "
    "already holds this copy. --no-default-graph removes an earlier copy.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Publish data that violates the shapes (warnings never block).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up on a request the server has not answered within SECONDS (exit 3). Default: wait.",
)
@pass_settings
def publish_command(
    settings: Settings,
    url: str,
    graph: str | None,
    with_inferred: bool,
    force: bool,
    timeout: float | None,
    default_graph: bool | None,
) -> None:
    """Validate the graph and replace its graphs on a SPARQL 1.1 Graph Store endpoint.

    URL is the Graph Store Protocol endpoint: Oxigraph server's http://HOST:PORT/store,
    Virtuoso's http://HOST:PORT/sparql-graph-crud-auth. Each graph is replaced with a PUT
    (?graph=IRI): the statement groups, the inferred graph (--with-inferred), the asserted graph,
    and last the VoID/DCAT description, which lists the graphs published with a digest of each.
    Publishing again gives the same server state: unchanged graphs are not sent again, groups
    no longer in the data are deleted. A server has no transaction across requests: a publish
    that stops part-way says which graphs it replaced, and leaves a pending description (an
    rdfs:comment says so; graphs listed without a digest); publish again to finish.

    Data that violates the shapes is refused (exit 1) unless --force. Blank nodes are published
    as Skolem IRIs under https://w3id.org/clusterkg/.well-known/genid/ (stable from one publish
    to the next), so that a node shared by two graphs stays one node on the server.

    Credentials: $CLUSTERKG_SPARQL_USER and $CLUSTERKG_SPARQL_PASSWORD, or a netrc file; never
    in the URL. Exit 4 if the server fails or refuses.

    \b
        clusterkg publish http://localhost:7878/store --with-inferred
        clusterkg --data my-data/ publish http://localhost:8890/sparql-graph-crud-auth
    """
    check_url(url)  # a URL with credentials is refused before anything is loaded
    kg = settings.graph(whole_graph=True, keep_ill_typed=True, reasoning=False)
    report = kg.validate(settings.validator)
    if not force:
        refuse_violations(report)
    elif report.violated:
        click.echo("clusterkg: warning: publishing data that does not conform (--force)", err=True)
    if with_inferred:
        kg.with_closure()
    graphs = ServerGraphs.under(graph or settings.server_graph)
    summary = publish(kg.engine, url, graphs, with_inferred, timeout, default_graph)
    click.echo(summary.line(), err=True)
    if summary.hint:
        click.echo(f"clusterkg: {summary.hint}", err=True)


publish_command.reaches_network = True  # type: ignore[attr-defined]
