"""A stored query's expected results, written by hand by the team beside the query:
`queries/NAME.expected.csv` (more cases: `NAME.expected-SOMETHING.csv`).

    # Rows of `clusterkg query our-clusters -p sector food`, written from data/example.trig.
    # parameters: sector=food
    cluster,name,founded
    https://example.org/agency/id/cluster/example-food-cluster,Example Food Cluster,2021

Lines starting with `#` are comments; `# parameters: NAME=VALUE;…` gives the query's parameters
(default: those of its first `#+ example:`, or none); `# order: any` compares the rows as a set
even when the query has ORDER BY. The first other line names the columns, in
any order; each row after it is one row the query must give. A cell is an IRI — `<…>`, a full
`https://…` IRI or a CURIE of a known prefix (`cluster:fetek`) — or a value as its text (`2021`
for "2021"^^xsd:gYear, `FETEK` for "FETEK"@en); an empty cell is an unbound variable."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from clusterkg.errors import ClusterKGError, InputError
from clusterkg.queries.catalogue import StoredQuery
from clusterkg.vocabulary import expand_curie

_PARAMETERS = re.compile(r"^#\s*parameters\s*:\s*(.*?)\s*$", re.IGNORECASE)
_ANY_ORDER = re.compile(r"^#\s*order\s*:\s*any\s*$", re.IGNORECASE)
SUFFIX = ".csv"


@dataclass(frozen=True)
class Expected:
    """One case of a query's expected results: the file, the parameters, the columns and rows
    (each cell as compared: an IRI's full text, a literal's text, None for unbound)."""

    query: StoredQuery
    file: Path
    parameters: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    # `# order: any`: rows compared as a set even if the query orders them
    any_order: bool = False


def expected_files(query: StoredQuery) -> list[Path]:
    """The expected-results files beside a stored query: NAME.expected.csv and
    NAME.expected-*.csv."""
    folder, name = query.path.parent, query.name
    found = [*folder.glob(f"{name}.expected{SUFFIX}"), *folder.glob(f"{name}.expected-*{SUFFIX}")]
    return sorted(found)


def orphans(folder: Path, names: set[str]) -> list[Path]:
    """Expected-results files in `folder` whose query does not exist (a typo in either name)."""
    found = []
    for path in sorted(folder.glob(f"*.expected*{SUFFIX}")):
        name = path.name.split(".expected", 1)[0]
        if name not in names:
            found.append(path)
    return found


def read_expected(path: Path, query: StoredQuery) -> Expected:
    """The expected results in `path`, for `query`; InputError naming the line for a file that
    cannot be used."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the expected results: {error}") from None
    parameters = _parameters(path, lines, query)
    table = [(number, line) for number, line in enumerate(lines, 1) if not _comment(line)]
    table = [(number, line) for number, line in table if line.strip()]
    if not table:
        raise InputError(path, "no header line naming the columns (e.g. cluster,name)")
    # one record a line: a cell cannot hold a line break (none needs to)
    cells = [(number, next(csv.reader([line]))) for number, line in table]
    (header_line, header), body = cells[0], cells[1:]
    _check_header(path, header_line, tuple(cell.strip() for cell in header))
    columns = tuple(cell.strip().lstrip("?$") for cell in header)
    rows = []
    for number, row in body:
        if len(row) != len(columns):
            raise InputError(
                path,
                f"{len(row)} cell(s) in this row, {len(columns)} columns in the header",
                number,
            )
        rows.append(tuple(expected_cell(cell) for cell in row))
    any_order = any(_ANY_ORDER.match(line.strip()) for line in lines)
    return Expected(query, path, parameters, columns, tuple(rows), any_order)


def expected_cell(cell: str) -> str | None:
    """A cell as compared: None if empty, an IRI's text for <…> or a known CURIE, else itself."""
    text = cell.strip()
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return expand_curie(text) or text


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _parameters(path: Path, lines: list[str], query: StoredQuery) -> tuple[tuple[str, str], ...]:
    for number, line in enumerate(lines, 1):
        found = _PARAMETERS.match(line.strip())
        if found:
            pairs = _pairs(path, number, found.group(1))
            _check_parameters(path, number, query, pairs)
            return pairs
    examples = query.example_arguments()
    return tuple(examples[0]) if examples else ()


def _pairs(path: Path, number: int, text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, equals, value = part.partition("=")
        if not equals or not name.strip():
            raise InputError(path, f"parameters are NAME=VALUE;…, found {part!r}", number)
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def _check_parameters(
    path: Path, number: int, query: StoredQuery, pairs: tuple[tuple[str, str], ...]
) -> None:
    try:
        query.check_parameters(pairs)
    except ClusterKGError as error:
        raise InputError(path, str(error), number) from None


def _check_header(path: Path, number: int, columns: tuple[str, ...]) -> None:
    for column in columns:
        if not re.fullmatch(r"[?$]?\w+", column):
            raise InputError(path, f"column {column!r} is not a variable name", number)
    names = [c.lstrip("?$") for c in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(path, f"column {repeated[0]!r} named twice", number)
