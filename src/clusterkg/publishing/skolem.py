"""Blank nodes as stable IRIs (Skolem IRIs, RDF 1.1 section 3.5) in what is published.

The Graph Store Protocol sends one graph per request, and a server gives each request's blank
nodes labels of its own: a blank node the asserted graph shares with the inferred graph (a
quote's node and its inferred types) or with a statement group would become two different nodes
on the server, and `GRAPH ?g { ?s ?p ?o }` would no longer find the asserted triple. So every
blank node is published as an IRI under SKOLEM_BASE, named by the canonical label of
clusterkg.output.blank_labels: the same graph gets the same IRIs at every publish (publishing is
idempotent), however the store labelled its blank nodes. A Skolem IRI names nothing but the
blank node it replaces.
"""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.output.blank_labels import canonical_blank_nodes
from clusterkg.output.export import blank_node_lines
from clusterkg.output.serialise import Quad

SKOLEM_BASE = "https://w3id.org/clusterkg/.well-known/genid/"
# An N-Triples line whose subject or object is a blank node ("_:" inside a literal is not one).


class Skolemiser:
    """The Skolem IRI of every blank node of the graphs it was given (`learn`, then `rewrite`).
    Labels are computed over all of them together, so a node shared by two graphs gets one IRI."""

    def __init__(self) -> None:
        self._quads: list[Quad] = []
        self._iris: dict[str, ox.NamedNode] | None = None

    def learn(self, graph: str, blank: bytes) -> None:
        """Take in the blank-node lines of one graph (blank_node_lines' second part)."""
        if blank:
            self._quads += [
                (t.subject, t.predicate, t.object, graph)
                for t in ox.parse(blank, format=ox.RdfFormat.N_TRIPLES)
            ]
            self._iris = None

    def rewrite(self, blank: bytes) -> bytes:
        """The blank-node lines of a graph with every blank node replaced by its Skolem IRI. A
        node it was not given to learn (one only the inferred graph has) is labelled by the
        lines it is in, the learnt nodes already named: the learnt IRIs never depend on it."""
        if not blank:
            return b""
        iris = self._mapping()
        triples = list(ox.parse(blank, format=ox.RdfFormat.N_TRIPLES))
        named = [(_named(t.subject, iris), t.predicate, _named(t.object, iris)) for t in triples]
        unknown: list[Quad] = [(s, p, o, None) for s, p, o in named if _blank(s) or _blank(o)]
        if unknown:
            for (s, _, o, _g), (s2, _, o2, _g2) in zip(
                unknown, canonical_blank_nodes(unknown), strict=True
            ):
                _add(iris, s, s2, "more-")  # never one of the learnt labels
                _add(iris, o, o2, "more-")
            named = [(_named(s, iris), p, _named(o, iris)) for s, p, o in named]
        out = ox.serialize([ox.Triple(*t) for t in named], format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        assert out is not None
        return out

    def _mapping(self) -> dict[str, ox.NamedNode]:
        if self._iris is None:
            self._iris = {}
            relabelled = canonical_blank_nodes(self._quads)
            for (s, _, o, _g), (s2, _, o2, _g2) in zip(self._quads, relabelled, strict=True):
                _add(self._iris, s, s2)
                _add(self._iris, o, o2)
        return self._iris


def _add(iris: dict[str, ox.NamedNode], before: object, after: object, prefix: str = "") -> None:
    if isinstance(before, ox.BlankNode) and isinstance(after, ox.BlankNode):
        iris.setdefault(before.value, ox.NamedNode(SKOLEM_BASE + prefix + after.value))


def _blank(term: object) -> bool:
    return isinstance(term, ox.BlankNode)


def skolemised(dump: bytes, skolemiser: Skolemiser) -> tuple[list[bytes | memoryview], bytes]:
    """An N-Triples dump as published, in chunks (its blank-node lines rewritten with Skolem
    IRIs and put last), and the lines it rewrote, as they were in the dump."""
    kept, blank = blank_node_lines(dump)
    return [*kept, skolemiser.rewrite(blank)], blank


def _named(term: Term, iris: dict[str, ox.NamedNode]) -> Term:
    if isinstance(term, ox.BlankNode):
        return iris.get(term.value, term)
    return term
