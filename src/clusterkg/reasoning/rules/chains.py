"""Property chains (prp-spo2): each owl:propertyChainAxiom read into the steps of a fact rule.

A step is a property, or a blank node `[ owl:inverseOf p ]` (the chain walks p backwards).
A chain with any other step, or through owl:sameAs (whose reflexive pairs reach literals), is
not read: support.py sends such a graph to owlrl.
"""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.graphs import PREFIXES, SAME_AS, Graphs, Term
from clusterkg.reasoning.rules.table import FactRule
from clusterkg.vocabulary import OWL, RDF

Chain = tuple[str, list[tuple[str, bool]]]


def chain_rules(store: LocalStore, g: Graphs) -> list[FactRule]:
    """One fact rule per property chain axiom (prp-spo2), its steps joined end to start."""
    rules: list[FactRule] = []
    for number, (prop, chain) in enumerate(_chains(store, g)):
        steps = tuple(
            f"?u{i + 1} <{p}> ?u{i}" if inverse else f"?u{i} <{p}> ?u{i + 1}"
            for i, (p, inverse) in enumerate(chain)
        )
        rules.append((f"prp-spo2-{number}", "", steps, f"?u0 <{prop}> ?u{len(chain)}", None))
    return rules


def _chains(store: LocalStore, g: Graphs) -> list[Chain]:
    """Each property chain axiom: the property and its steps (property, inverse?)."""
    rows = store.query(
        f"{PREFIXES}SELECT ?p ?list WHERE {{ ?p owl:propertyChainAxiom ?list FILTER(isIRI(?p)) }}",
        default_graph=g.read(),
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = set()
    for row in rows:
        steps = chain_steps(store, g, row["list"])
        if steps:
            found.add((str(row["p"].value), tuple(steps)))
    return [(p, list(steps)) for p, steps in sorted(found)]


def chain_steps(store: LocalStore, g: Graphs, head: Term) -> list[tuple[str, bool]] | None:
    """The steps of a chain's list; None if a step is neither a property (other than
    owl:sameAs) nor `[ owl:inverseOf p ]` (support.py refuses such chains)."""
    steps: list[tuple[str, bool]] = []
    for member in _list_members(store, g, head) or []:
        if member == SAME_AS:
            return None  # a step through eq-ref's reflexive pairs, literals included
        if isinstance(member, ox.NamedNode):
            steps.append((member.value, False))
        elif (inverse := _inverse_step(store, g, member)) is not None:
            steps.append((inverse, True))
        else:
            return None
    return steps or None


def _inverse_step(store: LocalStore, g: Graphs, node: Term) -> str | None:
    """p, if `node` is a blank node whose only triple is `node owl:inverseOf p`."""
    if not isinstance(node, ox.BlankNode):
        return None
    said = [q for graph in g.read() for q in store.quads_for_pattern(node, None, None, graph)]
    heard = [q for graph in g.read() for q in store.quads_for_pattern(None, None, node, graph)]
    if any(q.predicate != ox.NamedNode(RDF + "first") for q in heard):
        return None
    if len(said) == 1 and said[0].predicate == ox.NamedNode(OWL + "inverseOf"):
        target = said[0].object
        return target.value if isinstance(target, ox.NamedNode) else None
    return None


def _list_members(store: LocalStore, g: Graphs, head: Term) -> list[Term] | None:
    members: list[Term] = []
    node: Term = head
    first, rest, nil = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))
    while node != nil and len(members) < 100:
        items = _objects(store, g, node, first)
        nexts = _objects(store, g, node, rest)
        if len(items) != 1 or len(nexts) != 1:
            return None
        members.append(items[0])
        node = nexts[0]
    return members


def _objects(store: LocalStore, g: Graphs, subject: Term, predicate: ox.NamedNode) -> list[Term]:
    if isinstance(subject, ox.Literal):
        return []
    found = {
        q.object
        for graph in g.read()
        for q in store.quads_for_pattern(subject, predicate, None, graph)
        if not isinstance(q.object, ox.Triple)
    }
    return sorted(found, key=str)
