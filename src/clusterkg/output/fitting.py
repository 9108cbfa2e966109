"""The aligned table drawn for a terminal: fitted to its width, coloured when asked.

Fitting (a `Layout` with a width): columns are shrunk until a line fits, the widest first, each
down to no less than its header or MIN_COLUMN characters, whichever is more (a column narrower
than that by nature keeps its width); a cell cut short ends in `…`. When even the headers cannot
fit side by side (17 columns in 100 characters), each row is written as a record instead, one
`name  value` line per column, as psql's expanded display does. Without a width nothing is cut:
the table is as wide as its widest cells, for pipes and files.

Colour (a `Layout` with colour): the header bold, the rules dim. Whether a run may colour is the
command line's decision (clusterkg.cli.terminal); nothing here looks at the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_COLUMN = 6  # characters a fitted column keeps at least (with its `…`)
GAP = "  "  # between columns
ELLIPSIS = "…"
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


@dataclass(frozen=True)
class Layout:
    """How an aligned table is drawn: `width` to fit (None: never cut), `colour` to style."""

    width: int | None = None
    colour: bool = False
    # how many cells were cut so far: the command line says so once, after the table
    cut_cells: list[int] = field(default_factory=lambda: [0], compare=False)

    def bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.colour and text else text

    def dim(self, text: str) -> str:
        return f"{DIM}{text}{RESET}" if self.colour and text else text

    def as_records(self, header: list[str]) -> bool:
        """Whether rows must be written as records: the headers do not fit side by side."""
        if self.width is None or not header:
            return False
        least = sum(max(len(h), MIN_COLUMN) for h in header) + len(GAP) * (len(header) - 1)
        return least > self.width


def natural_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's width with nothing cut: its widest cell or its header."""
    return [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]


def fitted_widths(natural: list[int], header: list[str], width: int | None) -> list[int]:
    """The columns' widths within `width` characters in all, the widest shrunk first (see the
    module's note); the natural widths when they fit or `width` is None."""
    room = None if width is None else width - len(GAP) * (len(natural) - 1)
    if room is None or sum(natural) <= room:
        return natural
    floors = [min(n, max(len(h), MIN_COLUMN)) for n, h in zip(natural, header, strict=True)]
    # the highest cap at which the columns fit: every column cut to it, but none below its floor
    cap = max(natural)
    while cap > 0 and sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)) > room:
        cap -= 1
    widths = [max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)]
    spare = room - sum(widths)
    for i, (n, w) in enumerate(zip(natural, widths, strict=True)):
        if spare > 0 and n > w:  # the characters left over go to the columns cut, left first
            widths[i] += 1
            spare -= 1
    return widths


def cut(cell: str, width: int) -> str:
    """The cell in `width` characters at most, ending in `…` when cut."""
    if len(cell) <= width:
        return cell
    return cell[: max(width - 1, 0)] + ELLIPSIS if width > 0 else ""


def aligned_lines(
    header: list[str], rows: list[list[str]], layout: Layout, with_header: bool
) -> list[str]:
    """A block of rows as table lines (the header and its rule first if `with_header`)."""
    widths = fitted_widths(natural_widths(header, rows), header, layout.width)

    def line(cells: list[str]) -> str:
        return GAP.join(cut(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = []
    if with_header:
        lines.append(layout.bold(line(header)))
        lines.append(layout.dim(GAP.join("-" * w for w in widths)))
    layout.cut_cells[0] += sum(len(c) > w for r in rows for c, w in zip(r, widths, strict=True))
    return lines + [line(r) for r in rows]


def record_lines(header: list[str], rows: list[list[str]], layout: Layout, first: int) -> list[str]:
    """A block of rows as records, numbered from `first`: a rule naming the row, then one
    `column  value` line per column, the value cut to the width."""
    label = max(len(h) for h in header)
    width = layout.width or 0
    room = max(width - label - len(GAP), 1)
    lines = []
    for number, row in enumerate(rows, start=first):
        title = f"-[ {number} ]"
        lines.append(layout.dim(title + "-" * max(width - len(title), 0)))
        for name, cell in zip(header, row, strict=True):
            value = cut(cell, room)
            layout.cut_cells[0] += value != cell
            lines.append((layout.bold(name.ljust(label)) + GAP + value).rstrip())
    return lines
