"""The `generate` command: a synthetic data set to use with --data."""

from __future__ import annotations

from pathlib import Path

import click

from clusterkg.generate import DEFAULT_SEED, DEFAULT_VIOLATIONS


@click.command("generate")
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
    from clusterkg.generate.dataset import generate  # here: 60 ms of every start otherwise

    click.echo(generate(output, clusters, seed, violations).summary())
