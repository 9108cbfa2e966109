"""OWL 2 RL reasoning run as SPARQL updates inside the Oxigraph store: the fast path.

owlrl (the reference) walks every triple in Python and needs minutes at 100 k triples. The
ontology only uses a few kinds of axiom, so here each OWL 2 RL rule those axioms can trigger is one
SPARQL update that Oxigraph evaluates as a join inside Rust, repeated until nothing new is derived.

The rules and axiomatic triples are those owlrl applies (same rule names as the OWL 2 RL profile,
section 4.3), so the two closures are equal; tests/test_reasoning_parity.py checks it. A graph that
uses any OWL construct outside this set is refused here (`unsupported_constructs`) and reasoned
with owlrl instead, so the answer never depends on which path ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# OWL constructs whose OWL 2 RL rules are not implemented here (equality, restrictions, class
# expressions, disjointness, keys): their presence sends reasoning to owlrl.
UNSUPPORTED_PREDICATES = [
    "sameAs",
    "differentFrom",
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
    "disjointWith",
    "propertyDisjointWith",
    "sourceIndividual",
    "members",
    "onClass",
    "onDataRange",
]
UNSUPPORTED_CLASSES = [
    "FunctionalProperty",
    "InverseFunctionalProperty",
    "IrreflexiveProperty",
    "AsymmetricProperty",
    "AllDifferent",
    "AllDisjointClasses",
    "AllDisjointProperties",
    "NegativePropertyAssertion",
    "Restriction",
]

# Axiomatic triples owlrl always adds: cls-thing, cls-nothing1, prp-ap and dt-type1 (for the
# datatypes OWL 2 RL supports, as listed in owlrl.XsdDatatypes.OWL_RL_Datatypes).
ANNOTATION_PROPERTIES = [
    RDFS + "label",
    RDFS + "comment",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
    OWL + "deprecated",
    OWL + "versionInfo",
    OWL + "priorVersion",
    OWL + "backwardCompatibleWith",
    OWL + "incompatibleWith",
]
_XSD_NAMES = """integer decimal nonNegativeInteger nonPositiveInteger negativeInteger
positiveInteger long int short byte unsignedLong unsignedInt unsignedShort unsignedByte float
double string normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary
anyURI dateTimeStamp dateTime time date"""
OWL_RL_DATATYPES = [XSD + name for name in _XSD_NAMES.split()]
OWL_RL_DATATYPES += [RDFS + "Literal", RDF + "XMLLiteral", RDF + "HTML", RDF + "langString"]
OWL_RL_DATATYPES += [RDF + "PlainLiteral"]

# Schema rules (scm-*): they close the ontology itself. Each is (name, body, head); patterns match
# any graph of the store, the head goes to the inferred graph.
SCHEMA_RULES = [
    ("scm-cls-1", "?c a owl:Class", "?c rdfs:subClassOf ?c"),
    ("scm-cls-2", "?c a owl:Class", "?c owl:equivalentClass ?c"),
    ("scm-cls-3", "?c a owl:Class", "?c rdfs:subClassOf owl:Thing"),
    ("scm-cls-4", "?c a owl:Class", "owl:Nothing rdfs:subClassOf ?c"),
    ("scm-sco", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c", "?a rdfs:subClassOf ?c"),
    ("scm-eqc1-a", "?a owl:equivalentClass ?b", "?a rdfs:subClassOf ?b"),
    ("scm-eqc1-b", "?a owl:equivalentClass ?b", "?b rdfs:subClassOf ?a"),
    ("scm-eqc2", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a", "?a owl:equivalentClass ?b"),
    ("scm-op-1", "?p a owl:ObjectProperty", "?p rdfs:subPropertyOf ?p"),
    ("scm-op-2", "?p a owl:ObjectProperty", "?p owl:equivalentProperty ?p"),
    ("scm-dp-1", "?p a owl:DatatypeProperty", "?p rdfs:subPropertyOf ?p"),
    ("scm-dp-2", "?p a owl:DatatypeProperty", "?p owl:equivalentProperty ?p"),
    ("scm-spo", "?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r", "?p rdfs:subPropertyOf ?r"),
    ("scm-eqp1-a", "?p owl:equivalentProperty ?q", "?p rdfs:subPropertyOf ?q"),
    ("scm-eqp1-b", "?p owl:equivalentProperty ?q", "?q rdfs:subPropertyOf ?p"),
    (
        "scm-eqp2",
        "?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p",
        "?p owl:equivalentProperty ?q",
    ),
    ("scm-dom1", "?p rdfs:domain ?a . ?a rdfs:subClassOf ?b", "?p rdfs:domain ?b"),
    ("scm-dom2", "?q rdfs:domain ?c . ?p rdfs:subPropertyOf ?q", "?p rdfs:domain ?c"),
    ("scm-rng1", "?p rdfs:range ?a . ?a rdfs:subClassOf ?b", "?p rdfs:range ?b"),
    ("scm-rng2", "?q rdfs:range ?c . ?p rdfs:subPropertyOf ?q", "?p rdfs:range ?c"),
]

# Rules on the facts. Reflexive subPropertyOf/subClassOf pairs are skipped: they would re-derive
# every asserted triple only to drop it again. prp-eqp and cax-eqc need no rule of their own:
# scm-eqp1 and scm-eqc1 have already turned each equivalence into two subsumptions.
PROPERTY_RULES = [
    ("prp-spo1", "?p rdfs:subPropertyOf ?q . ?x ?p ?y", "?x ?q ?y", "?p != ?q"),
    ("prp-inv1", "?p owl:inverseOf ?q . ?x ?p ?y", "?y ?q ?x"),
    ("prp-inv2", "?p owl:inverseOf ?q . ?x ?q ?y", "?y ?p ?x"),
    ("prp-symp", "?p a owl:SymmetricProperty . ?x ?p ?y", "?y ?p ?x"),
    ("prp-trp", "?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z", "?x ?p ?z"),
]
TYPE_RULES = [
    ("prp-dom", "?p rdfs:domain ?c . ?x ?p ?y", "?x a ?c"),
    ("prp-rng", "?p rdfs:range ?c . ?x ?p ?y", "?y a ?c"),
    ("cax-sco", "?a rdfs:subClassOf ?b . ?x a ?a", "?x a ?b", "?a != ?b"),
]

PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX owl: <{OWL}>\nPREFIX xsd: <{XSD}>\n"


@dataclass(frozen=True)
class Rule:
    name: str
    update: str


def unsupported_constructs(store: ox.Store, graph: ox.NamedNode) -> list[str]:
    """The OWL terms in `graph` these rules do not implement (none: the fast path is exact)."""
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


def materialise(
    store: ox.Store,
    asserted: ox.NamedNode,
    inferred: ox.NamedNode,
    report: Callable[[str], None] | None = None,
) -> int:
    """Add to `inferred` every triple the OWL 2 RL rules above entail from `asserted` (and not
    already asserted). Returns the number of inferred triples."""
    _run(store, _axioms(inferred))
    rounds = 0
    while True:
        rounds += 1
        _fixpoint(store, [_rule(r, inferred) for r in SCHEMA_RULES], inferred)
        _fixpoint(store, _property_rules(store, inferred), inferred)
        schema_types = _schema_types(store, inferred)
        # One pass in this order is complete: domains and ranges are already closed under
        # subclasses (scm-dom1, scm-rng1), and cax-sco then sees every type derived before it.
        for rule in TYPE_RULES:
            _run(store, _rule(rule, inferred).update)
        if report:
            report(f"round {rounds}: {_count(store, inferred)} inferred")
        # The type rules derive only rdf:type triples; another round can find more only if one
        # of them typed an ontology term (a class or property), which feeds the schema rules.
        if _schema_types(store, inferred) == schema_types:
            break
    a, i = asserted.value, inferred.value
    _run(
        store,
        f"DELETE {{ GRAPH <{i}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{a}> {{ ?s ?p ?o }} GRAPH <{i}> {{ ?s ?p ?o }} }}",
    )
    return _count(store, inferred)


def _axioms(inferred: ox.NamedNode) -> str:
    triples = ["owl:Thing a owl:Class .", "owl:Nothing a owl:Class ."]
    triples += [f"<{p}> a owl:AnnotationProperty ." for p in ANNOTATION_PROPERTIES]
    triples += [f"<{d}> a rdfs:Datatype ." for d in OWL_RL_DATATYPES]
    return f"{PREFIXES}INSERT DATA {{ GRAPH <{inferred.value}> {{ {' '.join(triples)} }} }}"


def _rule(rule: tuple[str, ...], inferred: ox.NamedNode) -> Rule:
    name, body, head, *condition = rule
    return Rule(name, _update(body, head, inferred, condition[0] if condition else None))


def _update(body: str, head: str, inferred: ox.NamedNode, condition: str | None = None) -> str:
    """INSERT head INTO inferred WHERE body (triple patterns joined by " . "), each pattern
    matched in any graph of the store: the union of asserted and inferred so far."""
    patterns = [f"GRAPH ?g{i} {{ {p.strip()} }}" for i, p in enumerate(body.split(" . "))]
    if condition:
        patterns.insert(1, f"FILTER({condition})")
    where = "\n  ".join(patterns)
    return f"{PREFIXES}INSERT {{ GRAPH <{inferred.value}> {{ {head} }} }}\nWHERE {{\n  {where}\n}}"


def _property_rules(store: ox.Store, inferred: ox.NamedNode) -> list[Rule]:
    """The fixed property rules plus one rule per owl:propertyChainAxiom (prp-spo2)."""
    rules = [_rule(r, inferred) for r in PROPERTY_RULES]
    for number, (prop, chain) in enumerate(_chains(store)):
        steps = " . ".join(f"?u{i} <{p}> ?u{i + 1}" for i, p in enumerate(chain))
        head = f"?u0 <{prop}> ?u{len(chain)}"
        rules.append(Rule(f"prp-spo2-{number}", _update(steps, head, inferred)))
    return rules


def _chains(store: ox.Store) -> list[tuple[str, list[str]]]:
    """Each property chain axiom: the property and the list of properties it chains."""
    rows = store.query(
        f"""{PREFIXES}
