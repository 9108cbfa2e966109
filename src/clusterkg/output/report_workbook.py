"""A validation report as an .xlsx workbook: a "Report" sheet with a row a problem (severity, file,
line, focus node, path, value, message, shape, component), in the text report's order, and a
"Summary" sheet (the verdict, counts by severity and by rule, when, by which validator).

Nodes are written as CURIEs linked to their IRIs, as in a query's workbook; the line is a number,
so the sheet sorts and filters as people expect.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from openpyxl import Workbook

from clusterkg.engine import Term
from clusterkg.output.sarif import curie, rule_id
from clusterkg.output.xlsx import Sheet
from clusterkg.validation.report import Problem, Report
from clusterkg.version import __version__

REPORT = "Report"
SUMMARY = "Summary"
COLUMNS = [
    *("severity", "file", "line", "focus node", "path", "value"),
    *("message", "shape", "component"),
]


def write_report(report: Report, out: BinaryIO, paths: Sequence[Path] = ()) -> None:
    """Write the workbook of `report` to `out`; `paths`: what was validated (none: the graph)."""
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook.create_sheet(REPORT), COLUMNS)
    sheet.start([_shown(p) for p in report.problems[:100]])
    for problem in report.problems:
        sheet.worksheet.append(_cells(sheet, problem))
        sheet.rows += 1
    sheet.finish()
    _write_summary(workbook, report, paths)
    workbook.save(out)


def _cells(sheet: Sheet, problem: Problem) -> list[object]:
    def node(text: str | None) -> object:
        return sheet.term_cell(_term(text)) if text else None

    return [
        sheet.value_cell(problem.severity),
        sheet.value_cell(_file(problem)),
        sheet.value_cell(problem.line),
        node(problem.focus),
        node(problem.path),
        sheet.value_cell(problem.value),
        sheet.value_cell(problem.message),
        sheet.term_cell(_term(problem.shape), curie(problem.shape)) if problem.shape else None,
        sheet.value_cell(problem.component),
    ]


def _file(problem: Problem) -> str | None:
    """The file; on a server, where no file is known, the graph the node is in."""
    if problem.file is not None:
        return problem.file
    return f"<{problem.graph}>" if problem.graph else None


def _term(text: str) -> Term:
    """A node as the report keeps it (an IRI, or `_:label`) as an RDF term."""
    if text.startswith("_:"):
        return ox.Literal(text)  # shown as written: its label is the validator's
    try:
        return ox.NamedNode(text)
    except ValueError:
        return ox.Literal(text)


def _shown(problem: Problem) -> list[object]:
    return [
        *(problem.severity, _file(problem), problem.line, _term(problem.focus)),
        *(problem.path, problem.value, problem.message[:60], problem.shape, problem.component),
    ]


def _write_summary(workbook: Workbook, report: Report, paths: Sequence[Path]) -> None:
    sheet = Sheet(workbook.create_sheet(SUMMARY), ["", ""])
    sheet.worksheet.column_dimensions["A"].width = 40
    sheet.worksheet.column_dimensions["B"].width = 60
    validated = ", ".join(str(p) for p in paths) or "the graph's data"
    rows: list[list[object]] = [
        ["verdict", report.verdict],
        ["violations", report.count("Violation")],
        ["warnings", report.count("Warning")],
        ["info", report.count("Info")],
        ["validated", validated],
        ["validator", report.engine],
        ["ran at (UTC)", dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)],
        ["written by", f"clusterkg {__version__}"],
    ]
    by_rule = Counter(rule_id(p) for p in report.problems)
    if by_rule:
        rows += [[], ["problems by rule", "count"]]
        rows += [[rule, count] for rule, count in sorted(by_rule.items(), key=_most_first)]
    for row in rows:
        sheet.add_values(row)


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
