"""`clusterkg import --template FILE.xlsx`: an empty workbook to fill in and import.

One sheet per mapping (Clusters, Members, Awards, People), each with its header row (bold,
frozen, a note on each header saying what goes there), drop-down lists of the reference
vocabularies read from the graph (tiers, sectors, roles) and of the countries; an "Examples"
sheet with one filled-in row per mapping and an "About" sheet, both of which the importer skips
(as it skips the hidden "Lists" sheet that holds the drop-downs' values).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from clusterkg.engine import Engine
from clusterkg.errors import ClusterKGError
from clusterkg.output.atomic import atomic_output
from clusterkg.queries.values import EUROPEAN_COUNTRIES
from clusterkg.spreadsheets.mappings import MAPPINGS, Mapping
from clusterkg.spreadsheets.resolution import VOCABULARIES, vocabulary_names

_ROWS = 1000  # rows the drop-downs cover
EXAMPLES = {
    "clusters": [
        "Baltic Agri Cluster",
        "BAC",
        "",
        "LT",
        "Food",
        "https://example.org/bac",
        "Baltic Agri Association",
        "2020-03-01",
        "A food cluster of farm exporters.",
    ],
    "members": ["Baltic Agri Cluster", "Example Foods UAB", "2021-05-04", "Member"],
    "awards": [
        "FETEK",
        "Gold",
        "2024",
        "2024-06",
        "2026-06",
        "https://www.cluster-analysis.org/benchmarked-clusters",
        "ESCA",
    ],
    "people": [
        "Jūratė Example",
        "Baltic Agri Cluster",
        "Cluster coordinator",
        "Coordinator of the Baltic Agri Cluster",
    ],
}
ABOUT = (
    "This workbook is a template for `clusterkg import`.",
    "Fill in the sheets you need (Clusters, Members, Awards, People); leave the others empty.",
    "Then run:  clusterkg import THIS-FILE.xlsx -o data/imported.trig",
    "Row 1 is the header row: keep its words (docs/import.md lists other spellings that work).",
    "Empty rows are skipped.",
    "Names are matched as clusterkg's query parameters are: by name, other name or acronym,",
    "ignoring case and accents. A cluster (Clusters sheet), company (Members) or person (People)",
    "that no name matches is added as a new one; the clusters named on Members and Awards must",
    "exist, in the graph or on the Clusters sheet.",
    "Dates: a date cell, or 2021-05-04, 04.05.2021 (day.month.year), 2021-05 or 2021;",
    "4/5/2021 is refused (the day and the month cannot be told apart).",
    "Each row becomes a statement group whose source is this workbook and whose quote is the row.",
    "The sheets About, Examples and Lists are not imported.",
)


def write_template(path: Path, engine: Engine, kind: str, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        raise ClusterKGError(f"--template {path}: give a .xlsx file name")
    if not path.resolve().parent.is_dir():
        raise ClusterKGError(f"--template {path}: folder {path.resolve().parent} does not exist")
    if path.exists() and not force:
        raise ClusterKGError(f"{path} exists: give another name, or --force to overwrite it")
    kinds = list(MAPPINGS) if kind == "all" else [kind]
    workbook = Workbook()
    lists = _lists_sheet(workbook, engine)
    workbook.remove(workbook.active)
    for each in kinds:
        _data_sheet(workbook, MAPPINGS[each], lists)
    _examples(workbook, kinds)
    about = workbook.create_sheet("About")
    for number, line in enumerate(ABOUT, start=1):
        about.cell(number, 1, line)
    about.column_dimensions["A"].width = 120
    workbook.move_sheet("Lists", offset=len(workbook.sheetnames))
    buffer = io.BytesIO()
    workbook.save(buffer)
    try:
        with atomic_output(path) as out:
            out.write(buffer.getvalue())
    except OSError as error:
        raise ClusterKGError(f"{path}: cannot write: {error.strerror or error}") from None


def _lists_sheet(workbook: Workbook, engine: Engine) -> dict[str, str]:
    """A hidden sheet with one column per list; holds → the range a drop-down takes."""
    sheet = workbook.create_sheet("Lists")
    sheet.sheet_state = "hidden"
    columns = {
        "name:tier": vocabulary_names(engine, VOCABULARIES["tier"]),
        "names:sector": vocabulary_names(engine, VOCABULARIES["sector"]),
        "name:role": vocabulary_names(engine, VOCABULARIES["role"]),
        "country": [name for _, _, name in EUROPEAN_COUNTRIES],
    }
    ranges = {}
    for index, (holds, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, holds.split(":")[-1])
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value)
        ranges[holds] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _data_sheet(workbook: Workbook, mapping: Mapping, lists: dict[str, str]) -> Worksheet:
    sheet = workbook.create_sheet(mapping.kind.capitalize())
    _header(sheet, mapping)
    for index, column in enumerate(mapping.columns, start=1):
        if column.holds in lists:
            letter = get_column_letter(index)
            # a sectors cell may list several: the drop-down offers them, typing others is allowed
            several = column.holds.startswith("names:")
            check = DataValidation(
                type="list",
                formula1=lists[column.holds],
                allow_blank=True,
                showErrorMessage=not several,
            )
            check.add(f"{letter}2:{letter}{_ROWS + 1}")
            sheet.add_data_validation(check)
    return sheet


def _header(sheet: Worksheet, mapping: Mapping, row: int = 1) -> None:
    bold = Font(bold=True)
    for index, column in enumerate(mapping.columns, start=1):
        cell = sheet.cell(row, index, column.field)
        cell.font = bold
        required = "Required. " if column.required else ""
        cell.comment = Comment(f"{required}{column.help}", "clusterkg")
        sheet.column_dimensions[get_column_letter(index)].width = max(16, len(column.field) + 4)
    if row == 1:
        sheet.freeze_panes = "A2"


def _examples(workbook: Workbook, kinds: list[str]) -> None:
    sheet = workbook.create_sheet("Examples")
    sheet.cell(1, 1, "Examples of filled-in rows (this sheet is not imported).").font = Font(
        italic=True
    )
    row = 3
    for kind in kinds:
        sheet.cell(row, 1, f"{kind.capitalize()} sheet:").font = Font(italic=True)
        _header(sheet, MAPPINGS[kind], row + 1)
        for index, value in enumerate(EXAMPLES[kind], start=1):
            sheet.cell(row + 2, index, value or None)
        row += 4
