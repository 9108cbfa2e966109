"""The SPARQL engine: an in-memory Oxigraph store behind one small interface.

Commands never touch pyoxigraph directly: the build cache's on-disk store, a remote SPARQL 1.1
server or an HTTP endpoint plug in here. Asserted and inferred triples are kept in separate named
graphs; queries see their union as the default graph.

Why pyoxigraph and not rdflib's engine: rdflib answered an aggregate subquery inside OPTIONAL
wrongly and took 3.8 s on a join Oxigraph runs in 0.1 ms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from clusterkg.errors import QueryError
from clusterkg.safety import refuse_unsafe

ASSERTED = "https://w3id.org/clusterkg/graph/asserted"
INFERRED = "https://w3id.org/clusterkg/graph/inferred"
DESCRIPTION = "https://w3id.org/clusterkg/graph/description"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term]


@dataclass
class Table:
    """Rows of a SELECT (or one boolean row of an ASK): variable names and RDF terms."""

    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None


@dataclass
class Triples:
    """The triples of a CONSTRUCT or DESCRIBE."""

    triples: list[ox.Triple]


class Engine:
    """An Oxigraph store holding the asserted and the inferred graph (in memory, or on disk in
    the build cache, opened read-only)."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self._store = store if store is not None else ox.Store()

    @property
    def store(self) -> ox.Store:
        return self._store

    def run(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table | Triples:
        """Run a read-only SPARQL query; `bindings` are bound as RDF terms, never spliced."""
        refuse_unsafe(query)
        substitutions: dict[ox.Variable, Any] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()
        }
        try:
            result = self._store.query(
                query, use_default_graph_as_union=True, substitutions=substitutions or None
            )
            # Results are read inside the try: Oxigraph evaluates lazily and may fail while
            # the rows are read.
            if isinstance(result, ox.QueryBoolean):
                return Table(["result"], [], boolean=bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows = [[solution[v] for v in variables] for solution in result]
                return Table(variables, rows)
            return Triples(list(result))
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {_first_line(error)}") from None
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300]
