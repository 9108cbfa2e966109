"""A workbook → the TriG text of its statements: which mapping each sheet uses, every row read
and resolved, and ALL problems of the workbook gathered before anything is refused.

The sheets that add clusters are read first, so that the other sheets of the same workbook can
name the clusters they add, whatever the order of the sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clusterkg.engine import Engine
from clusterkg.queries.names import Names
from clusterkg.spreadsheets import mappings, trig
from clusterkg.spreadsheets.cells import Sheet, read_workbook
from clusterkg.spreadsheets.mapping_file import MappingFile
from clusterkg.spreadsheets.problems import ImportRefused, SheetProblem, Where
from clusterkg.spreadsheets.records import Columns, Record, read_records
from clusterkg.spreadsheets.resolution import Resolution
from clusterkg.spreadsheets.sheet_mapping import sheet_columns
from clusterkg.spreadsheets.statements import Writer
from clusterkg.vocabulary import slugify

_ORDER = ("clusters", "members", "awards", "people")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Imported:
    """What an import made: the TriG text, the row each of its lines comes from, and notes for
    stderr (which mapping each sheet used, columns left aside)."""

    text: str
    rows: dict[int, trig.Origin]
    notes: list[str] = field(default_factory=list)
    groups: int = 0


def import_workbook(
    path: Path,
    engine: Engine,
    graph_names: Names,
    base: str,
    sheet: str | None = None,
    mapping_file: MappingFile | None = None,
) -> Imported:
    """The statements of the workbook at `path`, its names resolved against the graph
    (`engine`, `graph_names`) and the workbook's own new things; ImportRefused listing every
    problem if any."""
    sheets = _chosen_sheets(read_workbook(path), path.name, sheet)
    problems: list[SheetProblem] = [p for s in sheets for p in s.problems]
    notes: list[str] = []
    mapped = []
    for each in sheets:
        columns = sheet_columns(each, mapping_file, problems, notes)
        if columns is not None:
            mapped.append((each, columns))
    mapped.sort(key=lambda pair: _ORDER.index(pair[1].mapping.kind))
    names = Resolution(engine, graph_names, base)
    source = f"{base}source/{slugify(path.name)}"
    known = trig.prefixes(base)
    writer = Writer(known, base, source)
    read = []
    for each, columns in mapped:
        for record in read_records(each, columns, names, problems):
            read.append((record, columns))
            if columns.mapping.kind == "clusters":
                _other_names(record, names)
    if problems:
        refused = ImportRefused(problems, [s.name for s in sheets])
        refused.notes = notes
        raise refused
    groups = [
        writer.group(r, c, f"{base}statement/{_group_slug(path.name, r.sheet.name, r.row)}")
        for r, c in read
    ]
    if not groups:
        nowhere = SheetProblem(Where(path.name, None), "expected rows of data, found none")
        raise ImportRefused([nowhere])
    text, rows = trig.document(
        _header(path.name, mapped), known, _catalogue(writer, path, source), groups
    )
    return Imported(text, rows, notes, len(groups))


def _other_names(record: Record, names: Resolution) -> None:
    """A new cluster's acronym and other names find it too, on the workbook's other sheets."""
    cluster = record["name"]
    if cluster is None or not names.is_minted(cluster.iri):
        return
    others = [record["acronym"] or "", *(record["other names"] or "").split(";")]
    for other in others:
        if other.strip():
            names.new.add("cluster", other.strip(), cluster.iri)


def _chosen_sheets(sheets: list[Sheet], file: str, wanted: str | None) -> list[Sheet]:
    """The sheets to import: the one named by --sheet, else all but the template's own."""
    if wanted is None:
        return [s for s in sheets if (s.name or "").strip().lower() not in mappings.NOT_DATA]
    chosen = [s for s in sheets if s.name == wanted or s.name is None]
    if not chosen:
        names = ", ".join(repr(s.name) for s in sheets)
        problem = SheetProblem(Where(file, None), f"expected a sheet {wanted!r}, found {names}")
        raise ImportRefused([problem])
    return chosen


def _group_slug(file: str, sheet: str | None, row: int) -> str:
    parts = [slugify(Path(file).stem)] + ([slugify(sheet)] if sheet else [])
    return "-".join([*parts, f"row-{row}"])


def _header(file: str, mapped: list[tuple[Sheet, Columns]]) -> str:
    used = ", ".join(f"{s.name or file}: {c.mapping.kind}" for s, c in mapped)
    return (
        f"Imported from {file} by clusterkg import ({used}).\n"
        "One statement group per row, derived from the workbook and quoting the row."
    )


def _catalogue(writer: Writer, path: Path, source: str) -> list[str]:
    kind = "text/csv" if path.suffix.lower() == ".csv" else _XLSX
    i = writer.i
    described = trig.literal("A spreadsheet imported with clusterkg import.", "en")
    lines = [
        f"{i(source)} a ck:SourceDocument ;",
        f"    dcterms:title {trig.literal(path.name)} ;",
        f"    dcterms:identifier {trig.literal(path.name)} ;",
        f"    dcterms:format {trig.literal(kind)} ;",
        f"    dcterms:description {described} .",
    ]
    for page in sorted(writer.catalogue):
        lines += writer.catalogue[page]
    return lines
