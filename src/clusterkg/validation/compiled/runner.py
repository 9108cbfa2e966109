"""Running compiled shapes on an engine: each query once over all focus nodes, the class
placeholders and the record of literals as written filled in first, the rows turned into results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from clusterkg.engine import Engine
from clusterkg.quiet import quiet_rdflib
from clusterkg.validation.compiled.components import Query
from clusterkg.validation.compiled.functions import Functions
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
        run = Run(engine, graph, self._messages)
        subclasses = _subclasses(engine, graph, self._queries)
        results: list[ShaclResult] = []
        with quiet_rdflib():
            for query in self._queries:
                sparql_text = with_written(
                    with_instances(query.sparql, subclasses), tuple(written_forms or ())
                )
                for row in engine.solutions(sparql_text, graph, functions=self._functions.table):
                    results.extend(query.outcome.results(row, run))
        return results


def _subclasses(engine: Engine, graph: str, queries: Iterable[Query]) -> dict[str, list[Term]]:
    """Every class a query mentions, with its subclasses in the data graph (itself included)."""
    classes = sorted({c for q in queries for c in classes_in(q.sparql)})
    found: dict[str, list[Term]] = {c: [ox.NamedNode(c)] for c in classes}
    if not classes:
        return found
    values = " ".join(f"<{c}>" for c in classes)
    query = (
        f"SELECT ?class ?sub WHERE {{ VALUES ?class {{ {values} }} "
        f"?sub <{RDFS_SUBCLASSOF}>* ?class }}"
    )
    for row in engine.solutions(query, graph):
        cls, sub = bound(row, "class"), bound(row, "sub")
        if sub not in found[cls.value]:
            found[cls.value].append(sub)
    return found
