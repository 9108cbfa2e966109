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
from clusterkg.spreadsheets.problems import ImportRefused, SheetProblem
from clusterkg.spreadsheets.records import Columns, Record, read_records
from clusterkg.spreadsheets.resolution import Resolution
from clusterkg.spreadsheets.statements import Writer
from clusterkg.vocabulary import slugify

_ORDER = ("clusters", "members", "awards", "people")


@dataclass
class Imported:
    """What an import made: the TriG text, the row each of its lines comes from, and notes for
    stderr (which mapping each sheet used, columns left aside)."""

    text: str
    rows: dict[int, tuple[str | None, int]]
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
        columns = _columns(each, mapping_file, problems, notes)
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
        raise ImportRefused(problems)
    groups = [
        writer.group(r, c, f"{base}statement/{_group_slug(path.name, r.sheet.name, r.row)}")
        for r, c in read
    ]
    if not groups:
        raise ImportRefused([SheetProblem(sheets[0].where() if sheets else _nowhere(path),
                                          "expected at least one row of data, found none")])
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


def _nowhere(path: Path):  # type: ignore[no-untyped-def]
    from clusterkg.spreadsheets.problems import Where

    return Where(path.name, None)


def _chosen_sheets(sheets: list[Sheet], file: str, wanted: str | None) -> list[Sheet]:
    if wanted is None:
        return [s for s in sheets if (s.name or "").strip().lower() not in mappings.NOT_DATA]
    chosen = [s for s in sheets if s.name == wanted or (s.name is None and len(sheets) == 1)]
    if not chosen:
        names = ", ".join(repr(s.name) for s in sheets)
        from clusterkg.spreadsheets.problems import Where

        raise ImportRefused([SheetProblem(Where(file, None), f"expected a sheet named {wanted!r}, found {names}")])
    return chosen


def _columns(
    sheet: Sheet, mapping_file: MappingFile | None, problems: list[SheetProblem], notes: list[str]
) -> Columns | None:
    """The sheet's mapping and which column holds which field; None for an empty sheet."""
    if not sheet.rows or not any(c.value is not None for c in sheet.rows[0]):
        if any(c.value is not None for row in sheet.rows for c in row):
            problems.append(SheetProblem(sheet.where("1"), "expected a header row in row 1, found an empty row"))
        else:
            notes.append(f"{sheet.where()}: empty sheet, skipped")
        return None
    header = {c.column: str(c.value) for c in sheet.rows[0] if c.value is not None}
    renames = mapping_file.renames(sheet.name) if mapping_file else {}
    mapping, how = _mapping(sheet, header, mapping_file, renames, problems)
    if mapping is None:
        return None
    notes.append(f"{sheet.where()}: {mapping.kind} ({how})")
    letters: dict[str, str] = {}
    for letter, text in header.items():
        found = mapping.field_of(renames.get(text, text))
        if found is None:
            notes.append(f"{sheet.where(letter + '1')}: column {text!r} is not part of the {mapping.kind} mapping: left aside")
        elif found in letters:
            problems.append(SheetProblem(sheet.where(letter + "1"), f"expected one column for {found!r}, found a second one ({text!r}; the first is column {letters[found]})"))
        else:
            letters[found] = letter
    for column in mapping.required:
        if column.field not in letters:
            shown = ", ".join(f"{k} {v!r}" for k, v in header.items())
            problems.append(SheetProblem(sheet.where("1"), f"expected a column {column.field!r} (the {mapping.kind} mapping requires it), found the headers {shown}"))
    return Columns(mapping, letters, header)


def _mapping(sheet, header, mapping_file, renames, problems):  # type: ignore[no-untyped-def]
    if mapping_file is not None and mapping_file.kind(sheet.name):
        return mappings.MAPPINGS[mapping_file.kind(sheet.name)], f"by {mapping_file.path.name}"
    by_name = mappings.by_sheet_name(sheet.name)
    if by_name is not None:
        return by_name, "by the sheet's name"
    fitting = mappings.by_headers([renames.get(h, h) for h in header.values()])
    if not fitting:
        kinds = ", ".join(m.kind for m in mappings.MAPPINGS.values())
        problems.append(SheetProblem(sheet.where("1"), f"expected the headers of one of the mappings ({kinds}), found {', '.join(repr(h) for h in header.values())}: name the sheet after its kind, or give --mapping"))
        return None, ""
    return fitting[0], "by its header row"


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
    kind = "text/csv" if path.suffix.lower() == ".csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    i = writer.i
    lines = [
        f"{i(source)} a ck:SourceDocument ;",
        f"    dcterms:title {trig.literal(path.name)} ;",
        f"    dcterms:identifier {trig.literal(path.name)} ;",
        f"    dcterms:format {trig.literal(kind)} ;",
        f"    dcterms:description {trig.literal('A spreadsheet imported with clusterkg import.', 'en')} .",
    ]
    for page in sorted(writer.catalogue):
        lines += writer.catalogue[page]
    return lines
