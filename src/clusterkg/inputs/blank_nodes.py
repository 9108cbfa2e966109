"""Blank-node structures of the vocabulary that a data file repeats are loaded once.

The vocabulary (ontology, reference data) is always loaded, and an export of clusterkg holds it
too. Read back with --data, the export's copy of every blank-node structure of the vocabulary (the
list of an owl:propertyChainAxiom) would be a second, separate structure: a different graph from
the one exported, and an axiom stated twice. A data file's blank-node tree that is the same as a
vocabulary tree hanging off the same subject and property (or a free-standing one) is therefore
dropped. Trees within the data are left alone: two equal blank nodes in one's own data may be
meant (sh:minCount counts them).

Only blank-node triples are looked at, and only when a data file has blank nodes.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from clusterkg.engine import LocalStore

Signature = tuple[tuple[str, object], ...]


def blank_nodes(store: LocalStore, graph: ox.NamedNode) -> set[ox.BlankNode]:
    """The blank nodes written as subjects in `graph` (the vocabulary: a few)."""
    rows = store.query(
        "SELECT DISTINCT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) }", default_graph=graph
    )
    assert isinstance(rows, ox.QuerySolutions)
    return {row[0] for row in rows if isinstance(row[0], ox.BlankNode)}


def drop_repeated_vocabulary(
    store: LocalStore, graph: ox.NamedNode, vocabulary: set[ox.BlankNode]
) -> int:
    """Remove the data's copies of the vocabulary's blank-node trees; returns triples removed."""
    if not vocabulary:
        return 0
    trees = _Trees(store, graph)
    known = {trees.key(node) for node in vocabulary if trees.is_root(node)}
    # Only a tree hanging where a vocabulary tree hangs can repeat one: the others (a data
    # file's own lists and nestings, however deep) are not even looked at.
    places = {attached for attached, _tree in known}
    removed = 0
    for node in list(trees.outgoing):
        if node in vocabulary or not trees.is_root(node):
            continue
        if trees.attachment(node) in places and trees.key(node) in known:
            removed += trees.remove(node)
    return removed


class _Trees:
    """The triples of `graph` that touch a blank node, by blank node."""

    def __init__(self, store: LocalStore, graph: ox.NamedNode) -> None:
        self.store, self.graph = store, graph
        self.outgoing: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
        self.incoming: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
        rows = store.query(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }",
            default_graph=graph,
        )
        assert isinstance(rows, ox.QuerySolutions)
        for s, p, o in rows:
            quad = ox.Quad(s, p, o, graph)
            if isinstance(s, ox.BlankNode):
                self.outgoing[s].append(quad)
            if isinstance(o, ox.BlankNode):
                self.incoming[o].append(quad)
        self._signatures: dict[ox.BlankNode, Signature | None] = {}

    def is_root(self, node: ox.BlankNode) -> bool:
        """Hangs off IRIs only (or nothing): the top of a tree."""
        return all(not isinstance(q.subject, ox.BlankNode) for q in self.incoming[node])

    def attachment(self, node: ox.BlankNode) -> tuple[tuple[str, str], ...]:
        """The subjects and properties `node` hangs off."""
        return tuple(sorted((str(q.subject), str(q.predicate)) for q in self.incoming[node]))

    def key(self, node: ox.BlankNode) -> tuple[tuple[tuple[str, str], ...], Signature | None]:
        return (self.attachment(node), self.signature(node))

    def signature(self, root: ox.BlankNode) -> Signature | None:
        """The tree below `root`, blank nodes replaced by their own trees; None for a cycle or a
        blank node shared between trees (not a tree: never dropped). Worked out children
        first with a stack of its own, so a nesting thousands deep needs no recursion."""
        stack: list[tuple[ox.BlankNode, bool]] = [(root, False)]
        on_path: set[ox.BlankNode] = set()
        while stack:
            node, children_done = stack.pop()
            if node in self._signatures and not children_done:
                continue
            if not children_done:
                if node in on_path or len(self.incoming[node]) > 1:
                    return None
                on_path.add(node)
                stack.append((node, True))
                stack += [
                    (q.object, False)
                    for q in self.outgoing[node]
                    if isinstance(q.object, ox.BlankNode) and q.object not in self._signatures
                ]
                continue
            on_path.discard(node)
            self._signatures[node] = self._combine(node)
        return self._signatures.get(root)

    def _combine(self, node: ox.BlankNode) -> Signature | None:
        parts: list[tuple[str, object]] = []
        for quad in self.outgoing[node]:
            value: object = str(quad.object)
            if isinstance(quad.object, ox.BlankNode):
                value = self._signatures.get(quad.object)
                if value is None:
                    return None
            parts.append((str(quad.predicate), value))
        return tuple(sorted(parts, key=repr))

    def remove(self, node: ox.BlankNode) -> int:
        """Remove the tree below `node` and the triples it hangs off; returns how many."""
        if self.signature(node) is None:
            return 0
        removed = 0
        for quad in self.incoming[node]:
            self.store.remove(quad)
            removed += 1
        stack = [node]
        while stack:
            for quad in self.outgoing.pop(stack.pop(), []):
                self.store.remove(quad)
                removed += 1
                if isinstance(quad.object, ox.BlankNode):
                    stack.append(quad.object)
        return removed
