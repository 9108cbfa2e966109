"""The imported statements validated in the context of the graph they join: the command's data
plus the new file, against the bundled shapes, keeping the problems located in the new file and
saying each at the sheet's row it comes from."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.spreadsheets.importer import Imported
from clusterkg.spreadsheets.problems import Where
from clusterkg.spreadsheets.statements import FIELD_OF
from clusterkg.validation.report import Problem
from clusterkg.vocabulary import shorten

# Loads the graph of the given data files for validation (Settings.graph, in the CLI).
Loader = Callable[[Sequence[Path]], KnowledgeGraph]


@dataclass(frozen=True)
class Finding:
    """A validation problem of the imported statements, at the row (or output line) it is on."""

    where: str
    problem: Problem

    def __str__(self) -> str:
        p = self.problem
        path = shorten(p.path) if p.path else "-"
        return f"{self.where}: {p.severity}: {shorten(p.focus)} {path}: {p.message}"


def data_files(graph: KnowledgeGraph) -> list[Path]:
    """The data files of a loaded graph (its files but the bundled vocabulary)."""
    vocabulary = {p.resolve() for p in graph.bundle.vocabulary()}
    return [p for p in graph.files if p.resolve() not in vocabulary]


def validate_in_context(
    imported: Imported, output_name: str, workbook: str, data: list[Path], load: Loader
) -> list[Finding]:
    """The problems the shapes find in the imported statements once they are in the graph."""
    with tempfile.TemporaryDirectory(prefix="clusterkg-import-") as folder:
        new = Path(folder) / output_name
        new.write_text(imported.text, encoding="utf-8")
        report = load([*data, new]).validate()
        located = [p for p in report.problems if p.file and Path(p.file).resolve() == new.resolve()]
    return [Finding(_where(p, imported, workbook, output_name), p) for p in located]


def _where(problem: Problem, imported: Imported, workbook: str, output_name: str) -> str:
    """`file!sheet!C7 (out.trig:131)` when the property came from a column, else the row."""
    origin = imported.rows.get(problem.line or 0)
    if origin is None:
        return f"{output_name}:{problem.line}" if problem.line else output_name
    sheet, row, letters = origin
    letter = letters.get(FIELD_OF.get(problem.path or "", ""), "")
    cell = f"{letter}{row}" if letter else f"row {row}"
    return f"{Where(workbook, sheet, cell)} ({output_name}:{problem.line})"
