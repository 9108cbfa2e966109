"""The remote engine: the engine port over a SPARQL 1.1 server (Oxigraph server, Virtuoso …).

Queries travel by the SPARQL 1.1 Protocol as a UTF-8 form POST through one pooled Connection;
answers come back as SPARQL JSON results (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) and
are read by pyoxigraph, so their terms are the same objects a local query gives. A body that
does not parse is a RemoteError, never partial rows: Oxigraph server answers a query it stopped
at its own time limit with status 200 and a cut JSON body.

The dataset is the local engine's (clusterkg.engine.local._dataset), whatever the server's own
default: without graphs given, the default graph is the asserted and inferred graphs
(default-graph-uri, by their names on the server: ServerGraphs), never the server's own default
graph (Virtuoso's is the union of every graph: a triple in the asserted graph and in its
statement group counted twice), and every graph the server holds is reachable by GRAPH. For
that, Virtuoso needs nothing more (GRAPH ?g reaches every graph whatever default-graph-uri
says); Oxigraph server, as the protocol has it, reaches only the graphs named by
named-graph-uri: those are listed once per engine and sent with each query that has the GRAPH
keyword (at thousands of statement groups a slow request, as Oxigraph then looks in each graph
listed). The engine asks the server once which way it is (`reaches_unnamed_graphs`). Unless
publish put a copy of the asserted and inferred graphs in the server's default graph (on by
default on Oxigraph server): then, asked once too (`default_is_copy`), a query with GRAPH and
without graphs given is sent with no dataset at all, and the server's own dataset is the local
one. (A query without GRAPH keeps its default-graph-uri: as fast, and no request to ask.)
clusterkg's own graph IRIs written in a query (provenance's `GRAPH <…/asserted>`) are
rewritten to the server's names.

Limits (clusterkg.engine.limits forks a worker, which a pooled HTTP client must not cross): here
the timeout is the HTTP read timeout of the request and the row cap is applied while the answer
is read, in this process (`evaluate_limited`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from clusterkg.engine.answers import TRIPLE_COLUMNS, Answer, Row, Table, Triples, paged
from clusterkg.engine.binding import (
    in_graph,
    iris_replaced,
    mentions_graph,
    query_form,
    with_values,
)
from clusterkg.engine.connection import CONNECT_SECONDS, Connection
from clusterkg.engine.lateral import without_lateral
from clusterkg.engine.port import EMPTY, Bindings, Functions, Solution
from clusterkg.engine.safety import refuse_unsafe
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.errors import QueryError, QueryTimeout, RemoteError, first_line
from clusterkg.vocabulary import ASSERTED, DESCRIPTION, INFERRED

if TYPE_CHECKING:
    from clusterkg.engine.limits import Limits

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
# A graph no server holds: the empty default graph of a dataset given by its named graphs
# alone (a server with no default-graph-uri uses its own default graph instead), and the one
# named graph of a dataset given by its default graphs alone.
EMPTY_GRAPH = "urn:clusterkg:no-graph"
_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_GRAPHS_BY_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"

# Graphs a fresh Virtuoso holds for itself (its RDF views' metadata, vocabularies it ships):
# not the user's data, and not reached by GRAPH ?g, as no local store has them.
SERVER_OWN_GRAPHS = frozenset(
    {
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://localuriqaserver/sparql",
        "http://www.w3.org/ns/ldp#",
    }
)
Dataset = list[tuple[str, str]]
OWN_NAMES = ServerGraphs()  # clusterkg's own graph IRIs, as on a server without --graph


class RemoteEngine:
    """The engine port over one SPARQL 1.1 query endpoint (the Connection's URL)."""

    def __init__(self, connection: Connection, graphs: ServerGraphs = OWN_NAMES) -> None:
        self.connection = connection
        self.graphs = graphs
        own = {
            ASSERTED: graphs.asserted,
            INFERRED: graphs.inferred,
            DESCRIPTION: graphs.description,
        }
        self._renamed = {old: new for old, new in own.items() if old != new}

    # -- the port -----------------------------------------------------------------------------

    def evaluate(
        self,
        query: str,
        bindings: Bindings | None = None,
        graphs: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        base: str | None = None,
    ) -> Answer:
        refuse_unsafe(query)
        text = self._text(query, bindings, base)
        return self._ask(text, self._dataset(query, graphs, named), form=query_form(query))

    def evaluate_limited(self, query: str, bindings: Bindings | None, limits: Limits) -> Answer:
        """evaluate() under `limits`, in this process: the request's read timeout is the
        timeout (QueryTimeout past it), the rows stop at the cap (`truncated` set)."""
        refuse_unsafe(query)
        text = self._text(query, bindings, None)
        try:
            dataset = self._dataset(query, None, None)
            return self._ask(text, dataset, limits.max_rows, limits.timeout, query_form(query))
        except QueryTimeout:
            if limits.timeout is None:
                raise
            raise QueryTimeout(
                f"query stopped: it ran past its {limits.timeout:g} s timeout"
            ) from None

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
        if functions:
            raise QueryError(
                "a remote server cannot call clusterkg's Python functions "
                f"({', '.join(sorted(f.value for f in functions))})"
            )
        # One graph, every graph reachable by GRAPH ?g: the WHERE group in GRAPH <graph> and no
        # dataset named. (With the statement groups as named-graph-uri, 7,553 of a generated
        # graph, Oxigraph server took over 120 s on one SPARQL-based constraint of validation;
        # this way the whole validation takes 4 s.)
        text = in_graph(self._text(query, bindings, None), self.graphs.on_server(graph))
        answer = self._ask(text, [], form=query_form(query))
        for page in answer.pages:
            for row in page:
                yield dict(zip(answer.variables, row, strict=True))

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        answer = self._ask(_ALL_TRIPLES, [("default-graph-uri", self.graphs.on_server(graph))])
        for page in answer.pages:
            for subject, predicate, object_ in page:
                yield ox.Triple(subject, predicate, object_)  # type: ignore[arg-type]

    def count(self, graph: str) -> int:
        answer = self._ask(_COUNT, [("default-graph-uri", self.graphs.on_server(graph))])
        table = answer.collect()
        assert isinstance(table, Table)
        count = table.rows[0][0] if table.rows else None
        if not isinstance(count, ox.Literal):
            raise RemoteError(f"{self.connection.url} did not answer a count of triples")
        return int(count.value)

    def ntriples(self, graph: str) -> bytes:
        return ox.serialize(self.triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""

    # -- the dataset --------------------------------------------------------------------------

    @cached_property
    def reaches_unnamed_graphs(self) -> bool:
        """True if GRAPH ?g reaches the server's graphs with only default-graph-uri given
        (Virtuoso does; Oxigraph server, as the protocol has it, does not): then the named
        graphs need not be listed. Asked once."""
        dataset = [("default-graph-uri", g) for g in self.graphs.queried]
        answer = self._ask("ASK { GRAPH ?g { ?s ?p ?o } }", dataset, form="ASK")
        return bool(answer.boolean)

    @cached_property
    def default_is_copy(self) -> bool:
        """True if the server's default graph holds publish's copy of the asserted and inferred
        graphs (clusterkg.publishing.default_graph) and is not the union of all graphs: then a
        query sent with no dataset has the local dataset, its default graph asserted +
        inferred, every graph reachable by GRAPH, at the server's own speed. Asked once."""
        return bool(self._ask(self.graphs.copy_check(), [], form="ASK").boolean)

    @cached_property
    def server_graphs(self) -> list[str]:
        """Every named graph the server holds, asked once: what GRAPH ?g reaches locally."""
        found = self._graph_names(_GRAPHS_QUERY) or self._graph_names(_GRAPHS_BY_TRIPLES)
        return sorted(set(found) - SERVER_OWN_GRAPHS)

    def _graph_names(self, query: str) -> list[str]:
        table = self._ask(query, []).collect()
        assert isinstance(table, Table)
        return [row[0].value for row in table.rows if isinstance(row[0], ox.NamedNode)]

    def _dataset(
        self, query: str, graphs: Sequence[str] | None, named: Sequence[str] | None
    ) -> Dataset:
        """The protocol's default-graph-uri and named-graph-uri for a query, as local.py's
        _dataset has the dataset (see the module's docstring)."""
        if graphs is None and named is None:
            if mentions_graph(query) and self.default_is_copy:
                return []  # the server's own dataset is the local one (see `default_is_copy`)
            default = list(self.graphs.queried)
            reachable = self._named_for(query)
        else:
            default = [self.graphs.on_server(g) for g in graphs or ()] or [EMPTY_GRAPH]
            # none named: a graph no server holds, as Virtuoso without named-graph-uri lets
            # GRAPH ?g reach every graph
            reachable = [self.graphs.on_server(g) for g in named or ()] or [EMPTY_GRAPH]
        return [("default-graph-uri", g) for g in default] + [
            ("named-graph-uri", g) for g in reachable
        ]

    def request_form(self, query: str, bindings: Bindings | None = None) -> Dataset:
        """The form fields `query` is sent with (text bound, dataset named): what the benchmark
        posts itself to time the server alone."""
        return [("query", self._text(query, bindings, None)), *self._dataset(query, None, None)]

    def _named_for(self, query: str) -> list[str]:
        """The named-graph-uri a query needs so that GRAPH ?g reaches every graph: none if it
        has no GRAPH or the server lets GRAPH reach graphs unnamed; else all of them (with
        thousands of statement groups a slow request: the server looks in each graph listed)."""
        if not mentions_graph(query) or self.reaches_unnamed_graphs:
            return []
        return self.server_graphs

    def _text(self, query: str, bindings: Bindings | None, base: str | None) -> str:
        """The text the server gets: own graph IRIs renamed, parameters as VALUES, the base."""
        if "LATERAL" in query.upper() and not self.reads_lateral:
            query = without_lateral(query)
        text = with_values(iris_replaced(query, self._renamed), bindings or {})
        return f"BASE <{base}>\n{text}" if base else text

    @cached_property
    def reads_lateral(self) -> bool:
        """True if the server reads LATERAL (Oxigraph server does, Virtuoso 7 does not: then
        the queries that have it are sent in their portable form, clusterkg.engine.lateral).
        Asked once, and only when a query has it."""
        try:
            self._ask("ASK { LATERAL { } }", [], form="ASK")
        except RemoteError:
            return False
        return True

    # -- the request --------------------------------------------------------------------------

    def _ask(
        self,
        text: str,
        dataset: Dataset,
        max_rows: int | None = None,
        timeout: float | None = None,
        form: str | None = None,
    ) -> Answer:
        """Send a query and read its whole answer (up to `max_rows` rows). `form`: the query's
        form if known (reading it from the text with parameters bound costs a scan)."""
        form = form or query_form(text)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        options: dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = httpx.Timeout(timeout, connect=CONNECT_SECONDS)
        reply = self.connection.request(
            "POST",
            content=urlencode([("query", text), *dataset]).encode("ascii"),
            headers={"Content-Type": FORM, "Accept": N_TRIPLES if graph else RESULTS_JSON},
            **options,
        )
        kind = reply.headers.get("content-type", "")
        if graph:
            rows, truncated = _read(
                _triple_rows(reply.content, kind), max_rows, self.connection.url
            )
            return Answer(TRIPLE_COLUMNS, paged(rows), graph=True, truncated=truncated)
        results = _results(reply.content, kind, self.connection.url)
        if isinstance(results, ox.QueryBoolean):
            return Answer(["result"], boolean=bool(results))
        variables = [v.value for v in results.variables]
        solutions = ([s[v] for v in variables] for s in results)
        rows, truncated = _read(solutions, max_rows, self.connection.url)
        return Answer(variables, paged(rows), truncated=truncated)


def _results(body: bytes, kind: str, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    fmt = ox.QueryResultsFormat.XML if "xml" in kind else ox.QueryResultsFormat.JSON
    try:
        return ox.parse_query_results(body, format=fmt)
    except (SyntaxError, ValueError, OSError) as error:
        raise _unreadable(url, error) from None


def _triple_rows(body: bytes, kind: str) -> Iterator[Row]:
    fmt = ox.RdfFormat.TURTLE if "turtle" in kind else ox.RdfFormat.N_TRIPLES
    for quad in ox.parse(body, format=fmt):
        yield [quad.subject, quad.predicate, quad.object]


def _read(rows: Iterator[Row], max_rows: int | None, url: str) -> tuple[list[Row], bool]:
    """Every row (up to `max_rows`; True if one more was there), or a RemoteError if the body
    breaks off: a cut answer is never taken for a short one."""
    kept: list[Row] = []
    try:
        for row in rows:
            if max_rows is not None and len(kept) == max_rows:
                return kept, True
            kept.append(row)
    except (SyntaxError, ValueError, OSError) as error:
        raise _unreadable(url, error) from None
    return kept, False


def _unreadable(url: str, error: Exception) -> RemoteError:
    return RemoteError(
        f"{url} sent an answer that cannot be read ({first_line(error)}); a server that stops "
        "a query at its own time limit may send a cut answer: try a narrower query"
    )
