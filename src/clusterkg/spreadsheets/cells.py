"""Reading a workbook's cells with their locations: .xlsx through openpyxl, .csv as UTF-8.

A sheet is read as rows of cells, each knowing its column letter and row number, so that every
later problem can name `file!sheet!C7`. What this module decides:

- Text is trimmed (leading and trailing spaces, which a sheet does not show) and an empty cell
  is None; diacritics are kept as typed.
- A formula gives the value the spreadsheet program last computed (openpyxl's `data_only`). A
  formula with no such value (a workbook written by a program that does not compute, such as
  openpyxl itself) is a problem: clusterkg does not evaluate formulas.
- A merged cell's value applies to every cell of the range it covers (a cluster's name merged
  down the rows of its members reads as that name on each row). Only the top-left cell of a
  merge holds a value in the file; openpyxl's read-only mode does not report merges, so the
  workbook is opened in full mode (a 1,000-row sheet: well under a second).
- CSV: UTF-8, with or without a byte-order mark (Excel writes one); the delimiter is sniffed
  among `,` `;` and tab, else `,`. A CSV has no sheet name: its cells are `file.csv!C7`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from clusterkg.errors import InputError
from clusterkg.spreadsheets.problems import SheetProblem, Where

# What a cell holds once read: text, a number, a date or time, a truth value, or nothing.
Value = str | int | float | bool | date | datetime | time | None


@dataclass(frozen=True)
class Cell:
    column: str
    row: int
    value: Value


@dataclass
class Sheet:
    """One sheet: its name (None for a CSV file), its rows of cells from the first (the header
    row is rows[0]), and the problems met while reading it (formulas without a value)."""

    file: str
    name: str | None
    rows: list[list[Cell]]
    problems: list[SheetProblem]

    def where(self, cell: str = "") -> Where:
        return Where(self.file, self.name, cell)


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx workbook or the one sheet of a .csv file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise InputError(path, f"cannot import a {suffix or 'suffix-less'} file: give .xlsx or .csv")


def read_xlsx(path: Path) -> list[Sheet]:
    try:
        values = load_workbook(path, data_only=True)
        # The formulas themselves, streamed: only to tell a formula without a cached value
        # from an empty cell, which data_only alone cannot.
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(path, f"not a readable .xlsx workbook ({error})") from None
    try:
        return [_xlsx_sheet(path.name, values[name], formulas[name]) for name in values.sheetnames]
    finally:
        formulas.close()


def _xlsx_sheet(file: str, sheet: Any, formula_sheet: Any) -> Sheet:
    merged = _merged_values(sheet)
    rows: list[list[Cell]] = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.column is None:  # an empty cell openpyxl made up to fill the row
                continue
            letter = get_column_letter(cell.column)
            value = merged.get((cell.row, cell.column), cell.value)
            cells.append(Cell(letter, cell.row, clean(value)))
        rows.append(cells)
    found = Sheet(file, sheet.title, rows, [])
    found.problems = _uncomputed_formulas(found, formula_sheet)
    return found


def _merged_values(sheet: Any) -> dict[tuple[int, int], Value]:
    """(row, column) → the value of the merged range that covers it."""
    spread: dict[tuple[int, int], Value] = {}
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                spread[(row, column)] = value
    return spread


def _uncomputed_formulas(sheet: Sheet, formula_sheet: Any) -> list[SheetProblem]:
    empty = {(c.row, c.column) for row in sheet.rows for c in row if c.value is None}
    problems = []
    for row in formula_sheet.iter_rows():
        for cell in row:
            if getattr(cell, "data_type", None) != "f" or cell.column is None:
                continue
            letter = get_column_letter(cell.column)
            if (cell.row, letter) in empty:
                problems.append(
                    SheetProblem(
                        sheet.where(f"{letter}{cell.row}"),
                        f"expected a value, found the formula {cell.value} with no computed "
                        "value saved (open and save the workbook in a spreadsheet program, "
                        "or type the value)",
                    )
                )
    return problems


def read_csv(path: Path) -> Sheet:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 (byte {error.start}); save the CSV as UTF-8") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text), _dialect(text)), start=1):
        rows.append(
            [Cell(_letter(i), number, clean(value)) for i, value in enumerate(values, start=1)]
        )
    return Sheet(path.name, None, rows, [])


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _letter(index: int) -> str:
    return str(get_column_letter(index))


def clean(value: Any) -> Value:
    """A cell's value as the importer reads it: text trimmed, empty text as None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if value is None or isinstance(value, (int, float, bool, date, datetime, time)):
        return value
    return str(value)


def data_rows(sheet: Sheet) -> Iterator[list[Cell]]:
    """The rows after the header that hold anything (empty rows are skipped)."""
    for row in sheet.rows[1:]:
        if any(cell.value is not None for cell in row):
            yield row
