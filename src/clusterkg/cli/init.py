"""The `init` command: a new workspace, and what to type next."""

from __future__ import annotations

from pathlib import Path

import click

from clusterkg.workspace.init import create


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="The workspace's name (default: the folder's name).")
@click.option(
    "--base",
    metavar="IRI",
    help="Where the IRIs of the team's things start: an absolute IRI ending in / or # "
    "(default: https://example.org/NAME/id/; choose your own before adding data).",
)
@click.option(
    "--no-bundled-facts",
    is_flag=True,
    help="Leave the bundled Lithuanian facts out of the workspace's graph (the ontology and "
    "reference vocabularies stay).",
)
def init_command(folder: Path, name: str | None, base: str | None, no_bundled_facts: bool) -> None:
    """Create a workspace: a folder for a team's own data, queries and shapes, kept in git.

    FOLDER must be new or empty; nothing is overwritten. Commands run inside it use its data
    (and the bundled facts, unless --no-bundled-facts), its stored queries and its shapes.

    \b
        clusterkg init agency --name MITA --base https://example.org/mita/id/
        cd agency && clusterkg validate && clusterkg test
    """
    created = create(folder, name, base, not no_bundled_facts)
    click.echo(f"Created the workspace {created.root}:")
    for relative in created.files:
        click.echo(f"  {created.root / relative}")
    click.echo("Next:")
    click.echo(f"  cd {created.root}")
    click.echo("  clusterkg validate            # the workspace's graph against all shapes")
    click.echo("  clusterkg query our-clusters  # the example query")
    click.echo("  clusterkg test                # the queries' expected results")
