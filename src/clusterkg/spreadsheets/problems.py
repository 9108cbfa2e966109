"""What can be wrong with a spreadsheet, said at its cell: `members.xlsx!Members!C7: expected …,
found …`. An import collects every problem of the workbook before it gives up, so the user
fixes them all in one go rather than one per run."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.errors import EXIT_USAGE, EXIT_VIOLATIONS, ClusterKGError


@dataclass(frozen=True, order=True)
class Where:
    """A place in a workbook: its file name, its sheet (None for CSV, which has one), and a cell
    (`C7`), a row (`7`) or nothing (the whole sheet)."""

    file: str
    sheet: str | None
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file] if self.sheet is None else [self.file, self.sheet]
        return "!".join([*parts, self.cell] if self.cell else parts)


@dataclass(frozen=True)
class SheetProblem:
    """One problem: where, and what is wrong (what was expected, what was found)."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRefused(ClusterKGError):
    """The workbook cannot be imported: every problem found, one a line (exit 2)."""

    exit_code = EXIT_USAGE

    def __init__(
        self, problems: list[SheetProblem], sheets: list[str | None] | None = None
    ) -> None:
        """`sheets`: the workbook's sheets in their order, which the problems follow."""
        order = {name: index for index, name in enumerate(sheets or [])}
        self.notes: list[str] = []  # what was read before (which mapping each sheet used)
        self.problems = sorted(problems, key=lambda p: _order(p, order))
        lines = [str(p) for p in self.problems]
        count = len(lines)
        noun = "problem" if count == 1 else "problems"
        super().__init__("\n".join([*lines, f"{count} {noun}; nothing written"]))


class ImportInvalid(ClusterKGError):
    """The import was read, but the graph with it does not pass the shapes (exit 1)."""

    exit_code = EXIT_VIOLATIONS


def _order(problem: SheetProblem, sheets: dict[str | None, int]) -> tuple[int, str, int, int, str]:
    """By sheet (in the workbook's order), then row and column as a person reads them (C7
    before C10, Z7 before AA7)."""
    where = problem.where
    letters = where.cell.rstrip("0123456789")
    digits = where.cell[len(letters) :]
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    sheet = sheets.get(where.sheet, len(sheets))
    return (sheet, where.sheet or "", int(digits or 0), column, problem.message)
