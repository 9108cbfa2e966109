"""The rule table: the OWL 2 RL rules that run as SPARQL updates, written as triple patterns.

Two families. The schema rules (scm-*) close the ontology itself and are run naively to a
fixpoint (the ontology is small); the rules on the facts (prp-*, cax-*) run semi-naively, see
fixpoint.py. Property chains (prp-spo2) add one fact rule per chain (chains.py); transitive
properties (prp-trp), equality (eq-*) and the inconsistency rules are not rules here: see
transitive.py, equality.py and inconsistencies.py.
"""

from __future__ import annotations

from typing import NamedTuple

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.graphs import PREFIXES, Graphs


class SchemaRule(NamedTuple):
    name: str
    body: str  # triple patterns joined by " . "
    head: str
    condition: str | None


# owlrl's conditions on the schema rules: it skips them on reflexive pairs, so e.g. a cycle of
# two undeclared classes does not make each a subclass of itself.
OWLRL_CONDITIONS = {
    "scm-sco": "?a != ?b && ?a != ?c",
    "scm-eqc1-a": "?a != ?b",
    "scm-eqc1-b": "?a != ?b",
    "scm-spo": "?p != ?q && ?p != ?r",
    "scm-eqp1-a": "?p != ?q",
    "scm-eqp1-b": "?p != ?q",
    "scm-eqp2": "?p != ?q",
}


def _schema_rules(table: str) -> list[SchemaRule]:
    """The rules of a table written a rule a line: name, body => head."""
    rules = []
    for line in table.strip().splitlines():
        name, rule = line.split(maxsplit=1)
        body, head = (part.strip() for part in rule.split("=>"))
        rules.append(SchemaRule(name, body, head, OWLRL_CONDITIONS.get(name)))
    return rules


# Schema rules (scm-*): they close the ontology itself. Their bodies match the base and inferred
# graphs; their heads go to the inferred graph. scm-rdfp-* are owlrl's addition.
SCHEMA_RULES = _schema_rules("""
scm-cls-1   ?c a owl:Class                                       => ?c rdfs:subClassOf ?c
scm-cls-2   ?c a owl:Class                                       => ?c owl:equivalentClass ?c
scm-cls-3   ?c a owl:Class                                       => ?c rdfs:subClassOf owl:Thing
scm-cls-4   ?c a owl:Class                                       => owl:Nothing rdfs:subClassOf ?c
scm-sco     ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c        => ?a rdfs:subClassOf ?c
scm-eqc1-a  ?a owl:equivalentClass ?b                            => ?a rdfs:subClassOf ?b
scm-eqc1-b  ?a owl:equivalentClass ?b                            => ?b rdfs:subClassOf ?a
scm-eqc2    ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a        => ?a owl:equivalentClass ?b
scm-op-1    ?p a owl:ObjectProperty                              => ?p rdfs:subPropertyOf ?p
scm-op-2    ?p a owl:ObjectProperty                              => ?p owl:equivalentProperty ?p
scm-dp-1    ?p a owl:DatatypeProperty                            => ?p rdfs:subPropertyOf ?p
scm-dp-2    ?p a owl:DatatypeProperty                            => ?p owl:equivalentProperty ?p
scm-rdfp-1  ?p a rdf:Property                                    => ?p rdfs:subPropertyOf ?p
scm-rdfp-2  ?p a rdf:Property                                    => ?p owl:equivalentProperty ?p
scm-spo     ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r  => ?p rdfs:subPropertyOf ?r
scm-eqp1-a  ?p owl:equivalentProperty ?q                         => ?p rdfs:subPropertyOf ?q
scm-eqp1-b  ?p owl:equivalentProperty ?q                         => ?q rdfs:subPropertyOf ?p
scm-eqp2    ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p  => ?p owl:equivalentProperty ?q
scm-dom1    ?p rdfs:domain ?a . ?a rdfs:subClassOf ?b            => ?p rdfs:domain ?b
scm-dom2    ?q rdfs:domain ?c . ?p rdfs:subPropertyOf ?q         => ?p rdfs:domain ?c
scm-rng1    ?p rdfs:range ?a . ?a rdfs:subClassOf ?b             => ?p rdfs:range ?b
scm-rng2    ?q rdfs:range ?c . ?p rdfs:subPropertyOf ?q          => ?p rdfs:range ?c
""")

