"""materialise: the whole OWL 2 RL closure by the rules, or the reason they cannot give it.

The order: owlrl's axioms; rounds of the rule table to a fixpoint (fixpoint.py), merging the
nodes found equal after each round (equality.py) until no new equality appears; the support
decision on that closure (support.py), which may refuse it and leave nothing inferred; the
contradictions (inconsistencies.py); last, the merged classes expanded back to their members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.consistency import Inconsistency
from clusterkg.reasoning.rules.axioms import add_datatype_disjointness, axioms
from clusterkg.reasoning.rules.equality import (
    Partition,
    add_reflexive_same_as,
    canonicalise,
    expand,
    reflexive_equality_matters,
    same_as_pairs,
    unmergeable,
)
from clusterkg.reasoning.rules.fixpoint import close
from clusterkg.reasoning.rules.graphs import PREFIXES, Graphs, count, drop
from clusterkg.reasoning.rules.inconsistencies import inconsistencies
from clusterkg.reasoning.rules.support import unsupported


@dataclass
class Outcome:
    """What materialise did: the inferred triples' count, or why the rules cannot reason over
    this graph (then nothing is left in the inferred graph), and the contradictions found."""

    inferred: int = 0
    unsupported: list[str] = field(default_factory=list)
    inconsistencies: list[Inconsistency] = field(default_factory=list)


def materialise(
    store: LocalStore,
    asserted: ox.NamedNode,
    inferred: ox.NamedNode,
    report: Callable[[str], None] | None = None,
) -> Outcome:
    """Add to `inferred` every triple the OWL 2 RL rules entail from `asserted` (and not already
    asserted), unless the closure shows constructs the rules lack (Outcome.unsupported)."""
    g = Graphs.over(asserted.value, inferred.value)
    store.update(axioms(inferred))
    add_datatype_disjointness(store, asserted, inferred)
    store.update(_drop_asserted(g.base, g.inferred))
    partition = Partition()
    try:
        g, refused = _close_under_equality(store, g, partition, report)
        refused = refused or unsupported(store, g, asserted)
        if refused:
            drop(store, [g.inferred])
            return Outcome(0, refused, [])
        found = inconsistencies(store, g, partition)
        if g.base != asserted.value:
            expand(store, g, partition, asserted)
        store.update(f"{PREFIXES}DELETE WHERE {{ GRAPH <{g.inferred}> {{ ?x owl:sameAs ?x }} }}")
    finally:
        drop(store, g.scratch())
    return Outcome(count(store, inferred), [], found)


def _close_under_equality(
    store: LocalStore, g: Graphs, partition: Partition, report: Callable[[str], None] | None
) -> tuple[Graphs, list[str]]:
    """Reason until no new equality is found, merging the nodes found equal after each round
    (the first merge switches the base to a canonical copy of the asserted graph). Returns the
    graphs in use, and why the rules cannot go on (equalities they cannot merge), if so."""
    while True:
        close(store, g, report)
        pairs = same_as_pairs(store, g)
        if not pairs:
            if reflexive_equality_matters(store, g) and add_reflexive_same_as(store, g):
                continue
            return g, []
        refused = unmergeable(pairs)
        if refused:
            return g, [refused]
        for a, b in pairs:
            partition.union(a, b)
        if g.base != g.canonical:
            store.update(f"COPY <{g.base}> TO <{g.canonical}>")
            g = Graphs.over(g.canonical, g.inferred)
        canonicalise(store, g.read(), partition.mapping())


def _drop_asserted(asserted: str, inferred: str) -> str:
    """Remove from the inferred graph what is asserted too."""
    return (
        f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} GRAPH <{asserted}> {{ ?s ?p ?o }} }}"
    )
