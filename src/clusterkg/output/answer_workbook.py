"""A query's answer as an .xlsx workbook: a "Results" sheet of its rows (a CONSTRUCT's triples, an
ASK's one boolean) and a "Query" sheet saying what was asked, of which graph, when, and how many
rows came back (and whether --max-rows cut them).

The rows are written as they come (openpyxl write-only), a page at a time. A result longer than a
sheet holds (1,048,575 rows under the header) goes on in "Results 2", "Results 3" …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl import Workbook

from clusterkg.engine import Answer, Row
from clusterkg.output.xlsx import Sheet
from clusterkg.version import __version__

RESULTS = "Results"
ABOUT = "Query"


@dataclass(frozen=True)
class Asked:
    """What the "Query" sheet records: the stored query's `name` and `title` (an ad-hoc query:
    name "sparql" and its `text`), the parameters as typed, and the graph that answered."""

    name: str
    title: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    graph: str = ""
    max_rows: int | None = None


@dataclass
class Written:
    """What went into the workbook: the rows (or triples) and whether a cap cut them."""

    rows: int
    truncated: bool
    cut_cells: int


def write_answer(answer: Answer, asked: Asked, out: BinaryIO) -> Written:
    """Write the workbook of `answer` to `out` (a binary file, or a stream that need not seek)."""
    workbook = Workbook(write_only=True)
    header = ["result"] if answer.boolean is not None else list(answer.variables)
    sheets = [Sheet(workbook.create_sheet(RESULTS), header)]
    if answer.boolean is not None:
        sheets[0].start()
        sheets[0].add_values([answer.boolean])
    else:
        _write_pages(workbook, sheets, answer)
    for sheet in sheets:
        sheet.finish()
    written = Written(
        sum(s.rows for s in sheets), answer.truncated, sum(s.cut_cells for s in sheets)
    )
    _write_about(workbook, asked, written, answer)
    workbook.save(out)
    return written


def _write_pages(workbook: Workbook, sheets: list[Sheet], answer: Answer) -> None:
    """Every page into the last sheet; a full sheet is followed by another with the header."""
    first = True
    for page in answer.pages:
        if first:
            sheets[0].start(page[:100])
            first = False
        for row in page:
            if sheets[-1].full:
                sheets.append(_next_sheet(workbook, sheets[-1], len(sheets) + 1, page))
            sheets[-1].add_terms(row)
    if first:
        sheets[0].start()


def _next_sheet(workbook: Workbook, last: Sheet, number: int, page: list[Row]) -> Sheet:
    sheet = Sheet(workbook.create_sheet(f"{RESULTS} {number}"), last.header)
    sheet.start(page[:100])
    return sheet


def _write_about(workbook: Workbook, asked: Asked, written: Written, answer: Answer) -> None:
    sheet = Sheet(workbook.create_sheet(ABOUT), ["", ""])
    sheet.worksheet.column_dimensions["A"].width = 22
    sheet.worksheet.column_dimensions["B"].width = 80
    for row in _about_rows(asked, written, answer):
        sheet.add_values(row)


def _about_rows(asked: Asked, written: Written, answer: Answer) -> list[list[object]]:
    what = "triples" if answer.graph else "rows"
    rows: list[list[object]] = [["query", asked.name]]
    if asked.title:
        rows.append(["title", asked.title])
    rows += [[f"parameter {name}", value] for name, value in asked.parameters]
    if asked.graph:
        rows.append(["graph", asked.graph])
    rows.append(["ran at (UTC)", dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])
    if answer.boolean is None:
        rows.append([what, written.rows])
        rows.append(
            [
                "cut by --max-rows",
                f"yes: the first {asked.max_rows} {what}; more matched"
                if written.truncated
                else "no",
            ]
        )
    if written.cut_cells:
        rows.append(["cells cut", f"{written.cut_cells} longer than Excel's 32,767 characters"])
    rows.append(["written by", f"clusterkg {__version__}"])
    if asked.text is not None:
        rows.append(["query text", asked.text])
    return rows
