"""What the commands print besides their own lines: query answers on stdout, notes on stderr."""

from __future__ import annotations

import os
import sys

import click

from clusterkg.cli.terminal import table_layout
from clusterkg.engine import Answer
from clusterkg.engine.limits import Limits
from clusterkg.errors import EXIT_OK
from clusterkg.output.fitting import Layout
from clusterkg.output.tables import stream_answer

NOTES_SHOWN = 20  # on stderr; validate's report lists them all


def print_notes(notes: list[str]) -> None:
    """What loading changed, on stderr: the first NOTES_SHOWN, then how many more."""
    for note in notes[:NOTES_SHOWN]:
        click.echo(f"clusterkg: note: {note}", err=True)
    if len(notes) > NOTES_SHOWN:
        click.echo(
            f"clusterkg: note: … and {len(notes) - NOTES_SHOWN} more "
            "(clusterkg validate lists every one)",
            err=True,
        )


def print_answer(answer: Answer, fmt: str | None, limits: Limits) -> None:
    """Print the answer as its pages come (graph formats: once all triples are in); the query's
    worker is stopped however printing ends. A table is fitted and coloured as the terminal and
    --wide, --width, --color say (clusterkg.cli.terminal)."""
    layout = table_layout(sys.stdout)
    try:
        for chunk in stream_answer(answer, fmt, layout):
            # click.echo flushes: each page is seen as it comes
            click.echo(chunk, nl=False, color=layout.colour or None)
    except BrokenPipeError:
        _reader_went_away()
    finally:
        answer.close()
    say_what_was_left_out(answer, limits, layout)


def say_what_was_left_out(answer: Answer, limits: Limits, layout: Layout) -> None:
    """Notes on stderr: cells cut to fit the width, rows beyond --max-rows."""
    if layout.cut_cells[0]:
        click.echo(
            f"clusterkg: note: {layout.cut_cells[0]} long cell(s) cut to fit {layout.width} "
            "characters (--wide prints every cell whole)",
            err=True,
        )
    if answer.truncated:
        what = "triples" if answer.graph else "rows"
        click.echo(
            f"clusterkg: note: result truncated at {limits.max_rows} {what} (--max-rows); "
            "more matched",
            err=True,
        )


def _reader_went_away() -> None:
    """The reader of standard output closed it (`| head`): stop quietly, as `cat` does. Python
    would otherwise fail again flushing stdout at exit, so stdout is pointed at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OK)
