"""The `clusterkg` command line: parses arguments, calls the API, prints. No logic lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from clusterkg import __version__
from clusterkg.build import REASONERS
from clusterkg.engine.limits import Limits
from clusterkg.engine.local import Answer
from clusterkg.engine.safety import isolate_from_network
from clusterkg.errors import EXIT_OK, EXIT_USAGE, EXIT_VIOLATIONS, ClusterKGError
from clusterkg.inputs.bundle import bundled
from clusterkg.inputs.cache import BuildCache
from clusterkg.knowledge_graph import PROFILES, KnowledgeGraph
from clusterkg.output.serialise import EXPORT_FORMATS
from clusterkg.output.tables import GRAPH_FORMATS, TABLE_FORMATS, stream_table, stream_triples
from clusterkg.queries.catalogue import Catalogue
from clusterkg.vocabulary import shorten

F = TypeVar("F", bound=Callable[..., Any])
# clusterkg.generate is imported by its command only (60 ms of every start otherwise); its
# defaults are repeated here, and tests/test_generate.py checks they agree.
DEFAULT_SEED = 1
DEFAULT_VIOLATIONS = 12
NOTES_SHOWN = 20  # on stderr; validate's report lists them all


class Group(click.Group):
    """Turns every ClusterKGError into one line on stderr and exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClusterKGError as error:
            click.echo(f"clusterkg: error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            # Caught here: click would otherwise print "Aborted!" and exit 1 before main() sees it.
            click.echo("clusterkg: interrupted", err=True)
            sys.exit(EXIT_USAGE)


def output_options(function: F) -> F:
    choices = click.Choice(sorted(set(TABLE_FORMATS) | set(GRAPH_FORMATS)))
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=choices,
        default=None,
        help="table|csv|tsv|json|md for SELECT/ASK (default table); "
        "ttl|nt|jsonld for CONSTRUCT/DESCRIBE (default ttl).",
    )(function)


def limit_options(function: F) -> F:
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="Stop the query after SECONDS of wall-clock time (exit 3); rows printed by then "
        "stay printed. Default: no timeout.",
    )(function)
    return click.option(
        "--max-rows",
        type=click.IntRange(min=1),
        metavar="N",
        help="Print at most N rows (triples for CONSTRUCT/DESCRIBE); a note on stderr says "
        "when more were left out (exit 0). Default: no cap.",
    )(function)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Data file or folder to use instead of the bundled facts (repeatable). "
    "The ontology, shapes and reference vocabularies always stay loaded.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build the graph in memory, neither reading nor writing the build cache.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CLUSTERKG_CACHE_DIR",
    help="Where parsed + reasoned builds are kept "
    "(default: $CLUSTERKG_CACHE_DIR, else $XDG_CACHE_HOME/clusterkg or ~/.cache/clusterkg).",
)
@click.option(
    "--reasoner",
    type=click.Choice(REASONERS),
    default="auto",
    show_default=True,
    help="rules: OWL 2 RL rules run inside the store (fast); owlrl: the reference "
    "implementation (slow); auto: rules unless the ontology uses OWL constructs they lack.",
)
@click.version_option(__version__, prog_name="clusterkg")
@click.pass_context
def cli(
    ctx: click.Context,
    data: tuple[Path, ...],
    no_cache: bool,
    cache_dir: Path | None,
    reasoner: str,
) -> None:
    """Query, validate, reason over and export the clusterkg knowledge graph.

    \b
        clusterkg query clusters-of-company -p company Rūta -p sector food
    """
    cache = None if no_cache else BuildCache(cache_dir)
    ctx.obj = {"data": list(data), "cache": cache, "reasoner": reasoner}


def _graph(
    ctx: click.Context,
    data: list[Path] | None = None,
    profile: str = "owlrl",
    whole_graph: bool = False,
    keep_ill_typed: bool = False,
) -> KnowledgeGraph:
    """The graph for a command; what loading changed is said on stderr, once per command."""
    kg = KnowledgeGraph.load(
        data or ctx.obj["data"] or None,
        profile=profile,
        cache=ctx.obj["cache"],
        reasoner=ctx.obj["reasoner"],
        keep_ill_typed=keep_ill_typed,
        reads_every_triple=whole_graph,
    )
    _print_notes(kg.notes)
    return kg


def _print_notes(notes: list[str]) -> None:
    for note in notes[:NOTES_SHOWN]:
        click.echo(f"clusterkg: note: {note}", err=True)
    if len(notes) > NOTES_SHOWN:
        click.echo(
            f"clusterkg: note: … and {len(notes) - NOTES_SHOWN} more "
            "(clusterkg validate lists every one)",
            err=True,
        )


