"""The graph on a remote SPARQL 1.1 server: the query side of KnowledgeGraph, over HTTP.

`clusterkg --endpoint URL query|sparql` use a RemoteGraph where they would use a KnowledgeGraph:
the same methods with the same signatures, so the commands and their printing do not care
where the graph is. Nothing is loaded or reasoned here: the server holds what `clusterkg
publish` put there (the asserted and inferred graphs and the statement groups). Queries run on
the RemoteEngine (clusterkg.engine.remote), names resolve by lookup queries on the server
(clusterkg.queries.remote_names), and the stored queries are the bundle's (in a workspace, its
own too).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from clusterkg.engine import Answer, Table, Triples
from clusterkg.engine.connection import Connection
from clusterkg.engine.limits import NO_LIMITS, Limits
from clusterkg.engine.remote import RemoteEngine
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.inputs.bundle import Bundle, bundled
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.remote_names import RemoteNames
from clusterkg.queries.resolve import Resolver
from clusterkg.queries.service import QueryService


class RemoteGraph:
    """clusterkg's graphs on the server at `endpoint` (its SPARQL query URL), under
    `server_graph` if they were published there (`--graph`). `timeout`: seconds to wait for
    each answer (None: as long as it takes). `bundle`: where the stored queries are (default:
    the bundled ones)."""

    def __init__(
        self,
        endpoint: str,
        server_graph: str | None = None,
        timeout: float | None = None,
        bundle: Bundle | None = None,
    ) -> None:
        self.bundle = bundle or bundled()
        self.connection = Connection(endpoint, timeout)
        self.engine = RemoteEngine(self.connection, ServerGraphs.under(server_graph))

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.bundle.query_folders)

    @cached_property
    def queries(self) -> QueryService:
        return QueryService(
            self.engine, self.catalogue, Resolver(self.engine, RemoteNames(self.engine))
        )

    def query(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits | None = None
    ) -> Table | Triples:
        """Run a stored query; parameter values are names, IRIs or CURIEs, bound as RDF terms
        (a VALUES block on the server). With `limits`, under a timeout and a row cap."""
        if limits is not None:
            return self.query_stream(name, params, limits).collect()
        return self.queries.run_stored(name, params)

    def query_stream(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits = NO_LIMITS
    ) -> Answer:
        """A stored query's answer, read from the server under `limits`: the timeout is the
        HTTP read timeout (QueryTimeout past it), the rows stop at the cap (`truncated` set)."""
        return self.queries.stored(name, params, limits)

    def sparql(self, text: str, limits: Limits | None = None) -> Table | Triples:
        """Run an ad-hoc read-only SPARQL query over asserted + inferred triples on the server."""
        if limits is not None:
            return self.sparql_stream(text, limits).collect()
        return self.queries.run_ad_hoc(text)

    def sparql_stream(self, text: str, limits: Limits = NO_LIMITS) -> Answer:
        """An ad-hoc query's answer under `limits`, as query_stream."""
        return self.queries.ad_hoc(text, limits)

    def close(self) -> None:
        """Close the connection's pool."""
        self.connection.close()

    def __enter__(self) -> RemoteGraph:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
