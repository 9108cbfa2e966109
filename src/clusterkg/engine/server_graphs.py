"""Where clusterkg's own graphs are on a remote server: the same IRIs as locally, or under the
graph a user names (`--graph IRI`), so that a platform can keep clusterkg beside its other data.

`publish` writes to these graphs and `--endpoint` reads from them, so both take the same
`--graph`. The statement groups keep their own IRIs wherever they are published: the asserted
graph describes them by those IRIs (their evidence, sources, quotes).
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.vocabulary import ASSERTED, DESCRIPTION, INFERRED


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

    def on_server(self, graph: str) -> str:
        """The server's IRI of one of clusterkg's own graphs (any other graph: itself)."""
        own = {ASSERTED: self.asserted, INFERRED: self.inferred, DESCRIPTION: self.description}
        return own.get(graph, graph)
