"""Equality (owl:sameAs, eq-*): nodes found equal are merged, not joined with each other.

owlrl's eq-rep-* rules fire n³ times on n equal nodes. Here a union-find (`Partition`) merges
each class of equal nodes into one representative and the graph is rewritten in those terms
(`canonicalise`), so the rules fire once per class, not once per member; at the end every
triple about a representative is expanded back to all members of its class, and the classes to
owl:sameAs pairs (`expand`). Equalities of literals or of built-in terms are not merged
(`unmergeable`): owlrl reasons over such graphs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.graphs import PREFIXES, SAME_AS, GraphName, Graphs, Term, count
from clusterkg.vocabulary import OWL, RDF, RDFS, XSD

BUILT_IN = (RDF, RDFS, OWL, XSD)


class Partition:
    """Union-find over nodes said to be the same; each class is represented by its least member
    (IRIs before blank nodes, then by text), so the result does not depend on the order."""

    def __init__(self) -> None:
        self.parent: dict[Term, Term] = {}

    def find(self, node: Term) -> Term:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while node != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: Term, b: Term) -> None:
        roots = sorted({self.find(a), self.find(b)}, key=_rank)
        for other in roots[1:]:
            self.parent[other] = roots[0]

    def mapping(self) -> dict[Term, Term]:
        """Every merged node that is not its class's representative, to the representative."""
        return {node: root for node in self.parent if (root := self.find(node)) != node}

    def classes(self) -> dict[Term, list[Term]]:
        """Each representative of a class of two or more, and the class's members."""
        members: dict[Term, list[Term]] = defaultdict(list)
        for node in self.parent:
            members[self.find(node)].append(node)
        for root, nodes in members.items():
            if root not in nodes:
                nodes.append(root)
            nodes.sort(key=_rank)
        return {root: nodes for root, nodes in members.items() if len(nodes) > 1}

    def members(self, node: Term) -> list[Term]:
        return self.classes().get(self.find(node), [node])


def _rank(node: Term) -> tuple[bool, str]:
    return (not isinstance(node, ox.NamedNode), str(node))


def same_as_pairs(store: LocalStore, g: Graphs) -> list[tuple[Term, Term]]:
    """The owl:sameAs triples between two different nodes (after earlier merges: new equalities)."""
    rows = store.query(
        f"{PREFIXES}SELECT DISTINCT ?x ?y WHERE {{ ?x owl:sameAs ?y FILTER(?x != ?y) }}",
        default_graph=g.read(),
    )
    assert isinstance(rows, ox.QuerySolutions)
    return [(row["x"], row["y"]) for row in rows]


# eq-ref makes every node the same as itself. Those triples are dropped from the result, but
# owlrl derives from them wherever owl:sameAs is itself the body of a rule (a subproperty of
# another property, an inverse, a domain, ...): then they are materialised here too.
SAME_AS_IN_RULES = f"""{PREFIXES}
ASK {{
  {{ owl:sameAs rdfs:subPropertyOf ?q FILTER(?q != owl:sameAs) }}
  UNION {{ owl:sameAs rdfs:domain|rdfs:range ?c }}
  UNION {{ owl:sameAs owl:inverseOf|^owl:inverseOf ?q }}
  UNION {{ owl:sameAs owl:propertyDisjointWith|^owl:propertyDisjointWith ?q }}
  UNION {{ owl:sameAs a ?c VALUES ?c {{ owl:IrreflexiveProperty owl:AsymmetricProperty }} }}
}}"""


def reflexive_equality_matters(store: LocalStore, g: Graphs) -> bool:
    """Whether a rule reads owl:sameAs, so that eq-ref's reflexive pairs derive something."""
    return bool(store.query(SAME_AS_IN_RULES, default_graph=g.read()))


def add_reflexive_same_as(store: LocalStore, g: Graphs) -> bool:
    """eq-ref for every node of the closure (literals cannot be subjects); True if any was new."""
    before = count(store, ox.NamedNode(g.inferred))
    store.update(
        f"""{PREFIXES}INSERT {{ GRAPH <{g.inferred}> {{ ?t owl:sameAs ?t }} }}
{g.dataset()}
WHERE {{ {{ ?t ?p ?o }} UNION {{ ?s ?t ?o }} UNION {{ ?s ?p ?t FILTER(!isLiteral(?t)) }}
  FILTER NOT EXISTS {{ ?t owl:sameAs ?t }} }}""",
    )
    return count(store, ox.NamedNode(g.inferred)) != before


def unmergeable(pairs: Iterable[tuple[Term, Term]]) -> str | None:
    """Why owlrl must handle these equalities: literals (owlrl gives them datatypes) or
    built-in terms (merging them would rewrite the rule set itself)."""
    for pair in pairs:
        for node in pair:
            if isinstance(node, ox.Literal):
                return "owl:sameAs on a literal"
            if isinstance(node, ox.NamedNode) and node.value.startswith(BUILT_IN):
                return f"owl:sameAs on the built-in term {node.value}"
    return None


def canonicalise(store: LocalStore, graphs: list[GraphName], mapping: dict[Term, Term]) -> None:
    """Rewrite every triple that mentions a merged node in terms of representatives."""

    def canonical(term: Term) -> Term:
        return mapping.get(term, term)

    for graph in graphs:
        touched = _mentioning(store, [graph], list(mapping))
        for s, p, o in touched:
            store.remove(ox.Quad(s, p, o, graph))  # type: ignore[arg-type]
        store.extend(
            ox.Quad(canonical(s), canonical(p), canonical(o), graph)  # type: ignore[arg-type]
            for s, p, o in touched
        )


def expand(store: LocalStore, g: Graphs, partition: Partition, asserted: ox.NamedNode) -> None:
    """Write each triple about a representative for every member of its class (eq-rep-s/p/o),
    and every pair of members of a class as owl:sameAs (eq-sym, eq-trans): the closure owlrl
    reaches, in time proportional to its size. Asserted triples are left out (the rules' own
    triples never are: they are derived only if not in the base graph)."""
    classes = partition.classes()
    inferred = ox.NamedNode(g.inferred)
    touched = _mentioning(store, g.read(), list(classes))
    given = _mentioning(store, [asserted], [m for members in classes.values() for m in members])
    quads = [
        ox.Quad(s, p, o, inferred)  # type: ignore[arg-type]
        for subject, predicate, obj in touched
        for s in classes.get(subject, [subject])
        for p in classes.get(predicate, [predicate])
        if isinstance(p, ox.NamedNode)
        for o in classes.get(obj, [obj])
        if (s, p, o) not in given
    ]
    quads += [
        ox.Quad(x, SAME_AS, y, inferred)  # type: ignore[arg-type]
        for members in classes.values()
        for x in members
        for y in members
        if x != y and (x, SAME_AS, y) not in given
    ]
    store.extend(quads)


def _mentioning(
    store: LocalStore, graphs: list[GraphName], nodes: list[Term]
) -> set[tuple[Term, Term, Term]]:
    """The triples of `graphs` that have one of `nodes` as subject, predicate or object."""
    found: set[tuple[Term, Term, Term]] = set()
    for graph in graphs:
        for node in nodes:
            quads = [*store.quads_for_pattern(node, None, None, graph)]
            quads += store.quads_for_pattern(None, None, node, graph)
            if isinstance(node, ox.NamedNode):
                quads += store.quads_for_pattern(None, node, None, graph)
            found.update((q.subject, q.predicate, q.object) for q in quads)  # type: ignore[misc]
    return found
