"""The named graphs the rules read and write, and the SPARQL vocabulary every rule module uses.

Reasoning happens inside the store: the rules read the asserted graph (or a canonical copy of it
once owl:sameAs has merged nodes) and the inferred graph, and a semi-naive pass writes what it
derives to scratch graphs as well, which the next pass joins with. `Graphs` names them all;
`count` and `drop` are the two store calls every module needs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyoxigraph as ox

from clusterkg.engine import LocalEngine, LocalStore
from clusterkg.vocabulary import OWL, OWL_SAME_AS, RDF, RDFS, XSD

SAME_AS = ox.NamedNode(OWL_SAME_AS)
PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX owl: <{OWL}>\nPREFIX xsd: <{XSD}>\n"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class PassGraphs:
    """What one pass of the semi-naive loop derives: `facts` from the property rules (and
    the transitive closures), `types` from the type rules (see fixpoint.TYPE_RULES)."""

    facts: str
    types: str

    @classmethod
    def named(cls, name: str) -> PassGraphs:
        return cls(name, f"{name}-types")


@dataclass(frozen=True)
class Graphs:
    """The named graphs reasoning reads and writes. `base` is the asserted graph, or a copy of
    it rewritten in terms of representatives once owl:sameAs has merged nodes. A pass of the
    semi-naive loop writes what it derives both to `inferred` and to `new`; the next pass joins
    with those as its `delta`: the two scratch pairs swap roles from pass to pass, so nothing is
    copied and every pass reads the same few graphs."""

    base: str
    inferred: str
    delta: PassGraphs  # what the previous pass derived: this pass joins with it
    new: PassGraphs  # what this pass derives

    @classmethod
    def over(cls, base: str, inferred: str) -> Graphs:
        """The graphs for reasoning over `base` into `inferred`, before the first pass."""
        scratch = [PassGraphs.named(f"{inferred}#{letter}") for letter in "ab"]
        return cls(base, inferred, *scratch)

    @property
    def canonical(self) -> str:
        """Where the base graph is copied to and rewritten when owl:sameAs merges nodes."""
        return f"{self.inferred}#canonical"

    def next_pass(self) -> Graphs:
        return replace(self, delta=self.new, new=self.delta)

    def passes(self) -> list[str]:
        """The scratch graphs of the semi-naive loop."""
        return [self.delta.facts, self.delta.types, self.new.facts, self.new.types]

    def scratch(self) -> list[str]:
        """Every graph reasoning writes besides `inferred`: dropped when it ends."""
        return [*self.passes(), self.canonical]

    def read(self) -> list[GraphName]:
        return [ox.NamedNode(self.base), ox.NamedNode(self.inferred)]

    def dataset(self) -> str:
        """USING clauses: rule bodies read base and inferred as one default graph (twice as fast
        as GRAPH ?g with VALUES in Oxigraph) and may name them and the deltas."""
        read = [self.base, self.inferred]
        named_graphs = [*read, self.delta.facts, self.delta.types]
        return " ".join(
            [f"USING <{g}>" for g in read] + [f"USING NAMED <{g}>" for g in named_graphs]
        )


def count(store: LocalStore, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph of the store, counted by the engine."""
    return LocalEngine(store).count(graph.value)


def drop(store: LocalStore, graphs: list[str]) -> None:
    for graph in graphs:
        store.update(f"DROP SILENT GRAPH <{graph}>")
