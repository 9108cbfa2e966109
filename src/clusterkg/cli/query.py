"""The query commands: `queries` lists the stored queries, `query` runs one, `sparql` runs any."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clusterkg.cli.completion import complete_query_name
from clusterkg.cli.options import limit_options, output_options
from clusterkg.cli.query_help import ParameterValue, StoredQueryCommand
from clusterkg.cli.saving import deliver_answer, output_option, refuse_bytes_on_terminal
from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.cli.terminal import layout_options
from clusterkg.engine.limits import Limits
from clusterkg.errors import ClusterKGError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.output.answer_workbook import Asked
from clusterkg.queries.prefixes import ad_hoc_query

if TYPE_CHECKING:
    from clusterkg.remote_graph import RemoteGraph


@click.command("queries")
@pass_settings
def list_queries(settings: Settings) -> None:
    """List the stored queries with their title and parameters (in a workspace, its own too).

    \b
        clusterkg queries
    """
    for stored in settings.catalogue():
        click.echo(f"{stored.name}  {stored.title}")
        for p in stored.parameters:
            need = "required" if p.required else "optional"
            click.echo(f"    -p {p.name}=<{p.kind}>  {need}  {p.description}")
        for options in stored.example_options():
            click.echo(f"    e.g. clusterkg query {stored.name} {options}".rstrip())


@click.command(cls=StoredQueryCommand)
@click.argument("name", shell_complete=complete_query_name)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    type=ParameterValue(),
    help="Query parameter: a name, acronym, IRI or CURIE (repeatable; `-p NAME VALUE` works too).",
)
@output_options
@layout_options
@output_option
@limit_options
@pass_settings
def query(
    settings: Settings,
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str | None,
    output: Path | None,
    timeout: float | None,
    max_rows: int | None,
) -> None:
    """Run a stored query and print its results.

    NAME is one of the stored queries listed below; `clusterkg query NAME --help` shows its
    parameters and examples.

    \b
        clusterkg query clusters-of-company -p company=Rūta -p sector=food
        clusterkg query labelled-clusters -p tier silver --format csv
        clusterkg query provenance -p subject Rūta --timeout 10 --max-rows 100
        clusterkg query members-of-cluster -p cluster FETEK -f xlsx -o fetek.xlsx
    """
    refuse_bytes_on_terminal(fmt, output)
    # An unknown query or parameter is known from the query alone: say so before building.
    stored = settings.catalogue().checked(name, params)
    limits = Limits(timeout, max_rows)
    asked = Asked(name, stored.title, params, graph=_graph_named(settings), max_rows=max_rows)
    with queried_graph(settings, timeout) as kg:
        answer = kg.query_stream(name, dict(params), limits)
        deliver_answer(answer, fmt, limits, output, asked, _inputs(kg))


@click.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, allow_dash=True))
@click.option("-e", "--expression", help="The query text itself.")
@output_options
@layout_options
@output_option
@limit_options
@pass_settings
def sparql(
    settings: Settings,
    file: Path | None,
    expression: str | None,
    fmt: str | None,
    output: Path | None,
    timeout: float | None,
    max_rows: int | None,
) -> None:
    """Run an ad-hoc read-only SPARQL query over the graph (asserted + inferred).

    The query comes from FILE, from standard input if FILE is -, or from -e. The prefixes
    results print (ck:, cluster:, tier:, sector:, rdfs: … `clusterkg prefixes` lists them)
    are predeclared: a query need not declare those it uses.

    \b
        clusterkg sparql -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
        clusterkg sparql my-query.rq --format json
        echo 'ASK { ?s a ck:Cluster }' | clusterkg sparql -
        clusterkg sparql -e 'SELECT * WHERE { ?s ?p ?o }' --timeout 5 --max-rows 1000
        clusterkg sparql my-query.rq -f xlsx -o answer.xlsx
    """
    refuse_bytes_on_terminal(fmt, output)
    origin = None if file is None or str(file) == "-" else str(file)
    text = ad_hoc_query(_query_text(file, expression), origin, local=settings.endpoint is None)
    limits = Limits(timeout, max_rows)
    asked = Asked("sparql", text=text, graph=_graph_named(settings), max_rows=max_rows)
    with queried_graph(settings, timeout) as kg:
        deliver_answer(kg.sparql_stream(text, limits), fmt, limits, output, asked, _inputs(kg))


@contextmanager
def queried_graph(
    settings: Settings, timeout: float | None
) -> Iterator[KnowledgeGraph | RemoteGraph]:
    """The graph a query runs on: the --endpoint server's (closed after), else the local one."""
    remote = settings.remote(timeout)
    if remote is None:
        yield settings.graph()
        return
    with remote:
        yield remote


def _graph_named(settings: Settings) -> str:
    """Which graph answered, for the record a workbook keeps."""
    if settings.endpoint:
        return f"{settings.endpoint}" + (
            f" (graph {settings.server_graph})" if settings.server_graph else ""
        )
    if settings.data:
        return "the files " + ", ".join(str(p) for p in settings.data)
    if settings.workspace is not None:
        return f"workspace {settings.workspace.root}"
    return "the bundled facts"


def _inputs(kg: KnowledgeGraph | RemoteGraph) -> list[Path]:
    """The files a local graph was read from (-o may not replace one); none for a server's."""
    return kg.files if isinstance(kg, KnowledgeGraph) else []


def _query_text(file: Path | None, expression: str | None) -> str:
    """The query from -e, from standard input (FILE is -), or from FILE; exactly one is given."""
    if (file is None) == (expression is None):
        raise ClusterKGError(
            "give a query FILE, '-' for standard input, or -e 'QUERY' (one of them)"
        )
    if expression is not None:
        return expression
    assert file is not None
    if str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ClusterKGError(f"{file}: cannot read the query: {error}") from None
