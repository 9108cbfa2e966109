"""The OWL 2 RL inconsistency rules (section 4.3, the rules whose head is `false`), as queries.

They run on the closure once it is complete, for the constructs the rules support (eq-diff1,
cax-dw, cls-nothing2, prp-irp, prp-asyp, prp-pdw): a contradiction is reported, never written
into the graph.
"""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.consistency import Inconsistency, named
from clusterkg.reasoning.rules.equality import Partition
from clusterkg.reasoning.rules.graphs import PREFIXES, Graphs, Term

# (rule, query over the closure, message)
CHECKS = [
    (
        "eq-diff1",
        "SELECT DISTINCT ?x WHERE { ?x owl:differentFrom ?x }",
        "{x} are said to be both the same (owl:sameAs) and different (owl:differentFrom)",
    ),
    (
        "cax-dw",
        "SELECT DISTINCT ?x ?c ?d WHERE { ?c owl:disjointWith ?d . ?x a ?c , ?d }",
        "{x} is a member of {c} and {d}, which are disjoint classes (owl:disjointWith)",
    ),
    (
        "cls-nothing2",
        "SELECT DISTINCT ?x WHERE { ?x a owl:Nothing }",
        "{x} is a member of owl:Nothing, the class with no members",
    ),
    (
        "prp-irp",
        "SELECT DISTINCT ?x ?p WHERE { ?p a owl:IrreflexiveProperty . ?x ?p ?x }",
        "{x} is related to itself by {p}, an irreflexive property",
    ),
    (
        "prp-asyp",
        "SELECT DISTINCT ?x ?p ?y WHERE { ?p a owl:AsymmetricProperty . ?x ?p ?y . ?y ?p ?x "
        "FILTER(STR(?x) <= STR(?y)) }",
        "{x} and {y} are related both ways by {p}, an asymmetric property",
    ),
    (
        "prp-pdw",
        "SELECT DISTINCT ?x ?y ?p ?q "
        "WHERE { ?p owl:propertyDisjointWith ?q . ?x ?p ?y . ?x ?q ?y }",
        "{x} is related to {y} by both {p} and {q}, which are disjoint properties",
    ),
]


def inconsistencies(store: LocalStore, g: Graphs, partition: Partition) -> list[Inconsistency]:
    """Each contradiction in the closure, its nodes given by their own names (all the members of
    a merged class, for a node that stands for several)."""
    found: dict[tuple[str, frozenset[str]], Inconsistency] = {}
    for rule, query, message in CHECKS:
        rows = store.query(PREFIXES + query, default_graph=g.read())
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            names = {
                str(variable.value): [_name(m) for m in partition.members(row[variable])]
                for variable in rows.variables
            }
            nodes = tuple(n for members in names.values() for n in members)
            text = message.format(**{k: named(*v) for k, v in names.items()})
            # one report per contradiction, not one per order its nodes are matched in
            found.setdefault((rule, frozenset(nodes)), Inconsistency(rule, nodes, text))
    return sorted(found.values(), key=lambda i: (i.rule, i.nodes))


def _name(node: Term) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)
