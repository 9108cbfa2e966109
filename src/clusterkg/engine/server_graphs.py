"""Where clusterkg's own graphs are on a remote server: the same IRIs as locally, or under the
graph a user names (`--graph IRI`), so that a platform can keep clusterkg beside its other data.

`publish` writes to these graphs and `--endpoint` reads from them, so both take the same
`--graph`. The statement groups keep their own IRIs wherever they are published: the asserted
graph describes them by those IRIs (their evidence, sources, quotes).
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.vocabulary import ASSERTED, DESCRIPTION, INFERRED, PREFIXES

# The server's default graph may hold a copy of the queried graphs (`publish`, on by default on
# Oxigraph server): then a query sent with no dataset at all reads asserted + inferred in its
# default graph and reaches every graph by GRAPH, at the server's own speed. This small graph
# says whose copy it is: one default graph per server, whatever --graph each publish used.
DEFAULT_COPY_RECORD = "https://w3id.org/clusterkg/graph/default-graph-copy"
COPY_OF = PREFIXES["prov"] + "wasDerivedFrom"  # the record's IRI -> each graph copied
COPY_DIGEST = PREFIXES["schema"] + "sha256"  # absent while a publish is rewriting the copy


@dataclass(frozen=True)
class ServerGraphs:
    """The server's IRIs of the asserted, inferred and description graphs."""

    asserted: str = ASSERTED
    inferred: str = INFERRED
    description: str = DESCRIPTION

    @classmethod
    def under(cls, graph: str | None) -> ServerGraphs:
        """clusterkg's own IRIs without `graph`; with it, `graph` holds the asserted triples
        and `graph`/inferred and `graph`/description the others."""
        if graph is None:
            return cls()
        base = graph.rstrip("/")
        return cls(graph, f"{base}/inferred", f"{base}/description")

    @property
    def queried(self) -> tuple[str, str]:
        """The graphs a query's default graph is made of (clusterkg.vocabulary.QUERIED)."""
        return (self.asserted, self.inferred)

    def copy_check(self) -> str:
        """An ASK, sent with no dataset, true if the server's default graph is a complete copy
        of these graphs: the record names them and has its digest (a publish rewriting the copy
        takes the digest out first), and the record's own triples are not in the default graph
        (they are on a server whose default graph is the union of all graphs: Virtuoso, or
        Oxigraph server run with --union-default-graph)."""
        record = f"<{DEFAULT_COPY_RECORD}>"
        return (
            f"ASK {{ GRAPH {record} {{ {record} <{COPY_OF}> <{self.asserted}> ; "
            f"<{COPY_DIGEST}> ?digest }} "
            f"FILTER NOT EXISTS {{ {record} <{COPY_OF}> ?copied }} }}"
        )

    def on_server(self, graph: str) -> str:
        """The server's IRI of one of clusterkg's own graphs (any other graph: itself)."""
        own = {ASSERTED: self.asserted, INFERRED: self.inferred, DESCRIPTION: self.description}
        return own.get(graph, graph)
