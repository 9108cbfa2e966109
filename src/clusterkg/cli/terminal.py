"""What the command line writes differently on a terminal: tables fitted to its width, colour.

Colour is used only when the stream written to is a terminal, TERM is not `dumb` and NO_COLOR is
unset or empty (https://no-color.org); `--color` forces it (also under NO_COLOR: a flag given on
the command line is the user's latest word), `--no-color` forbids it. Tables are fitted to the
terminal's width (shutil.get_terminal_size: $COLUMNS first, then the terminal itself) only when
standard output is a terminal: a pipe or a file gets every character, unless `--width N` asks
for N. `--wide` never fits.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

from clusterkg.output.fitting import RESET, Layout

F = TypeVar("F", bound=Callable[..., Any])

RED, YELLOW, BLUE = "\x1b[31m", "\x1b[33m", "\x1b[34m"
SEVERITY_COLOURS = {"Violation": RED, "Warning": YELLOW, "Info": BLUE}
_LAYOUT_KEY = "clusterkg.layout"  # in click's ctx.meta: what --wide and --width asked


def colour_option(function: F) -> F:
    """--color/--no-color on the group: click's context carries the choice to every echo."""

    def chosen(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
        if value is not None:
            ctx.color = value

    return click.option(
        "--color/--no-color",
        default=None,
        expose_value=False,
        callback=chosen,
        help="Colour the output, or not (default: colour on a terminal, unless NO_COLOR is set).",
    )(function)


def layout_options(function: F) -> F:
    """--wide and --width for the commands that print tables; read back by `table_layout`."""

    def keep(ctx: click.Context, param: click.Parameter, value: object) -> None:
        ctx.meta.setdefault(_LAYOUT_KEY, {})[param.name] = value

    function = click.option(
        "--width",
        type=click.IntRange(min=20),
        metavar="N",
        expose_value=False,
        callback=keep,
        help="Fit the table in N characters, also in a pipe or a file (default: the terminal's "
        "width on a terminal, else never cut).",
    )(function)
    return click.option(
        "--wide",
        is_flag=True,
        expose_value=False,
        callback=keep,
        help="Never cut the table to the terminal's width: every cell whole.",
    )(function)


def colour_wanted(stream: IO[Any]) -> bool:
    """Whether to colour what is written to `stream` (see the module's note)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return ctx.color
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _is_terminal(stream)


def _is_terminal(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def table_layout(stream: IO[Any]) -> Layout:
    """How to draw a table on `stream`: as --wide and --width asked, else fitted to the
    terminal if `stream` is one; coloured as colour_wanted says."""
    asked = _layout_asked()
    width: int | None = asked.get("width")
    if asked.get("wide"):
        width = None
    elif width is None and _is_terminal(stream):
        width = shutil.get_terminal_size().columns
    return Layout(width=width, colour=colour_wanted(stream))


def file_layout() -> Layout:
    """How to draw a table into a file: whole cells unless --width is given, never coloured."""
    asked = _layout_asked()
    return Layout(width=None if asked.get("wide") else asked.get("width"), colour=False)


def _layout_asked() -> dict[str, Any]:
    """What --wide and --width asked, as the command's options left it in click's context."""
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(_LAYOUT_KEY, {})) if ctx is not None else {}


def coloured(text: str, colour: str, stream: IO[Any]) -> str:
    """`text` in `colour` if `stream` may be coloured."""
    return f"{colour}{text}{RESET}" if colour_wanted(stream) else text


# a line's first severity, after its location (a message may name one too)
_SEVERITY = re.compile(r"^(.*?): (Violation|Warning|Info): ", re.MULTILINE)


def severities_coloured(report: str, stream: IO[Any]) -> str:
    """A text report with each line's severity in its colour (Violation red, Warning yellow,
    Info blue), if `stream` may be coloured."""
    if not colour_wanted(stream):
        return report
    return _SEVERITY.sub(lambda m: f"{m[1]}: {SEVERITY_COLOURS[m[2]]}{m[2]}{RESET}: ", report)
