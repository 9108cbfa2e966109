"""The engine port's contract, checked on the local engine (clusterkg.engine.port).

Every engine — the local one today, a remote SPARQL server later — must pass these: the union
of the asserted and inferred graphs by default, one graph when asked, terms bound not spliced,
each kind of answer, triples and counts by graph, and query errors as QueryError.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clusterkg.engine import Engine, LocalEngine, LocalStore, Table, Triples
from clusterkg.engine.answers import reported_as_query_error
from clusterkg.errors import QueryError
from clusterkg.vocabulary import ASSERTED, INFERRED

EX = "http://example.org/"
STATED = ox.Quad(
    ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x"), ox.NamedNode(ASSERTED)
)
DERIVED = ox.Quad(
    ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "b"), ox.NamedNode(INFERRED)
)


@pytest.fixture
def engine() -> Engine:
    store = LocalStore()
    store.extend([STATED, DERIVED])
    return LocalEngine(store)


def rows(engine: Engine, query: str, **kwargs: object) -> list[list[object]]:
    table = engine.run(query, **kwargs)  # type: ignore[arg-type]
    assert isinstance(table, Table)
    return table.rows


def test_queries_see_asserted_and_inferred_by_default(engine: Engine) -> None:
    found = rows(engine, "SELECT ?p WHERE { ?s ?p ?o } ORDER BY ?p")
    assert found == [[ox.NamedNode(EX + "p")], [ox.NamedNode(EX + "q")]]


def test_graphs_narrow_the_default_graph(engine: Engine) -> None:
    assert rows(engine, "SELECT ?p WHERE { ?s ?p ?o }", graphs=[INFERRED]) == [[DERIVED.predicate]]
    # the dataset named by `graphs` has no named graphs, as the SPARQL Protocol says
    assert rows(engine, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", graphs=[ASSERTED]) == []


def test_bindings_are_terms_never_text(engine: Engine) -> None:
    hostile = ox.Literal('x" } UNION { ?s ?p ?o } #')
    query = "SELECT ?s ?v WHERE { ?s ?p ?v }"
    assert rows(engine, query, bindings={"v": hostile}) == []
    assert rows(engine, query, bindings={"v": ox.Literal("x")}) == [[STATED.subject, STATED.object]]


def test_each_kind_of_answer(engine: Engine) -> None:
    ask = engine.run("ASK { ?s ?p ?o }")
    assert isinstance(ask, Table) and ask.boolean is True
    graph = engine.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=[ASSERTED])
    assert isinstance(graph, Triples) and graph.triples == [STATED.triple]
    answer = engine.evaluate("SELECT ?s WHERE { ?s ?p ?o }")
    assert answer.variables == ["s"] and sum(len(page) for page in answer.pages) == 2


def test_triples_counts_and_ntriples_by_graph(engine: Engine) -> None:
    assert list(engine.triples(ASSERTED)) == [STATED.triple]
    assert (engine.count(ASSERTED), engine.count(INFERRED)) == (1, 1)
    assert engine.ntriples(INFERRED) == f"<{EX}a> <{EX}q> <{EX}b> .\n".encode()


def test_what_would_leave_the_graph_is_refused(engine: Engine) -> None:
    with pytest.raises(QueryError):
        engine.run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError):
        engine.run("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_a_query_error_is_one_line_even_when_the_engine_says_nothing() -> None:
    with pytest.raises(QueryError, match=r"^query failed: ValueError$"), reported_as_query_error():
        raise ValueError("")


def test_named_graphs_are_the_only_graphs_reached_by_graph(engine: Engine) -> None:
    query = "SELECT ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert rows(engine, query, named=[INFERRED]) == [[ox.NamedNode(INFERRED), DERIVED.predicate]]
    # named graphs alone: the default graph is empty, as the SPARQL Protocol says
    assert rows(engine, "SELECT * WHERE { ?s ?p ?o }", named=[INFERRED]) == []
    both = rows(engine, "SELECT ?p WHERE { ?s ?p ?o }", graphs=[ASSERTED], named=[INFERRED])
    assert both == [[STATED.predicate]]


def test_a_graph_the_store_lacks_is_an_empty_graph(engine: Engine) -> None:
    assert rows(engine, "SELECT * WHERE { ?s ?p ?o }", graphs=[EX + "none"]) == []
    ask = engine.run("ASK { GRAPH ?g { } }", named=[EX + "none"])
    assert isinstance(ask, Table) and ask.boolean is True


def test_relative_iris_need_a_base(engine: Engine) -> None:
    relative = "SELECT ?p WHERE { <a> ?p ?o } ORDER BY ?p"
    with pytest.raises(QueryError, match="syntax error"):
        engine.run(relative)
    assert rows(engine, relative, base=EX) == [[STATED.predicate], [DERIVED.predicate]]
