"""What reasoning added to a graph, read through the engine port: counts and the triples."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.engine import Engine, Table
from clusterkg.output.serialise import Quad
from clusterkg.vocabulary import INFERRED

_BY_PREDICATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"


@dataclass
class Inference:
    """The inferred graph: how many triples, by which reasoner, and under which profile."""

    profile: str
    reasoner: str
    engine: Engine

    @property
    def count(self) -> int:
        return self.engine.count(INFERRED)

    def counts_by_predicate(self) -> list[tuple[str, int]]:
        """(property IRI, inferred triples) pairs, the most frequent first."""
        table = self.engine.run(_BY_PREDICATE, graphs=[INFERRED])
        assert isinstance(table, Table)
        counts = [(str(p.value), int(n.value)) for p, n in table.rows if p and n]
        return sorted(counts, key=lambda item: (-item[1], item[0]))

    def quads(self) -> list[Quad]:
        triples = self.engine.triples(INFERRED)
        return [(t.subject, t.predicate, t.object, None) for t in triples]  # type: ignore[misc]
