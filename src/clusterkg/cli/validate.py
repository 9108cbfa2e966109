"""The `validate` command: the SHACL report as text, JSON or Turtle, and its exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.errors import EXIT_OK, EXIT_VIOLATIONS
from clusterkg.output.formats import names


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(names("report")),
    default="text",
    help="text: one problem a line (file:line: severity: node property: message); "
    "json; ttl: the SHACL validation report graph.",
)
@pass_settings
def validate_command(settings: Settings, paths: tuple[Path, ...], fmt: str) -> None:
    """Validate data files or folders (default: the graph's data) against the SHACL shapes.

    PATHS are validated together with the ontology and the reference vocabularies.

    Exit 0 if no constraint is violated (warnings and info allowed), 1 if one is, 2 if an input
    (data or shapes) is unusable.

    \b
        clusterkg validate
        clusterkg validate my-new-cluster.trig
    """
    # Ill-typed literals are listed as violations with everything else, not refused one by one.
    # Validation reads the asserted graph: no reasoning, unless contradictions are not known
    # from a cached build of the same inputs (then validate reasons to find them).
    graph = settings.graph(paths, whole_graph=True, keep_ill_typed=True, reasoning=False)
    report = graph.validate(settings.validator)
    if fmt == "json":
        click.echo(report.as_json(), nl=False)
    elif fmt == "ttl":
        click.echo(report.as_turtle(), nl=False)
    else:
        click.echo(report.as_text(), nl=False)
    sys.exit(EXIT_VIOLATIONS if report.violated else EXIT_OK)
