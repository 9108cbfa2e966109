"""Options more than one command takes, as decorators: the result format and the query limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from clusterkg.output.formats import names
from clusterkg.output.tables import GRAPH_FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def choice_option(name: str, choices: Sequence[str], default: str, help: str) -> Callable[[F], F]:
    """An option that takes one of a few words, its default shown in --help."""
    flags = name.split("/")
    return click.option(
        *flags, type=click.Choice(list(choices)), default=default, show_default=True, help=help
    )


def output_options(function: F) -> F:
    """-f/--format: any table or graph format; which fits is known once the query has run."""
    table_formats = names("table")  # xlsx included, which output/tables.py does not write
    choices = click.Choice(sorted(set(table_formats) | set(GRAPH_FORMATS)))
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=choices,
        default=None,
        help=f"{'|'.join(table_formats)} for SELECT/ASK (default table); "
        f"{'|'.join(GRAPH_FORMATS)} for CONSTRUCT/DESCRIBE (default ttl).",
    )(function)


def limit_options(function: F) -> F:
    """--timeout and --max-rows, for clusterkg.engine.limits.Limits."""
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
