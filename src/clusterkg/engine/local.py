"""The local engine: the graph in an Oxigraph store, in memory or on disk in the build cache.

`LocalStore` is the one place that holds a pyoxigraph Store, and the complete list of what
clusterkg asks of Oxigraph. Building the graph (loading files, reasoning with SPARQL updates,
writing the cache) works on a LocalStore; everything that only reads the graph goes through
`LocalEngine`, the local implementation of the engine port (clusterkg.engine.port).

Why pyoxigraph and not rdflib's engine: rdflib answered an aggregate subquery inside OPTIONAL
wrongly and took 3.8 s on a join Oxigraph runs in 0.1 ms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clusterkg.engine.answers import (
    TRIPLE_COLUMNS,
    Answer,
    Table,
    Triples,
    paged,
    read_reporting_errors,
    reported_as_query_error,
)
from clusterkg.engine.port import EMPTY, Bindings, Functions, Solution
from clusterkg.engine.safety import refuse_unsafe
from clusterkg.vocabulary import QUERIED

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class LocalStore:
    """A pyoxigraph Store, with the operations building the graph uses (same names and
    arguments as pyoxigraph's). Trusted text only: these run clusterkg's own queries and
    updates; what users type goes through LocalEngine.evaluate and its checks."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self._store = store if store is not None else ox.Store()

    @classmethod
    def read_only(cls, folder: Path) -> LocalStore:
        """An on-disk store (the build cache's), opened for reading only."""
        return cls(ox.Store.read_only(str(folder)))

    def copy_to_disk(self, folder: Path, scratch: Path) -> None:
        """Write this store to a new on-disk store in `folder`: dumped as N-Quads to `scratch`
        and bulk-loaded, three times faster here than building on disk directly."""
        self.dump_quads(scratch)
        LocalStore.load_on_disk(folder, scratch)

    def dump_quads(self, path: Path) -> None:
        """Every quad of this store, as N-Quads, into the file `path`."""
        self._store.dump(str(path), format=ox.RdfFormat.N_QUADS)

    @staticmethod
    def load_on_disk(folder: Path, dump: Path) -> None:
        """A new on-disk store in `folder` made from the N-Quads file `dump` (removed after)."""
        disk = ox.Store(str(folder))
        disk.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        dump.unlink()
        disk.flush()
        del disk  # closes the database before the caller moves its folder

    def query(
        self,
        query: str,
        *,
        default_graph: GraphName | list[GraphName] | None = None,
        use_default_graph_as_union: bool = False,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
        substitutions: dict[ox.Variable, Any] | None = None,
        custom_functions: dict[ox.NamedNode, Any] | None = None,
        base_iri: str | None = None,
    ) -> Any:
        return self._store.query(
            query,
            default_graph=default_graph,
            use_default_graph_as_union=use_default_graph_as_union,
            named_graphs=named_graphs,
            substitutions=substitutions,
            custom_functions=custom_functions,
            base_iri=base_iri,
        )

    def update(self, update: str) -> None:
        self._store.update(update)

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(subject, predicate, object, graph_name))

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        self._store.extend(quads)

    def remove(self, quad: ox.Quad) -> None:
        self._store.remove(quad)

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        return iter(self._store.named_graphs())

    def remove_graph(self, graph: ox.NamedNode | ox.BlankNode) -> None:
        self._store.remove_graph(graph)

    def load(self, *arguments: Any, **options: Any) -> None:
        """pyoxigraph's Store.load (a file or bytes, its format, base IRI and target graph)."""
        self._store.load(*arguments, **options)

    def add(self, quad: ox.Quad) -> None:
        self._store.add(quad)

    def dump(self, **arguments: Any) -> bytes | None:
        return self._store.dump(**arguments)


class LocalEngine:
    """The engine port over a LocalStore holding the asserted and the inferred graph."""

    def __init__(self, store: LocalStore | None = None) -> None:
        self._store = store if store is not None else LocalStore()

    def evaluate(
        self,
        query: str,
        bindings: Bindings | None = None,
        graphs: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        base: str | None = None,
    ) -> Answer:
        refuse_unsafe(query)
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        default_graph, named_graphs = _dataset(graphs, named)
        with reported_as_query_error(query):
            result = self._store.query(
                query,
                default_graph=default_graph,
                named_graphs=named_graphs,
                substitutions=substitutions or None,
                base_iri=base,
            )
        if isinstance(result, ox.QueryBoolean):
            return Answer(["result"], boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = ([solution[v] for v in variables] for solution in result)
            return Answer(variables, paged(read_reporting_errors(rows)))
        triples = ([t.subject, t.predicate, t.object] for t in result)
        return Answer(TRIPLE_COLUMNS, paged(read_reporting_errors(triples)), graph=True)

    def run(
        self,
        query: str,
        bindings: Bindings | None = None,
        graphs: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        base: str | None = None,
    ) -> Table | Triples:
        return self.evaluate(query, bindings, graphs, named, base).collect()

    def solutions(
        self, query: str, graph: str, bindings: Bindings = EMPTY, functions: Functions = EMPTY
    ) -> Iterator[Solution]:
        substitutions = {ox.Variable(k): v for k, v in bindings.items()}
        found = self._store.query(
            query,
            default_graph=ox.NamedNode(graph),
            substitutions=substitutions or None,
            custom_functions=dict(functions) if functions else None,
        )
        assert isinstance(found, ox.QuerySolutions), "a SELECT query"
        yield from found

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield quad.triple

    def count(self, graph: str) -> int:
        rows = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(graph)
        )
        return int(next(iter(rows))["n"].value)

    def ntriples(self, graph: str) -> bytes:
        dump = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        assert dump is not None, "a dump without a file returns the bytes"
        return dump


def _dataset(
    graphs: Sequence[str] | None, named: Sequence[str] | None
) -> tuple[list[GraphName], list[ox.NamedNode | ox.BlankNode] | None]:
    """The default graphs and named graphs a query sees. Without either: the facts and what
    reasoning added as the default graph (never the union of all graphs: the statement groups
    hold the asserted triples a second time), every graph reachable by GRAPH. With either, as the
    SPARQL Protocol has it: exactly the graphs given, so a dataset given by its default graphs
    alone has no named graphs, and by its named graphs alone an empty default graph. A graph the
    store lacks is an empty graph."""
    if graphs is None and named is None:
        return [ox.NamedNode(g) for g in QUERIED], None
    return [ox.NamedNode(g) for g in graphs or ()], [ox.NamedNode(g) for g in named or ()]
