"""The support decision: whether the rules cover a graph, or reasoning must go to owlrl.

What sends reasoning to owlrl: restrictions and class expressions (owl:Restriction, onProperty,
someValuesFrom, allValuesFrom, hasValue, maxCardinality, intersectionOf, unionOf, complementOf,
oneOf), functional and inverse-functional properties, keys, owl:AllDifferent,
owl:AllDisjointClasses, owl:AllDisjointProperties, negative property assertions, blank nodes used
as properties otherwise than as a chain step `[ owl:inverseOf p ]`, a chain step through
owl:sameAs (its reflexive pairs reach literals), owl:sameAs on a literal or on a built-in (rdf:,
rdfs:, owl:, xsd:) term (equality.unmergeable), and resources typed with an XSD datatype (owlrl
adds the datatype's supertypes).

`unsupported_constructs` looks at the surface triples, before any rule runs, so that no rules
run in vain; `unsupported` makes the decision on the closure the rules computed, so a term
counts for what it is after reasoning: a class declared a subclass of owl:FunctionalProperty
makes its members functional properties, and sends the graph to owlrl.
"""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.axioms import OWL_RL_DATATYPES
from clusterkg.reasoning.rules.chains import chain_steps
from clusterkg.reasoning.rules.graphs import PREFIXES, GraphName, Graphs
from clusterkg.vocabulary import OWL

# OWL constructs whose OWL 2 RL rules are not implemented here (restrictions, class expressions,
# functional properties, keys, list-valued disjointness): their presence sends reasoning to owlrl.
UNSUPPORTED_PREDICATES = [
    "distinctMembers",
    "hasKey",
    "someValuesFrom",
    "allValuesFrom",
    "hasValue",
    "onProperty",
    "maxCardinality",
    "maxQualifiedCardinality",
    "intersectionOf",
    "unionOf",
    "complementOf",
    "oneOf",
    "sourceIndividual",
    "members",
    "onClass",
    "onDataRange",
]
UNSUPPORTED_CLASSES = [
    "FunctionalProperty",
    "InverseFunctionalProperty",
    "AllDifferent",
    "AllDisjointClasses",
    "AllDisjointProperties",
    "NegativePropertyAssertion",
    "Restriction",
]

# Blank nodes standing for properties (owlrl derives triples with them as predicates and removes
# those at the end); only a chain step `[ owl:inverseOf p ]` is understood here.
BLANK_PROPERTIES = f"""{PREFIXES}
ASK {{
  {{ ?b rdfs:subPropertyOf|^rdfs:subPropertyOf|owl:inverseOf|^owl:inverseOf ?x FILTER(?x != ?b) }}
  UNION {{ ?b owl:propertyChainAxiom ?l }}
  UNION {{ ?b a owl:SymmetricProperty }} UNION {{ ?b a owl:TransitiveProperty }}
  FILTER(isBlank(?b))
  FILTER NOT EXISTS {{ ?list rdf:first ?b }}
}}"""
_DATATYPES = " ".join(f"<{d}>" for d in OWL_RL_DATATYPES)
RESOURCE_DATATYPES = (
    f"{PREFIXES}ASK {{ ?x a ?d FILTER(!isLiteral(?x)) VALUES ?d {{ {_DATATYPES} }} }}"
)


def unsupported_constructs(store: LocalStore, graph: ox.NamedNode | list[GraphName]) -> list[str]:
    """The OWL terms used in `graph` that these rules do not implement (none: the rules may
    run; materialise checks the closure again)."""
    predicates = " ".join(f"owl:{name}" for name in UNSUPPORTED_PREDICATES)
    classes = " ".join(f"owl:{name}" for name in UNSUPPORTED_CLASSES)
    query = f"""{PREFIXES}
SELECT DISTINCT ?term WHERE {{
  {{ VALUES ?term {{ {predicates} }} ?s ?term ?o }}
  UNION {{ VALUES ?term {{ {classes} }} ?s a ?term }}
}} ORDER BY ?term"""
    rows = store.query(query, default_graph=graph)
    assert isinstance(rows, ox.QuerySolutions)
    return [str(row["term"].value) for row in rows]


def unsupported(store: LocalStore, g: Graphs, asserted: ox.NamedNode) -> list[str]:
    """What in the closure the rules do not implement: OWL terms, complex chain steps, blank
    node properties; and resources typed with a datatype in the asserted graph (owlrl reads
    those from the asserted triples only)."""
    found = unsupported_constructs(store, g.read())
    chains = store.query(
        f"{PREFIXES}SELECT ?p ?list WHERE {{ ?p owl:propertyChainAxiom ?list }}",
        default_graph=g.read(),
    )
    assert isinstance(chains, ox.QuerySolutions)
    for row in chains:
        if not isinstance(row["p"], ox.NamedNode) or chain_steps(store, g, row["list"]) is None:
            found.append(OWL + "propertyChainAxiom (a step that is not a property or its inverse)")
            break
    if store.query(BLANK_PROPERTIES, default_graph=g.read()):
        found.append("a blank node used as a property")
    if store.query(RESOURCE_DATATYPES, default_graph=asserted):
        found.append("a resource typed with a datatype")
    return found
