"""A sheet's rows as records: each cell of a mapped column read as what the column holds (a
text, a date, a web address, a country, the IRI of a thing by its name), or a problem at that
cell saying what was expected and what was found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from clusterkg.spreadsheets import cell_values
from clusterkg.spreadsheets.cells import Cell, Sheet, data_rows
from clusterkg.spreadsheets.mapping_file import Extra
from clusterkg.spreadsheets.mappings import Column, Mapping
from clusterkg.spreadsheets.problems import SheetProblem
from clusterkg.spreadsheets.resolution import Resolution, Unresolved


@dataclass(frozen=True)
class Thing:
    """A thing a cell names: its IRI, its name (as written for a new thing, its label for an
    existing one), and whether this row is the first
    to name a thing the workbook adds (that row's group introduces it: type and name)."""

    iri: str
    name: str
    introduced: bool = False


@dataclass
class Record:
    sheet: Sheet
    row: int
    cells: list[Cell]
    values: dict[str, Any] = field(default_factory=dict)
    # (property IRI, type, value read) of the mapping file's extra columns
    extras: list[tuple[str, str, Any]] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Columns:
    """Which column letter holds which field of the mapping."""

    mapping: Mapping
    letters: dict[str, str]  # field → column letter
    headers: dict[str, str]  # column letter → header as written
    extras: dict[str, Extra] = field(default_factory=dict)  # column letter → property


def read_records(
    sheet: Sheet, columns: Columns, names: Resolution, problems: list[SheetProblem]
) -> list[Record]:
    records = []
    unreadable = {p.where for p in sheet.problems}  # formulas without a value: said already
    for row in data_rows(sheet):
        by_letter = {cell.column: cell for cell in row}
        number = row[0].row
        record = Record(sheet, number, [c for c in row if c.column in columns.headers])
        for column in columns.mapping.columns:
            letter = columns.letters.get(column.field)
            cell = by_letter.get(letter) if letter else None
            where = sheet.where(f"{letter}{number}") if letter else sheet.where(str(number))
            if cell is None or cell.value is None:
                if column.required and where not in unreadable:
                    problems.append(
                        SheetProblem(where, f"expected {_what(column)}, found an empty cell")
                    )
                continue
            try:
                record.values[column.field] = _read(column, cell, names)
            except (ValueError, Unresolved) as error:
                problems.append(SheetProblem(where, str(error)))
        _read_extras(record, columns, by_letter, problems)
        records.append(record)
    return records


def _read_extras(
    record: Record, columns: Columns, cells: dict[str, Cell], problems: list[SheetProblem]
) -> None:
    for letter, extra in sorted(columns.extras.items(), key=lambda kv: (len(kv[0]), kv[0])):
        cell = cells.get(letter)
        if cell is None or cell.value is None:
            continue
        try:
            record.extras.append((extra.property, extra.type, _typed(extra.type, cell)))
        except ValueError as error:
            problems.append(SheetProblem(record.sheet.where(f"{letter}{record.row}"), str(error)))


def _typed(kind: str, cell: Cell) -> Any:
    if kind == "date":
        return cell_values.a_date(cell.value)
    if kind == "web":
        return cell_values.web_address(cell.value)
    written = cell_values.text(cell.value)
    if kind == "integer" and not re.match(r"^[+-]?\d+$", written):
        raise ValueError(f"expected a whole number, found {written!r}")
    return written


def _read(column: Column, cell: Cell, names: Resolution) -> Any:
    holds, _, kind = column.holds.partition(":")
    value = cell.value
    if holds == "text":
        return cell_values.text(value)
    if holds == "date":
        return cell_values.a_date(value)
    if holds == "web":
        return cell_values.web_address(value)
    written = cell_values.text(value)
    if holds == "country":
        return Thing(names.existing("country", written), written)
    if holds == "name":
        return _named(names, names.existing(kind, written), written)
    if holds == "names":
        parts = cell_values.several(value)
        return [_named(names, names.existing(kind, part), part) for part in parts]
    iri, new = names.existing_or_new(kind, written)
    if new:
        return Thing(iri, written, names.first_mention(iri))
    return _named(names, iri, written)


def _named(names: Resolution, iri: str, written: str) -> Thing:
    return Thing(iri, names.label(iri, written))


def _what(column: Column) -> str:
    holds, _, kind = column.holds.partition(":")
    return {
        "text": f"a {column.field}",
        "date": f"a date ({column.field})",
        "web": "a web address",
        "country": "a country",
    }.get(holds, f"the name of {_a(kind)}" if kind else column.field)


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"
