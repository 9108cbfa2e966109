"""prp-trp: the closure of each transitive property, by a graph search rather than by a rule.

A rule would need one semi-naive pass per doubling of path length, each pass reading everything
derived so far; a search from every node over the property's edges costs what the closure
holds. The pairs it finds are written as a rule's would be (into the inferred graph, and into
the pass's delta when some rule reads the property).
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.graphs import PREFIXES, Graphs, Term
from clusterkg.reasoning.rules.table import read_by_rules
from clusterkg.vocabulary import RDF


def transitive_properties(store: LocalStore, g: Graphs) -> list[str]:
    """The IRIs of the properties declared (or derived) owl:TransitiveProperty, sorted."""
    rows = store.query(
        f"{PREFIXES}SELECT DISTINCT ?p WHERE {{ ?p a owl:TransitiveProperty FILTER(isIRI(?p)) }}",
        default_graph=g.read(),
    )
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(str(row["p"].value) for row in rows)


def add_transitive_closures(
    store: LocalStore, properties: list[str], g: Graphs, first: bool
) -> None:
    """prp-trp for each transitive property at once: a search from every node over the
    property's edges, the missing pairs written like a rule's. Done on the first pass,
    and again only when the rules derived new edges of the property, so its cost is that of
    the closure, not of the number of passes."""
    for prop in properties:
        if not first and not store.query(f"ASK {{ GRAPH <{g.new.facts}> {{ ?x <{prop}> ?y }} }}"):
            continue
        rows = store.query(f"SELECT ?x ?y WHERE {{ ?x <{prop}> ?y }}", default_graph=g.read())
        assert isinstance(rows, ox.QuerySolutions)
        successors: dict[Term, set[Term]] = defaultdict(set)
        for row in rows:
            successors[row["x"]].add(row["y"])
        predicate = ox.NamedNode(prop)
        # Writing a triple costs about 10 µs: a closure of 500,000 triples goes to the delta
        # too only if a rule reads the property's triples.
        graphs = [ox.NamedNode(g.inferred)]
        if prop == RDF + "type" or read_by_rules(store, g, prop):  # cax-sco reads rdf:type
            graphs.append(ox.NamedNode(g.new.facts))
        store.extend(
            ox.Quad(start, predicate, end, graph)  # type: ignore[arg-type]
            for start, ends in successors.items()
            for end in _reachable(successors, start)
            if end not in ends
            for graph in graphs
        )


def _reachable(successors: dict[Term, set[Term]], start: Term) -> set[Term]:
    seen: set[Term] = set()
    todo = list(successors[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(successors.get(node, ()))
    return seen