def _print_answer(answer: Answer, fmt: str | None, limits: Limits) -> None:
    """Print the answer as its pages come (graph formats: once all triples are in); the query's
    worker is stopped however printing ends."""
    try:
        for chunk in _chunks(answer, fmt):
            click.echo(chunk, nl=False)  # click.echo flushes: each page is seen as it comes
    except BrokenPipeError:
        _reader_went_away()
    finally:
        answer.close()
    if answer.truncated:
        what = "triples" if answer.graph else "rows"
        click.echo(
            f"clusterkg: note: result truncated at {limits.max_rows} {what} (--max-rows); "
            "more matched",
            err=True,
        )


def _chunks(answer: Answer, fmt: str | None) -> Iterator[str]:
    if answer.graph:
        if fmt is not None and fmt not in GRAPH_FORMATS:
            raise ClusterKGError(
                f"--format {fmt} is for tables; a graph result takes ttl, nt or jsonld"
            )
        return stream_triples(answer, fmt or "ttl")
    if fmt is not None and fmt not in TABLE_FORMATS:
        raise ClusterKGError(
            f"--format {fmt} is for graphs; a table result takes table, csv, tsv, json or md"
        )
    return stream_table(answer, fmt or "table")


def _reader_went_away() -> None:
    """The reader of standard output closed it (`| head`): stop quietly, as `cat` does. Python
    would otherwise fail again flushing stdout at exit, so stdout is pointed at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OK)


@cli.command("queries")
@click.pass_context
def list_queries(ctx: click.Context) -> None:
    """List the stored queries with their title and parameters.

    \b
        clusterkg queries
    """
    for stored in Catalogue(bundled().queries):
        click.echo(f"{stored.name}  {stored.title}")
        for p in stored.parameters:
            need = "required" if p.required else "optional"
            click.echo(f"    -p {p.name} <{p.kind}>  {need}  {p.description}")
        for example in stored.examples:
            args = " ".join(
                f"-p {k} {v!r}" if " " in v else f"-p {k} {v}"
                for k, _, v in (e.partition("=") for e in example.split(";"))
            )
            click.echo(f"    e.g. clusterkg query {stored.name} {args}".rstrip())


@cli.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    type=(str, str),
    metavar="NAME VALUE",
    help="Query parameter: a name, acronym, IRI or CURIE (repeatable).",
)
@output_options
@limit_options
@click.pass_context
def query(
    ctx: click.Context,
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str | None,
    timeout: float | None,
    max_rows: int | None,
) -> None:
    """Run a stored query and print its results.

    \b
        clusterkg query clusters-of-company -p company Rūta -p sector food
        clusterkg query labelled-clusters -p tier silver --format csv
        clusterkg query provenance -p subject Rūta --timeout 10 --max-rows 100
    """
    repeated = sorted({k for k, _ in params if sum(1 for k2, _ in params if k2 == k) > 1})
    if repeated:
        raise ClusterKGError(f"parameter {', '.join(repeated)} given more than once")
    # An unknown query or parameter is known from the query alone: say so before building.
    Catalogue(bundled().queries).get(name).check_parameters(k for k, _ in params)
    kg = _graph(ctx)
    limits = Limits(timeout, max_rows)
    _print_answer(kg.query_stream(name, dict(params), limits), fmt, limits)


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, allow_dash=True))
@click.option("-e", "--expression", help="The query text itself.")
@output_options
@limit_options
@click.pass_context
def sparql(
    ctx: click.Context,
    file: Path | None,
    expression: str | None,
    fmt: str | None,
    timeout: float | None,
    max_rows: int | None,
) -> None:
    """Run an ad-hoc read-only SPARQL query over the graph (asserted + inferred).

    \b
        clusterkg sparql -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
        clusterkg sparql my-query.rq --format json
        echo 'ASK { ?s a <https://w3id.org/clusterkg/ontology#Cluster> }' | clusterkg sparql -
        clusterkg sparql -e 'SELECT * WHERE { ?s ?p ?o }' --timeout 5 --max-rows 1000
    """
    if (file is None) == (expression is None):
        raise ClusterKGError(
            "give a query FILE, '-' for standard input, or -e 'QUERY' (one of them)"
        )
    if expression is not None:
        text = expression
    elif str(file) == "-":
        text = sys.stdin.read()
    else:
        assert file is not None
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ClusterKGError(f"{file}: cannot read the query: {error}") from None
    limits = Limits(timeout, max_rows)
    _print_answer(_graph(ctx).sparql_stream(text, limits), fmt, limits)


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "ttl"]),
    default="text",
    help="text: one problem a line (file:line: severity: node property: message); "
    "json; ttl: the SHACL validation report graph.",
)
@click.pass_context
def validate_command(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Validate data files or folders (default: the graph's data) against the SHACL shapes.

    Exit 0 if no constraint is violated (warnings and info allowed), 1 if one is, 2 if an input
    (data or shapes) is unusable.

    \b
        clusterkg validate
        clusterkg validate my-new-cluster.ttl
    """
    # Ill-typed literals are listed as violations with everything else, not refused one by one.
    report = _graph(ctx, list(paths), whole_graph=True, keep_ill_typed=True).validate()
    if fmt == "json":
        click.echo(report.as_json(), nl=False)
    elif fmt == "ttl":
        click.echo(report.as_turtle(), nl=False)
    else:
        click.echo(report.as_text(), nl=False)
    sys.exit(EXIT_VIOLATIONS if report.violated else 0)


