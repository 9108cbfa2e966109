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

import httpx
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
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.catalogue import StoredQuery
from clusterkg.vocabulary import QUERIED

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


def with_values(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block, one row of N-Triples terms, first inside the outer WHERE
    (the way a remote engine binds parameters; until clusterkg has one, written here)."""
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    outer = re.search(r"^(?!\s*#).*?\bWHERE\s*\{", query, re.MULTILINE | re.DOTALL)
    assert outer, "a SELECT … WHERE { query"
    return f"{query[: outer.end()]}\n  VALUES ({names}) {{ ({terms}) }}{query[outer.end() :]}"


def remote_table(server: SparqlServer, query: str, named: list[str]) -> Table:
    """The server's answer over clusterkg's dataset: asserted + inferred as the default graph,
    every graph reachable by GRAPH."""
    try:
        reply = httpx.post(
            server.query_url,
            data={"query": query, "default-graph-uri": list(QUERIED), "named-graph-uri": named},
            headers={"Accept": "application/sparql-results+json"},
            timeout=120,
        )
    except httpx.HTTPError as error:
        raise AssertionError(f"no answer: {error!r}") from error
    assert reply.status_code == 200, reply.text[:2000]
    answer = reply.json()
    variables = answer["head"]["vars"]
    rows = [[term(row.get(v)) for v in variables] for row in answer["results"]["bindings"]]
    return Table(variables, rows)


def term(value: dict[str, str] | None) -> Term | None:
    """A SPARQL JSON results term (Virtuoso writes "typed-literal" for a literal with a type)."""
    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(re.sub(r"\W", "_", value["value"]))  # Virtuoso: nodeID://…
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    datatype = value.get("datatype")
    return ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else None)


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


def named_graphs(kg: KnowledgeGraph) -> list[str]:
    found = kg.engine.run("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
    assert isinstance(found, Table)
    return sorted(row[0].value for row in found.rows if row[0] is not None)


def test_every_case_on_every_server(kg: KnowledgeGraph, servers: dict[str, SparqlServer]) -> None:
    """One test over all cases, so that a failure lists every query that differs."""
    named = named_graphs(kg)
    differences = []
    for label, case in cases(kg):
        stored = kg.catalogue.get(case.query)
        concatenations = concatenated(stored.text)
        local = local_table(kg, stored, case)
        if case.hostile and local.rows:
            differences.append(f"{label}: a hostile value matched locally")
        for name, server in servers.items():
            deviation = DEVIATIONS.get((label, name))
            try:
                remote = remote_table(server, with_values(stored.text, case.bindings), named)
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


LATERAL_CASES = [
    f"{query}[{case}]"
    for query, parameter in (("provenance", "subject"), ("organisations", "organisation"))
    for case in ["example 1", *(f"{parameter}={label}" for label in HOSTILE)]
]
DEVIATIONS: dict[tuple[str, str], Deviation] = {
    # year given: an internal error ("Unknown language in DB.DBA.RDF_LANGUAGE_OF_SQLVAL")
    ("labelled-clusters[example 2]", "virtuoso"): _failed_with("Unknown language"),
    # date given: the awards with no validity recorded ("unknown") are lost: a BIND over values
    # the sub-SELECT left unbound drops the row
    ("labelled-clusters[example 3]", "virtuoso"): _without(
        lambda row: _value(row, "current") == "unknown"
    ),
    # date given: the day does not reach FILTER (NOT) EXISTS inside OPTIONAL, so no tier has
    # lapsed and, with no current tier, no next one is found
    ("next-label[example 2]", "virtuoso"): lambda _kg, local, remote: (
        not isinstance(remote, str)
        and [[*r[:4], None, None, None, *r[7:]] for r in local.rows] == remote.rows
        and any(r[4] is not None for r in local.rows)
    ),
    # LATERAL (kept where every portable form was 30 to 2,700 times slower on Oxigraph)
    **{(label, "virtuoso"): _failed_with("syntax error at 'LATERAL'") for label in LATERAL_CASES},
}


def describe(local: Table, remote: Table) -> str:
    only_local = [r for r in local.rows if r not in remote.rows]
    only_remote = [r for r in remote.rows if r not in local.rows]
    return (
        f"{len(local.rows)} rows locally, {len(remote.rows)} there; "
        f"only locally {only_local[:3]}; only there {only_remote[:3]}"
    )
