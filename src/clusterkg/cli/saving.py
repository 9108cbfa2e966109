"""Answers and reports written to a file (-o, atomically) or as a workbook: the side of printing
that is not text on a terminal.

A workbook (xlsx) is bytes: it goes to -o FILE, or to standard output when that is a file or a
pipe, never to a terminal (refused before anything runs). With -o, the file is replaced whole or
not at all: a query stopped by its --timeout leaves no file (and an existing one untouched).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click

from clusterkg.cli.printing import print_answer, say_what_was_left_out
from clusterkg.cli.terminal import file_layout
from clusterkg.engine import Answer
from clusterkg.engine.limits import Limits
from clusterkg.errors import EXIT_OK, ClusterKGError
from clusterkg.inputs.bundle import RDF_SUFFIXES
from clusterkg.output.answer_workbook import Asked, write_answer
from clusterkg.output.atomic import atomic_output
from clusterkg.output.formats import BINARY
from clusterkg.output.tables import stream_answer

F = TypeVar("F", bound=Callable[..., Any])


def output_option(function: F) -> F:
    """-o/--output FILE: write there, atomically, instead of standard output."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to FILE (replaced whole, or left untouched if the command fails) instead "
        "of standard output; -f xlsx needs it on a terminal.",
    )(function)


def refuse_bytes_on_terminal(fmt: str | None, output: Path | None) -> None:
    """A binary format with no -o, on a terminal: refused at once, before any work is done."""
    if fmt in BINARY and output is None and sys.stdout.isatty():
        raise ClusterKGError(
            f"-f {fmt} writes a binary file, not text for a terminal: "
            f"add -o FILE.{fmt} (or redirect standard output to a file)"
        )


def deliver_answer(
    answer: Answer,
    fmt: str | None,
    limits: Limits,
    output: Path | None,
    asked: Asked,
    inputs: Sequence[Path] = (),
) -> None:
    """The answer on standard output (as print_answer), or in `output`; xlsx as a workbook."""
    if output is None and fmt not in BINARY:
        print_answer(answer, fmt, limits)
        return
    layout = file_layout()
    try:
        with write_to(output, inputs) as out:
            if fmt == "xlsx":
                write_answer(answer, asked, out)
            else:
                for chunk in stream_answer(answer, fmt, layout):
                    out.write(chunk.encode("utf-8"))
    finally:
        answer.close()
    say_what_was_left_out(answer, limits, layout)
    if output is not None:
        click.echo(f"clusterkg: wrote {output}", err=True)


def _is_input(target: Path, given: Path) -> bool:
    """`target` is the input file `given`, or an RDF file in the input folder `given` (which a
    later run would read as data)."""
    if given.is_dir():
        return target.is_relative_to(given) and target.suffix.lower() in RDF_SUFFIXES
    return target == given


@contextmanager
def write_to(output: Path | None, inputs: Sequence[Path] = ()) -> Iterator[BinaryIO]:
    """The file to write: `output` atomically (never one of the `inputs`, files or folders),
    else standard output's bytes."""
    if output is None:
        stream: BinaryIO = sys.stdout.buffer
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:  # the reader closed the pipe (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        return
    target = output.resolve()
    if any(_is_input(target, f.resolve()) for f in inputs):
        raise ClusterKGError(f"{output}: is one of the input files; choose another output file")
    if not target.parent.is_dir():
        raise ClusterKGError(f"{output}: folder {target.parent} does not exist")
    try:
        with atomic_output(target) as out:
            yield out
    except OSError as error:
        raise ClusterKGError(f"{output}: cannot write: {error.strerror or error}") from None
