"""The query service: a stored query's name and parameters → its answer, on any engine.

Everything here goes through the engine port (clusterkg.engine.port): the stored query is looked
up, its parameters checked and resolved (names → IRIs by lookup queries on the same engine), and
the query started under its limits. The same service answers the CLI today and, unchanged, an
HTTP endpoint or a remote SPARQL server later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from clusterkg.engine import Answer, Engine, Table, Term, Triples
from clusterkg.engine.limits import NO_LIMITS, Limits, run_limited
from clusterkg.engine.syntax import check_syntax
from clusterkg.queries.catalogue import Catalogue, StoredQuery
from clusterkg.queries.resolve import Resolver


@dataclass
class QueryService:
    """Stored and ad-hoc queries over one engine."""

    engine: Engine
    catalogue: Catalogue
    # names → terms; by default one that indexes the engine's names on its first lookup
    resolver: Resolver | None = field(default=None, repr=False)

    def stored(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits = NO_LIMITS
    ) -> Answer:
        """Start stored query `name` in a worker process; its rows are read page by page as they
        come. Parameter values are names, IRIs or CURIEs, bound as RDF terms. Past
        `limits.timeout` the worker is killed and QueryTimeout raised; past `limits.max_rows`
        the rows stop and `truncated` is set (see clusterkg.engine.limits)."""
        stored = self._parsed(name)
        return run_limited(self.engine, stored.text, self.bind(stored, params or {}), limits)

    def run_stored(self, name: str, params: Mapping[str, str] | None = None) -> Table | Triples:
        """A stored query's whole answer, computed in this process (no limits)."""
        stored = self._parsed(name)
        return self.engine.run(stored.text, self.bind(stored, params or {}))

    def _parsed(self, name: str) -> StoredQuery:
        """Stored query `name`, once it is known to parse: a syntax error names its file and
        line (a team's query in a workspace, say), which the engine, given the text alone,
        could not."""
        stored = self.catalogue.get(name)
        check_syntax(stored.text, stored.where())
        return stored

    def bind(self, stored: StoredQuery, params: Mapping[str, str]) -> dict[str, Term]:
        """The RDF term each parameter value names (ParameterError if one names nothing, or
        several things)."""
        stored.check_parameters(params.items())
        resolver = self.resolver or Resolver(self.engine)
        self.resolver = resolver
        return {
            name: resolver.resolve(p, params[name])
            for name in params
            if (p := stored.parameter(name)) is not None
        }

    def run_ad_hoc(self, text: str) -> Table | Triples:
        """A read-only SPARQL query's whole answer, computed in this process (no limits)."""
        return self.engine.run(text)

    def ad_hoc(self, text: str, limits: Limits = NO_LIMITS) -> Answer:
        """Start a read-only SPARQL query over asserted + inferred triples in a worker process,
        under `limits` as stored() is."""
        return run_limited(self.engine, text, None, limits)
