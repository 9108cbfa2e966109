"""Running compiled shapes on an engine: each query once over all focus nodes, the class
placeholders and the record of literals as written filled in first, the rows turned into results.

The queries are independent and Oxigraph releases the GIL while it evaluates one, so they run on
a pool of threads, one per core; their rows are turned into results in the queries' own order,
so that a report is the same from run to run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from clusterkg.engine import Engine, Solution
from clusterkg.quiet import quiet_rdflib
from clusterkg.validation.compiled.components import Query
from clusterkg.validation.compiled.functions import Functions
from clusterkg.validation.compiled.portable import refuse_unportable, rows_without_python
from clusterkg.validation.compiled.results import Messages, Run, ShaclResult, bound
from clusterkg.validation.compiled.targets import classes_in, with_instances
from clusterkg.validation.compiled.terms import Term
from clusterkg.validation.compiled.written import with_written
from clusterkg.vocabulary import RDFS_SUBCLASSOF


class CompiledShapes:
    """The SPARQL queries of a shapes graph, ready to run on an engine that can call their
    Python functions (the local one)."""

    def __init__(self, queries: Sequence[Query], functions: Functions, messages: Messages):
        self._queries = tuple(queries)
        self._functions = functions
        self._messages = messages

    @property
    def queries(self) -> tuple[str, ...]:
        """The SPARQL text of every query, in the order they run (instances of a class written
        as rdf:type/rdfs:subClassOf*, which validate() replaces by the classes it finds)."""
        return tuple(with_written(with_instances(q.sparql, {}), ()) for q in self._queries)

    def validate(
        self,
        engine: Engine,
        graph: str,
        *,
        written_forms: Mapping[ox.Literal, Sequence[ox.Literal]] | None = None,
        written_triples: Mapping[tuple[str, str, ox.Literal], Sequence[ox.Literal]] | None = None,
    ) -> list[ShaclResult]:
        """Validate `graph` of the engine's and return the results.

        Queries see only that graph, as pySHACL sees only its data graph. Data nodes are named in
        messages with the prefixes of a new rdflib Graph, as clusterkg's reference path gives
        pySHACL its data.
        `written_forms`: stored literal → the literals written in the data that the store holds
        as it ("5"^^xsd:int is stored as "5"^^xsd:integer): sh:datatype judges those as written;
        `written_triples` tells them apart by subject and predicate (N-Triples syntax) where a
        value was written in several forms.
        """
        self._functions.written.forms = {k: list(v) for k, v in (written_forms or {}).items()}
        self._functions.written.triples = {k: list(v) for k, v in (written_triples or {}).items()}
        table = self._functions.table
        return self._results(
            engine,
            graph,
            tuple(written_forms or ()),
            lambda text: list(engine.solutions(text, graph, functions=table)),
        )

    def validate_without_python(self, engine: Engine, graph: str) -> list[ShaclResult]:
        """validate() on an engine that cannot call the queries' Python functions (a remote
        SPARQL server), with the same results (portable.py); there is no record of literals as
        written there. UnsupportedShapes, before any query runs, for shapes whose checks a
        server cannot stand in for."""
        self._functions.written.forms, self._functions.written.triples = {}, {}
        for query in self._queries:
            for text in (query.sparql, query.joined):
                if text is not None:
                    refuse_unportable(with_written(with_instances(text, {}), ()))
        table = self._functions.table
        return self._results(
            engine, graph, (), lambda text: rows_without_python(engine, text, graph, table)
        )

    def _results(
        self,
        engine: Engine,
        graph: str,
        recorded: tuple[ox.Literal, ...],
        rows_of_text: Callable[[str], list[Solution]],
    ) -> list[ShaclResult]:
        run = Run(engine, graph, self._messages)
        subclasses = _subclasses(engine, graph, self._queries)

        def rows_of(query: Query) -> list[Solution]:
            sparql_text = query.sparql
            if query.joined and _many_values(engine, graph, query.predicate):
                sparql_text = query.joined
            return rows_of_text(with_written(with_instances(sparql_text, subclasses), recorded))

        results: list[ShaclResult] = []
        with quiet_rdflib(), ThreadPoolExecutor(_cores()) as pool:
            heavy_first = sorted(self._queries, key=lambda q: not q.heavy)
            pending = {id(q): pool.submit(rows_of, q) for q in heavy_first}
            for query in self._queries:
                for row in pending[id(query)].result():
                    results.extend(query.outcome.results(row, run))
        return results


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# A predicate with more triples than this makes a value query test classes by a join.
MANY_VALUES = 10_000


def _many_values(engine: Engine, graph: str, predicate: str | None) -> bool:
    """Whether the predicate has more than MANY_VALUES triples (counted up to that: cheap)."""
    if predicate is None:
        return False
    probe = (
        "SELECT (COUNT(*) AS ?n) WHERE { "
        f"{{ SELECT ?s WHERE {{ ?s {predicate} ?o }} LIMIT {MANY_VALUES + 1} }} }}"
    )
    (row,) = engine.solutions(probe, graph)
    return int(bound(row, "n").value) > MANY_VALUES


def _subclasses(engine: Engine, graph: str, queries: Iterable[Query]) -> dict[str, list[Term]]:
    """Every class a query mentions, with its subclasses in the data graph (itself included)."""
    classes = sorted({c for q in queries for c in classes_in(q.sparql)})
    found: dict[str, list[Term]] = {c: [ox.NamedNode(c)] for c in classes}
    if not classes:
        return found
    # One branch per class, its IRI the path's end: Virtuoso refuses rdfs:subClassOf* between
    # two variables ("transitive start not given"), even with one bound by VALUES.
    query = (
        "SELECT ?class ?sub WHERE { "
        + " UNION ".join(
            f"{{ ?sub <{RDFS_SUBCLASSOF}>* <{c}> . BIND (<{c}> AS ?class) }}" for c in classes
        )
        + " }"
    )
    for row in engine.solutions(query, graph):
        cls, sub = bound(row, "class"), bound(row, "sub")
        if sub not in found[cls.value]:
            found[cls.value].append(sub)
    return found
