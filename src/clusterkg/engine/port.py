"""The engine port: everything a command needs of a store that holds the graph.

Querying, name resolution, validation, description and export reach the graph only through this
protocol, so the same code runs on the local Oxigraph store (clusterkg.engine.local) and, later,
on a remote SPARQL 1.1 server or behind an HTTP endpoint. Each method maps onto the SPARQL 1.1
Protocol: `graphs` and `named` are the protocol's default-graph-uri and named-graph-uri (the
union of the asserted and inferred graphs, and every graph by GRAPH, when neither is given),
bindings are RDF terms the engine binds where it plans the query, never text spliced into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Protocol

import pyoxigraph as ox

from clusterkg.engine.answers import Answer, Table, Term, Triples

Bindings = Mapping[str, Term]
EMPTY: Mapping[Any, Any] = MappingProxyType({})  # no bindings, no functions
# Extension functions a query calls by IRI, written in Python (the compiled shapes' exact checks).
Functions = Mapping[ox.NamedNode, Callable[..., ox.Literal | None]]


class Solution(Protocol):
    """One row of a SELECT: the term bound to a variable, by the variable's name (None: unbound)."""

    def __getitem__(self, variable: str) -> Term | None: ...


class Engine(Protocol):
    """A read-only view of a graph made of named graphs (asserted, inferred)."""

    def evaluate(
        self,
        query: str,
        bindings: Bindings | None = None,
        graphs: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        base: str | None = None,
    ) -> Answer:
        """Start a read-only SPARQL query over `graphs` as the default graph and `named` as the
        named graphs (neither given: asserted + inferred, and every graph by GRAPH; either
        given: exactly those, the other empty), relative IRIs resolved against `base` (none:
        they are a syntax error); rows are computed as the answer's pages are read. Queries
        that would reach outside the graph (SERVICE, LOAD, FROM …) or change it are refused
        with a QueryError."""
        ...

    def run(
        self,
        query: str,
        bindings: Bindings | None = None,
        graphs: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        base: str | None = None,
    ) -> Table | Triples:
        """evaluate(), every row in memory."""
        ...

    def solutions(
        self, query: str, graph: str, bindings: Bindings = EMPTY, functions: Functions = EMPTY
    ) -> Iterator[Solution]:
        """The rows of one of clusterkg's own SELECT queries (trusted text, not checked) over one
        graph as the default graph, the named graphs (statement groups) reachable by GRAPH.
        `functions`: extension functions the query calls; an engine that cannot call Python (a
        remote server) refuses them with a QueryError, and the caller takes another way
        (validation: its reference backend, which reads `triples`)."""
        ...

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """Every triple of one named graph, in no particular order."""
        ...

    def count(self, graph: str) -> int:
        """How many triples one named graph holds."""
        ...

    def ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (for exports too big to sort term by term in Python)."""
        ...