@cli.command()
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="owlrl", show_default=True)
@click.option("--show", is_flag=True, help="Print the inferred triples (Turtle) after the counts.")
@click.pass_context
def reason(ctx: click.Context, profile: str, show: bool) -> None:
    """Show what reasoning adds: counts by property, and the inferred triples on request.

    Exit 1 if reasoning finds the graph inconsistent (each contradiction on stderr).

    \b
        clusterkg reason
        clusterkg reason --profile rdfs --show
    """
    kg = _graph(ctx, profile=profile)
    inference = kg.inference
    click.echo(f"asserted: {kg.asserted_count} triples")
    click.echo(f"inferred ({profile}): {inference.count} triples")
    for predicate, count in inference.counts_by_predicate():
        click.echo(f"  {count:6d}  {shorten(predicate)}")
    click.echo(f"reasoner: {inference.reasoner}")
    if show:
        from clusterkg.output.serialise import serialise

        click.echo(serialise(inference.quads(), "ttl"), nl=False)
    _report_inconsistencies(kg)


def _report_inconsistencies(kg: KnowledgeGraph) -> None:
    """A contradiction is a finding, not data: each one on stderr, and exit code 1."""
    found = kg.built.inconsistencies
    for inconsistency in found:
        click.echo(f"clusterkg: inconsistent: {inconsistency.text()}", err=True)
    if found:
        click.echo(
            f"clusterkg: the graph is inconsistent ({len(found)} contradiction(s)); "
            "`clusterkg validate` shows where each node is written",
            err=True,
        )
        sys.exit(EXIT_VIOLATIONS)


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True
)
@click.option("--inferred", is_flag=True, help="Include the OWL RL inferred triples.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, inferred: bool, output: Path | None) -> None:
    """Export the graph with its VoID/DCAT description; the same input gives the same bytes.

    \b
        clusterkg export --format ttl -o clusterkg.ttl
        clusterkg export --format trig --inferred -o clusterkg.trig
    """
    kg = _graph(ctx, whole_graph=True)
    for inconsistency in kg.built.inconsistencies:  # exported data holds none of them
        click.echo(f"clusterkg: warning: inconsistent: {inconsistency.text()}", err=True)
    if output is None:
        sys.stdout.buffer.write(kg.export_bytes(fmt, inferred))
        sys.stdout.flush()
    else:
        kg.write_export(output, fmt, inferred)
        click.echo(f"wrote {output}", err=True)


@cli.command("generate")
@click.option(
    "--clusters",
    type=click.IntRange(min=1),
    required=True,
    help="Number of cluster organisations; about 1,400 triples each (1,500 ≈ 2 million).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write (new, empty, or written by an earlier generate).",
)
@click.option(
    "--violations",
    type=click.IntRange(min=0),
    default=DEFAULT_VIOLATIONS,
    show_default=True,
    help="Number of SHACL violations to plant (listed in MANIFEST.json).",
)
def generate_command(clusters: int, seed: int, output: Path, violations: int) -> None:
    """Write a synthetic European-scale data set (same seed, same bytes) to use with --data.

    \b
        clusterkg generate --clusters 75 --seed 1 -o synthetic/ --violations 0
        clusterkg --data synthetic/ query statistics
    """
    from clusterkg.generate import generate

    click.echo(generate(output, clusters, seed, violations).summary())


def main() -> None:
    """The console command. clusterkg never needs the network, so the process gives it up
    before anything else runs (the second line behind the SPARQL check; see safety.py)."""
    isolate_from_network()
    try:
        cli.main(prog_name="clusterkg", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("clusterkg: interrupted", err=True)
        sys.exit(EXIT_USAGE)
