"""The `clusterkg` command line: parses arguments, calls the API, prints. No logic lives here.

This module holds the group (the options before the command, and errors turned into exit codes)
and the console entry point; each command, or family of commands, has its own module.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from clusterkg.backends import CHOICES
from clusterkg.cli.cache import cache_command, cache_size_option
from clusterkg.cli.completion import completion_command
from clusterkg.cli.export import export
from clusterkg.cli.generate import generate_command
from clusterkg.cli.import_sheet import import_command
from clusterkg.cli.init import init_command
from clusterkg.cli.options import choice_option
from clusterkg.cli.prefixes import prefixes_command
from clusterkg.cli.publish import publish_command
from clusterkg.cli.query import list_queries, query, sparql
from clusterkg.cli.reason import reason
from clusterkg.cli.serve import serve
from clusterkg.cli.settings import Settings
from clusterkg.cli.site import site_command
from clusterkg.cli.terminal import RED, colour_option, coloured
from clusterkg.cli.test import test_command
from clusterkg.cli.validate import validate_command
from clusterkg.engine.safety import isolate_from_network
from clusterkg.errors import EXIT_USAGE, ClusterKGError
from clusterkg.inputs.cache import BuildCache
from clusterkg.reasoning import SYNONYMS as REASONER_NAMES
from clusterkg.version import __version__
from clusterkg.workspace import Workspace, find_workspace


class Group(click.Group):
    """Turns every ClusterKGError into one line on stderr and exit code, never a traceback.
    `isolate`: give up the network once the command is known, unless it is one that serves
    over it (marked `serves_network`; its worker processes give it up themselves) or the user
    asked for a server (`--endpoint`, or a command marked `reaches_network`: publish)."""

    isolate = False

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if ctx.params.get("endpoint") and name in _LOCAL_ONLY:
            raise ClusterKGError("--endpoint applies to query, sparql and validate")
        if self.isolate and not _uses_network(ctx, command):
            isolate_from_network()
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClusterKGError as error:
            label = coloured("error:", RED, sys.stderr)
            click.echo(f"clusterkg: {label} {error}", err=True, color=label != "error:" or None)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            # Caught here: click would otherwise print "Aborted!" and exit 1 before main() sees it.
            click.echo("clusterkg: interrupted", err=True)
            sys.exit(EXIT_USAGE)


# Commands that build or serve the local graph: --endpoint means nothing to them.
_LOCAL_ONLY = {"reason", "export", "generate", "serve", "site", "import"}


def _uses_network(ctx: click.Context, command: click.Command | None) -> bool:
    marked = getattr(command, "serves_network", False) or getattr(command, "reaches_network", False)
    return bool(marked or ctx.params.get("endpoint"))


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
    "--workspace",
    "workspace_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CLUSTERKG_WORKSPACE",
    help="The workspace to use (a folder made by `clusterkg init`; default: the one the "
    "current folder is in, if any).",
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
@cache_size_option
@click.option(
    "--endpoint",
    metavar="URL",
    envvar="CLUSTERKG_ENDPOINT",
    help="Run query, sparql and validate on this SPARQL 1.1 server instead of a local graph "
    "(default: $CLUSTERKG_ENDPOINT). Credentials: $CLUSTERKG_SPARQL_USER and "
    "$CLUSTERKG_SPARQL_PASSWORD, or a netrc file.",
)
@click.option(
    "--graph",
    "server_graph",
    metavar="IRI",
    help="With --endpoint: the server's graph holding clusterkg's asserted triples, as publish "
    "--graph put them (default: clusterkg's own graph IRIs).",
)
@choice_option(
    "--reasoner",
    list(REASONER_NAMES),
    "auto",
    "fast (or rules): OWL 2 RL rules run inside the store; reference (or owlrl): owlrl, slow; "
    "auto: the rules unless the ontology uses OWL constructs they lack.",
)
@choice_option(
    "--reader",
    CHOICES,
    "auto",
    "fast: Oxigraph parses Turtle and N-Triples; reference: rdflib does (JSON-LD and RDF/XML "
    "are always read by rdflib, N-Quads and TriG by Oxigraph); auto: fast.",
)
@choice_option(
    "--validator",
    CHOICES,
    "auto",
    "fast: the shapes compiled to SPARQL; reference: pySHACL; auto: fast unless the shapes use "
    "what the compiler does not cover.",
)
@choice_option(
    "--writer",
    CHOICES,
    "auto",
    "fast: Turtle and N-Triples exports written by the engine and sorted; reference: the "
    "canonical writer (prefixes, pretty Turtle); auto: fast above 200,000 triples.",
)
@colour_option
@click.version_option(__version__, prog_name="clusterkg")
@click.pass_context
def cli(
    ctx: click.Context,
    data: tuple[Path, ...],
    workspace_dir: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
    cache_size: int | None,
    endpoint: str | None,
    server_graph: str | None,
    reasoner: str,
    reader: str,
    validator: str,
    writer: str,
) -> None:
    """Query, validate, reason over and export the clusterkg knowledge graph.

    \b
        clusterkg query clusters-of-company -p company Rūta -p sector food
    """
    # Settings given by the invoker (`obj`) keep their graph loader; the options set the rest.
    given = ctx.ensure_object(Settings)
    cache = None if no_cache else BuildCache(cache_dir, limit=cache_size)
    workspace = Workspace.read(workspace_dir) if workspace_dir else find_workspace(Path.cwd())
    ctx.obj = replace(
        given,
        data=data,
        workspace=workspace,
        cache=cache,
        endpoint=endpoint,
        server_graph=server_graph,
        reasoner=reasoner,
        reader=reader,
        validator=validator,
        writer=writer,
    )


for command in (
    list_queries,
    query,
    sparql,
    validate_command,
    reason,
    export,
    publish_command,
    generate_command,
    serve,
    site_command,
    import_command,
    init_command,
    test_command,
    prefixes_command,
    completion_command,
    cache_command,
):
    cli.add_command(command)


def main() -> None:
    """The console command. clusterkg never needs the network but to serve, so the process
    gives it up as soon as the command is known, before anything else runs (the second line
    behind the SPARQL check; see clusterkg.engine.safety)."""
    Group.isolate = True
    try:
        cli.main(prog_name="clusterkg", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("clusterkg: interrupted", err=True)
        sys.exit(EXIT_USAGE)
