"""`clusterkg test`: a workspace's checks, as a test runner runs tests. Each stored query of the
workspace with expected results beside it gives the rows written there (workspace/expected.py),
and every `*-violation` query, bundled or the workspace's, gives none.

Rows are compared as sets (as many times each) unless the query has ORDER BY, then in order; a
cell is compared by its IRI or its literal's text, so a CURIE and the full IRI are the same."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import Table
from clusterkg.errors import ClusterKGError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.catalogue import Catalogue, StoredQuery
from clusterkg.vocabulary import shorten
from clusterkg.workspace.expected import Expected, expected_files, orphans, read_expected
from clusterkg.workspace.workspace import Workspace, shown

VIOLATION_SUFFIX = "-violation"
SHOWN_ROWS = 10  # rows of a diff shown before "… and N more"
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)

Row = tuple[str | None, ...]


@dataclass(frozen=True)
class Plan:
    """What `clusterkg test` checks, read before anything runs: the expected results (files that
    cannot be used are errors before the graph is built), the violation queries, and the
    workspace's queries without expected results."""

    expected: list[Expected]
    violations: list[StoredQuery]
    untested: list[StoredQuery]


@dataclass
class Outcome:
    """One check's result: what was checked, whether it passed, and the lines saying why not."""

    name: str
    where: str
    passed: bool
    details: list[str] = field(default_factory=list)


def plan(workspace: Workspace, catalogue: Catalogue) -> Plan:
    """The checks of a workspace."""
    own = [q for q in catalogue if q.path.parent.resolve() == workspace.queries.resolve()]
    stray = orphans(workspace.queries, {q.name for q in own}) if workspace.queries.is_dir() else []
    if stray:
        raise ClusterKGError(
            f"{stray[0]}: expected results of no stored query "
            f"(no {stray[0].name.split('.expected', 1)[0]}.rq beside it)"
        )
    expected = [read_expected(path, q) for q in own for path in expected_files(q)]
    tested = {e.query.name for e in expected}
    violations = [q for q in catalogue if q.name.endswith(VIOLATION_SUFFIX)]
    untested = [q for q in own if q.name not in tested and not q.name.endswith(VIOLATION_SUFFIX)]
    return Plan(expected, violations, untested)


def run(checks: Plan, graph: KnowledgeGraph) -> Iterator[Outcome]:
    """Each check's outcome, as it is made."""
    for expected in checks.expected:
        yield check_expected(expected, graph)
    for query in checks.violations:
        yield check_empty(query, graph)


def check_expected(expected: Expected, graph: KnowledgeGraph) -> Outcome:
    """The query's rows against the expected ones."""
    arguments = ";".join(f"{k}={v}" for k, v in expected.parameters)
    where = str(shown(expected.file)) + (f", {arguments}" if arguments else "")
    table = _table(expected.query, graph, dict(expected.parameters))
    missing_columns = [c for c in expected.columns if c not in table.variables]
    if missing_columns or len(expected.columns) != len(table.variables):
        return Outcome(
            expected.query.name,
            where,
            False,
            [
                f"columns: expected {', '.join(expected.columns)}; "
                f"the query gives {', '.join(table.variables)}"
            ],
        )
    order = [table.variables.index(c) for c in expected.columns]
    given = [tuple(_cell(row[i]) for i in order) for row in table.rows]
    ordered = not expected.any_order and bool(
        _ORDER_BY.search(_without_comments(expected.query.text))
    )
    details = _differences(list(expected.rows), given, ordered)
    return Outcome(expected.query.name, where, not details, details)


def check_empty(query: StoredQuery, graph: KnowledgeGraph) -> Outcome:
    """A violation query gives no rows."""
    if any(p.required for p in query.parameters):
        raise ClusterKGError(f"{query.path}: a -violation query must need no parameter")
    table = _table(query, graph, {})
    if not table.rows:
        return Outcome(query.name, "no rows", True)
    header = ", ".join(table.variables)
    rows = [tuple(_cell(term) for term in row) for row in table.rows]
    return Outcome(
        query.name,
        f"{len(rows)} row(s), must give none",
        False,
        [f"rows ({header}):", *_shown(rows)],
    )


def _table(query: StoredQuery, graph: KnowledgeGraph, params: dict[str, str]) -> Table:
    answer = graph.query(query.name, params)
    if not isinstance(answer, Table) or answer.boolean is not None:
        raise ClusterKGError(f"{query.path}: only a SELECT query's results can be checked")
    return answer


def _differences(expected: list[Row], given: list[Row], ordered: bool) -> list[str]:
    missing = Counter(expected) - Counter(given)
    unexpected = Counter(given) - Counter(expected)
    details = []
    if missing:
        details += ["missing (expected, not given):", *_shown(list(missing.elements()))]
    if unexpected:
        details += ["unexpected (given, not expected):", *_shown(list(unexpected.elements()))]
    if not details and ordered and expected != given:
        details += [
            "the rows are right but in another order (the query has ORDER BY; "
            "`# order: any` in the file compares them as a set):",
            "expected:",
            *_shown(expected),
            "given:",
            *_shown(given),
        ]
    return details


def _shown(rows: Sequence[Row]) -> list[str]:
    lines = ["  " + ", ".join(_show(cell) for cell in row) for row in rows[:SHOWN_ROWS]]
    if len(rows) > SHOWN_ROWS:
        lines.append(f"  … and {len(rows) - SHOWN_ROWS} more")
    return lines


def _show(cell: str | None) -> str:
    if cell is None:
        return "(unbound)"
    return shorten(cell) if re.match(r"^[a-z][a-z0-9+.-]*://", cell) else cell


def _cell(term: object) -> str | None:
    """A result's term as compared: an IRI's or a literal's text; a blank node's label."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def _without_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())
