"""The `export` command: the graph and its description, to standard output or a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clusterkg.cli.options import choice_option
from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.output.serialise import EXPORT_FORMATS


@click.command()
@choice_option(
    "-f/--format/fmt",
    EXPORT_FORMATS,
    "ttl",
    "ttl, nt, jsonld, rdfxml: one graph; nq, trig: the asserted triples, the inferred ones and the "
    "description in named graphs of their own.",
)
@click.option("--inferred", is_flag=True, help="Include the OWL RL inferred triples.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
@pass_settings
def export(settings: Settings, fmt: str, inferred: bool, output: Path | None) -> None:
    """Export the graph with its VoID/DCAT description; the same input gives the same bytes.

    \b
        clusterkg export --format ttl -o clusterkg.ttl
        clusterkg export --format trig --inferred -o clusterkg.trig
    """
    # A plain export writes the asserted graph: no reasoning for it. Contradictions are said
    # when they are known (reasoned for --inferred, or recorded by a cached build).
    kg = settings.graph(whole_graph=True, reasoning=inferred)
    for inconsistency in kg.built.inconsistencies:  # exported data holds none of them
        click.echo(f"clusterkg: warning: inconsistent: {inconsistency.text()}", err=True)
    if output is None:
        sys.stdout.buffer.write(kg.export_bytes(fmt, inferred, settings.writer))
        sys.stdout.flush()
    else:
        kg.write_export(output, fmt, inferred, settings.writer)
        click.echo(f"wrote {output}", err=True)
