"""Which mapping a sheet uses and which column holds which field: by the mapping file if one
names the sheet, else by the sheet's name (`Members`), else by its header row. Said on stderr
(`members.xlsx!Members: members (by the sheet's name)`), with the columns left aside. A CSV
file, which has no sheet, is told by its file's name (`members.csv`) or its header row."""

from __future__ import annotations

from pathlib import Path

from clusterkg.spreadsheets import mappings
from clusterkg.spreadsheets.cells import Sheet
from clusterkg.spreadsheets.mapping_file import MappingFile
from clusterkg.spreadsheets.mappings import Mapping
from clusterkg.spreadsheets.problems import SheetProblem
from clusterkg.spreadsheets.records import Columns


def sheet_columns(
    sheet: Sheet, mapping_file: MappingFile | None, problems: list[SheetProblem], notes: list[str]
) -> Columns | None:
    """The sheet's mapping and columns; None for an empty sheet or one no mapping fits (a
    problem then)."""
    if not any(c.value is not None for row in sheet.rows for c in row):
        notes.append(f"{sheet.where()}: empty sheet, skipped")
        return None
    if not any(c.value is not None for c in sheet.rows[0]):
        problems.append(
            SheetProblem(sheet.where("1"), "expected the header row in row 1, found it empty")
        )
        return None
    header = {c.column: str(c.value) for c in sheet.rows[0] if c.value is not None}
    renames = mapping_file.renames(sheet.name) if mapping_file else {}
    headers = {letter: renames.get(text, text) for letter, text in header.items()}
    chosen = _mapping(sheet, list(headers.values()), mapping_file, problems)
    if chosen is None:
        return None
    mapping, how = chosen
    notes.append(f"{sheet.where()}: {mapping.kind} ({how})")
    wanted = mapping_file.extras(sheet.name) if mapping_file else {}
    extras = {letter: wanted[text] for letter, text in header.items() if text in wanted}
    rest = {letter: text for letter, text in headers.items() if letter not in extras}
    letters = _letters(sheet, mapping, header, rest, problems, notes)
    for column in mapping.required:
        if column.field not in letters:
            shown = ", ".join(f"{k} {v!r}" for k, v in header.items())
            problems.append(
                SheetProblem(
                    sheet.where("1"),
                    f"expected a column {column.field!r} (the {mapping.kind} mapping requires "
                    f"it), found the headers {shown}",
                )
            )
    return Columns(mapping, letters, header, extras)


def _letters(
    sheet: Sheet,
    mapping: Mapping,
    header: dict[str, str],
    headers: dict[str, str],
    problems: list[SheetProblem],
    notes: list[str],
) -> dict[str, str]:
    letters: dict[str, str] = {}
    for letter, text in headers.items():
        found = mapping.field_of(text)
        if found is None:
            notes.append(
                f"{sheet.where(letter + '1')}: column {header[letter]!r} is not part of the "
                f"{mapping.kind} mapping: left aside"
            )
        elif found in letters:
            problems.append(
                SheetProblem(
                    sheet.where(letter + "1"),
                    f"expected one column for {found!r}, found a second one "
                    f"({header[letter]!r}; the first is column {letters[found]})",
                )
            )
        else:
            letters[found] = letter
    return letters


def _mapping(
    sheet: Sheet,
    headers: list[str],
    mapping_file: MappingFile | None,
    problems: list[SheetProblem],
) -> tuple[Mapping, str] | None:
    kind = mapping_file.kind(sheet.name) if mapping_file else None
    if mapping_file is not None and kind:
        return mappings.MAPPINGS[kind], f"by {mapping_file.path.name}"
    # A CSV file has no sheet: its file's name (members.csv) says what it holds.
    by_name = mappings.by_sheet_name(sheet.name or Path(sheet.file).stem)
    if by_name is not None:
        return by_name, "by the sheet's name" if sheet.name else "by the file's name"
    fitting = mappings.by_headers(headers)
    if not fitting:
        kinds = ", ".join(mappings.MAPPINGS)
        found = ", ".join(repr(h) for h in headers)
        problems.append(
            SheetProblem(
                sheet.where("1"),
                f"expected the headers of one of the mappings ({kinds}), found {found}: name "
                "the sheet after its kind, or give --mapping",
            )
        )
        return None
    return fitting[0], "by its header row"