# Rules on the facts: (name, ontology pattern, fact patterns, head, condition). Reflexive
# subPropertyOf/subClassOf pairs are skipped: they would only re-derive what is there.
# prp-eqp and cax-eqc need no rule of their own: scm-eqp1 and scm-eqc1 have already turned each
# equivalence into two subsumptions. prp-trp is not a rule here: see transitive.py.
# The type rules run in the same semi-naive loop as the property rules, so a property chain
# through rdf:type sees the types they derive, and they see what the chain derives.
FactRule = tuple[str, str, tuple[str, ...], str, "str | None"]
PROPERTY_RULES: list[FactRule] = [
    ("prp-spo1", "?p rdfs:subPropertyOf ?q", ("?x ?p ?y",), "?x ?q ?y", "?p != ?q"),
    # a blank node inverse (a chain step) has no triples of its own: owlrl removes them
    ("prp-inv1", "?p owl:inverseOf ?q", ("?x ?p ?y",), "?y ?q ?x", "isIRI(?q)"),
    ("prp-inv2", "?p owl:inverseOf ?q", ("?x ?q ?y",), "?y ?p ?x", "isIRI(?p)"),
    ("prp-symp", "?p a owl:SymmetricProperty", ("?x ?p ?y",), "?y ?p ?x", None),
    ("cax-sco", "?a rdfs:subClassOf ?b", ("?x a ?a",), "?x a ?b", "?a != ?b"),
    ("prp-dom", "?p rdfs:domain ?c", ("?x ?p ?y",), "?x a ?c", None),
    ("prp-rng", "?p rdfs:range ?c", ("?x ?p ?y",), "?y a ?c", None),
]

# The type rules write to a graph of their own, which cax-sco need not read next pass: what it
# would derive from their types is derived in the same pass already, since subclasses, domains
# and ranges are closed under rdfs:subClassOf by the schema rules (scm-sco, scm-dom1, scm-rng1).
# The other rules read it (a chain through rdf:type needs every type).
TYPE_RULES = ("cax-sco", "prp-dom", "prp-rng")

# What the schema rules and the rule set itself are made of: when reasoning derives one of these
# (a data file may make a property a subproperty of rdfs:subClassOf), everything is rerun.
SCHEMA_PREDICATES = [
    "rdfs:subClassOf",
    "rdfs:subPropertyOf",
    "rdfs:domain",
    "rdfs:range",
    "owl:equivalentClass",
    "owl:equivalentProperty",
    "owl:inverseOf",
    "owl:propertyChainAxiom",
    "rdf:first",
    "rdf:rest",
]
SCHEMA_TYPES = [
    "owl:Class",
    "owl:ObjectProperty",
    "owl:DatatypeProperty",
    "rdf:Property",
    "owl:SymmetricProperty",
    "owl:TransitiveProperty",
]

# Whether a fact rule other than cax-sco joins with the triples of a property: it has a
# superproperty, a domain, a range, an inverse, is symmetric or a step of a chain.
READ_BY_RULES = f"""{PREFIXES}
ASK {{
  {{ ?prop rdfs:subPropertyOf ?q FILTER(?q != ?prop) }}
  UNION {{ ?prop rdfs:domain|rdfs:range|owl:inverseOf|^owl:inverseOf ?c }}
  UNION {{ ?prop a owl:SymmetricProperty }}
  UNION {{ ?list rdf:first ?prop }}
}}"""


def read_by_rules(store: LocalStore, g: Graphs, prop: str) -> bool:
    """Whether a fact rule reads the triples of `prop` (cax-sco reads rdf:type: asked apart)."""
    return bool(store.query(READ_BY_RULES.replace("?prop", f"<{prop}>"), default_graph=g.read()))


def schema_count(store: LocalStore, g: Graphs) -> int:
    """How many inferred triples say something the schema rules or the rule set read."""
    query = f"""{PREFIXES}
SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g.inferred}> {{
  {{ ?s ?p ?o VALUES ?p {{ {" ".join(SCHEMA_PREDICATES)} }} }}
  UNION {{ ?s a ?o VALUES ?o {{ {" ".join(SCHEMA_TYPES)} }} }} }} }}"""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)
