"""The `reason` command: what reasoning adds, and the contradictions it finds."""

from __future__ import annotations

import sys

import click

from clusterkg.cli.options import choice_option
from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.errors import EXIT_VIOLATIONS
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.reasoning import PROFILES
from clusterkg.vocabulary import shorten


@click.command()
@choice_option(
    "--profile",
    sorted(PROFILES),
    "owlrl",
    "owlrl: the OWL 2 RL entailments; rdfs: the RDFS entailments only (run by owlrl).",
)
@click.option("--show", is_flag=True, help="Print the inferred triples (Turtle) after the counts.")
@pass_settings
def reason(settings: Settings, profile: str, show: bool) -> None:
    """Show what reasoning adds: counts by property, and the inferred triples on request.

    Exit 1 if reasoning finds the graph inconsistent (each contradiction on stderr).

    \b
        clusterkg reason
        clusterkg reason --profile rdfs --show
    """
    kg = settings.graph(profile=profile)
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