SELECT ?p ?list WHERE {{ GRAPH ?g {{ ?p owl:propertyChainAxiom ?list }} }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    chains = []
    for row in rows:
        members = _list_members(store, row["list"])
        if members:
            chains.append((str(row["p"].value), members))
    return [(p, list(m)) for p, m in sorted({(p, tuple(m)) for p, m in chains})]


def _list_members(store: ox.Store, head: ox.NamedNode | ox.BlankNode) -> list[str]:
    members: list[str] = []
    node: object = head
    first = ox.NamedNode(RDF + "first")
    rest = ox.NamedNode(RDF + "rest")
    nil = ox.NamedNode(RDF + "nil")
    while node != nil and len(members) < 100:
        items = [q.object for q in store.quads_for_pattern(node, first, None)]  # type: ignore[arg-type]
        nexts = [q.object for q in store.quads_for_pattern(node, rest, None)]  # type: ignore[arg-type]
        if not items or not nexts or not isinstance(items[0], ox.NamedNode):
            return []
        members.append(items[0].value)
        node = nexts[0]
    return members


def _fixpoint(store: ox.Store, rules: list[Rule], inferred: ox.NamedNode) -> None:
    while True:
        before = _count(store, inferred)
        for rule in rules:
            _run(store, rule.update)
        if _count(store, inferred) == before:
            return


def _schema_types(store: ox.Store, inferred: ox.NamedNode) -> int:
    """How many inferred rdf:type triples make a node a class or a property of some kind."""
    query = f"""{PREFIXES}
SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{inferred.value}> {{ ?x a ?c }}
  VALUES ?c {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:SymmetricProperty
              owl:TransitiveProperty }} }}"""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _run(store: ox.Store, update: str) -> None:
    store.update(update)
