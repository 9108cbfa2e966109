"""Every stored query gives the same rows locally (pyoxigraph) and on real SPARQL servers
(Oxigraph server, Virtuoso 7) holding the same build: with each `#+ example:` of the query, and
with hostile parameter values bound in place of each parameter (they match nothing, the same
way everywhere).

Rows are compared as lists: every stored query's ORDER BY orders its rows fully. The one part
SPARQL leaves open is the order of the values inside a GROUP_CONCAT: those columns are compared
as sorted lists of their parts (split at the separators the query gives), on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from sparql_servers import (
    SparqlServer,
    bundled_quads,
    load_quads,
    oxigraph_server,
    virtuoso_server,
)

from clusterkg.engine import Table, Term
from clusterkg.engine.connection import Connection
from clusterkg.engine.remote import RemoteEngine
from clusterkg.errors import ClusterKGError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.catalogue import StoredQuery

pytestmark = pytest.mark.loopback

SERVERS: dict[str, Callable[[], AbstractContextManager[SparqlServer]]] = {
    "oxigraph": oxigraph_server,
    "virtuoso": virtuoso_server,
}

# Values a caller might bind where a name was expected: SPARQL syntax, every character N-Triples
# escapes, a language tag, an IRI of nothing. Bound as terms, they can only fail to match.
HOSTILE: dict[str, Term] = {
    "injection": ox.Literal('"} ; DROP ALL ; #'),
    "escapes": ox.Literal('quote " backslash \\ newline \n return \r tab \t NUL \x00 emoji 🙂'),
    "tagged": ox.Literal("Rūta", language="lt"),
    "unknown-iri": ox.NamedNode("https://w3id.org/clusterkg/id/cluster/no-such-thing"),
}


@dataclass(frozen=True)
class Case:
    query: str
    bindings: Mapping[str, Term]
    hostile: bool = False


# A server that stops answering fails the test instead of holding the suite.
ANSWER_SECONDS = 30


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(cache=None).with_closure()


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SparqlServer]]:
    """Both servers, started once for the module, holding the bundled build."""
    quads = bundled_quads()
    with ExitStack() as stack:
        started = {name: stack.enter_context(start()) for name, start in SERVERS.items()}
        for server in started.values():
            load_quads(server, quads)
        yield started


def cases(kg: KnowledgeGraph) -> Iterator[tuple[str, Case]]:
    """Each stored query with each of its examples (or none), then with each hostile value in
    place of each of its parameters (the other parameters as in the first example)."""
    service = kg.queries
    for stored in kg.catalogue:
        examples = [dict(arguments) for arguments in stored.example_arguments()] or [{}]
        bound = [service.bind(stored, example) for example in examples]
        for number, bindings in enumerate(bound, 1):
            yield f"{stored.name}[example {number}]", Case(stored.name, bindings)
        for parameter in stored.parameters:
            for label, value in HOSTILE.items():
                hostile = {**bound[0], parameter.name: value}
                yield f"{stored.name}[{parameter.name}={label}]", Case(stored.name, hostile, True)


def remote_table(engine: RemoteEngine, query: str, bindings: Mapping[str, Term]) -> Table:
    """The server's answer through clusterkg's remote engine: parameters bound by its VALUES
    block, the local dataset (asserted + inferred as the default graph, every graph reachable
    by GRAPH), LATERAL written portably where the server lacks it. An error is its message."""
    try:
        table = engine.run(query, bindings)
    except ClusterKGError as error:
        raise AssertionError(str(error)) from error
    assert isinstance(table, Table)
    return table


def concatenated(query: str) -> dict[str, list[str]]:
    """The variables bound to an expression with a GROUP_CONCAT, and the separators in it."""
    found: dict[str, list[str]] = {}
    for alias in re.finditer(r"\bAS\s+\?(\w+)\s*\)", query):
        depth, start = 0, alias.start()
        while start > 0 and depth >= 0:  # back to the parenthesis the alias closes
            start -= 1
            depth += {")": 1, "(": -1}.get(query[start], 0)
        expression = query[start : alias.start()]
        if "GROUP_CONCAT" in expression.upper():
            separators = re.findall(r'separator\s*=\s*"([^"]*)"', expression)
            if "" in separators:  # each value brings its own: CONCAT(", ", …)
                separators += re.findall(r'CONCAT\(\s*"([^"]+)"', expression)
            found[alias.group(1)] = [s for s in separators if s]
    return found


def comparable(table: Table, concatenations: dict[str, list[str]]) -> list[tuple[object, ...]]:
    """The rows, each GROUP_CONCAT value as the sorted list of its parts."""
    columns = [concatenations.get(v) for v in table.variables]
    return [
        tuple(
            _parts(value, separators) if separators and value is not None else value
            for value, separators in zip(row, columns, strict=True)
        )
        for row in table.rows
    ]


def _parts(value: Term, separators: list[str]) -> tuple[str, ...]:
    pattern = "|".join(re.escape(s) for s in sorted(set(separators), key=len, reverse=True))
    return tuple(sorted(re.split(pattern, value.value))) if value.value else ()


def local_table(kg: KnowledgeGraph, stored: StoredQuery, case: Case) -> Table:
    table = kg.engine.run(stored.text, dict(case.bindings))
    assert isinstance(table, Table)
    return table


def test_every_case_on_every_server(kg: KnowledgeGraph, servers: dict[str, SparqlServer]) -> None:
    """One test over all cases, so that a failure lists every query that differs."""
    engines = {
        name: RemoteEngine(Connection(s.query_url, ANSWER_SECONDS)) for name, s in servers.items()
    }
    differences = []
    for label, case in cases(kg):
        stored = kg.catalogue.get(case.query)
        concatenations = concatenated(stored.text)
        local = local_table(kg, stored, case)
        if case.hostile and local.rows:
            differences.append(f"{label}: a hostile value matched locally")
        for name in servers:
            deviation = DEVIATIONS.get((label, name))
            try:
                remote = remote_table(engines[name], stored.text, case.bindings)
            except AssertionError as error:
                if not (deviation and deviation(kg, local, str(error))):
                    differences.append(f"{label} on {name}: {str(error)[:300]}")
                continue
            if deviation:
                if not deviation(kg, local, remote):
                    differences.append(f"{label} on {name}: not the deviation listed")
            elif comparable(remote, concatenations) != comparable(local, concatenations):
                differences.append(f"{label} on {name}: {describe(local, remote)}")
            elif remote.variables != local.variables:
                differences.append(f"{label} on {name}: columns {remote.variables}")
    assert differences == [], "\n".join(differences)


# --- where Virtuoso 7.2.5 is wrong and no portable form was found (docs/conformance.md) -----------
# Each is asserted exactly: a server that gets it right, or a rewrite that gets round it, fails
# the test until its entry is removed.

Deviation = Callable[[KnowledgeGraph, Table, "Table | str"], bool]


def _failed_with(message: str) -> Deviation:
    return lambda _kg, _local, remote: isinstance(remote, str) and message in remote


def _without(when: Callable[[dict[str, Term | None]], bool]) -> Deviation:
    """The local rows but those `when` picks."""

    def check(_kg: KnowledgeGraph, local: Table, remote: Table | str) -> bool:
        if isinstance(remote, str):
            return False
        kept = [r for r in local.rows if not when(dict(zip(local.variables, r, strict=True)))]
        return len(kept) < len(local.rows) and remote.rows == kept

    return check


def _value(row: dict[str, Term | None], column: str) -> str | None:
    term = row[column]
    return None if term is None else term.value


def _reasoning_blank_when_entailed(kg: KnowledgeGraph, local: Table, remote: Table | str) -> bool:
    """The local rows, but the reasoning column empty where the evidence is "entailed"."""
    if isinstance(remote, str):
        return False
    evidence, reasoning = local.variables.index("evidence"), local.variables.index("reasoning")
    expected = []
    for row in local.rows:
        kept = list(row)
        if row[evidence] is not None and row[evidence].value == "entailed":
            kept[reasoning] = ox.Literal("")
        expected.append(kept)
    concatenations = concatenated(kg.catalogue.get("provenance").text)
    wanted = comparable(Table(local.variables, expected), concatenations)
    return expected != local.rows and comparable(remote, concatenations) == wanted


DEVIATIONS: dict[tuple[str, str], Deviation] = {
    # the reasoner's own rows: the constant reasoning text in IF(BOUND(?entailed), …) is lost in
    # GROUP_CONCAT (the evidence column's CONCAT of a variable in the same place is kept)
    ("provenance[example 1]", "virtuoso"): _reasoning_blank_when_entailed,
    # a literal as the subject (the resolver never gives one: a name resolves to an IRI): the
    # VALUES binding does not reach the UNION branches, so other subjects' statements come back,
    # some with Virtuoso's blank nodes (nodeID://…), which no SPARQL results reader accepts
    **{
        (f"provenance[subject={label}]", "virtuoso"): _failed_with("Invalid bnode value")
        for label in ("injection", "escapes", "tagged")
    },
    # year given: an internal error ("Unknown language in DB.DBA.RDF_LANGUAGE_OF_SQLVAL")
    ("labelled-clusters[example 2]", "virtuoso"): _failed_with("Unknown language"),
    # date given: the awards with no validity recorded ("unknown") are lost: a BIND over values
    # the sub-SELECT left unbound drops the row
    # Now and then Virtuoso never answers this one (no CPU, no answer; 2 runs in 6 under load):
    # the test waits ANSWER_SECONDS for it.
    ("labelled-clusters[example 3]", "virtuoso"): lambda kg, local, remote: (
        _without(lambda row: _value(row, "current") == "unknown")(kg, local, remote)
        or _failed_with("gave no answer within")(kg, local, remote)
    ),
    # date given: the day does not reach FILTER (NOT) EXISTS inside OPTIONAL, so no tier has
    # lapsed and, with no current tier, no next one is found
    ("next-label[example 2]", "virtuoso"): lambda _kg, local, remote: (
        not isinstance(remote, str)
        and [[*r[:4], None, None, None, *r[7:]] for r in local.rows] == remote.rows
        and any(r[4] is not None for r in local.rows)
    ),
}


def describe(local: Table, remote: Table) -> str:
    only_local = [r for r in local.rows if r not in remote.rows]
    only_remote = [r for r in remote.rows if r not in local.rows]
    return (
        f"{len(local.rows)} rows locally, {len(remote.rows)} there; "
        f"only locally {only_local[:3]}; only there {only_remote[:3]}"
    )
