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

# Rules on the facts: (name, ontology pattern, fact patterns, head[, condition]). Reflexive
# subPropertyOf/subClassOf pairs are skipped: they would only re-derive what is there.
# prp-eqp and cax-eqc need no rule of their own: scm-eqp1 and scm-eqc1 have already turned each
# equivalence into two subsumptions.
PROPERTY_RULES: list[tuple[str, str, tuple[str, ...], str, str | None]] = [
    ("prp-spo1", "?p rdfs:subPropertyOf ?q", ("?x ?p ?y",), "?x ?q ?y", "?p != ?q"),
    ("prp-inv1", "?p owl:inverseOf ?q", ("?x ?p ?y",), "?y ?q ?x", None),
    ("prp-inv2", "?p owl:inverseOf ?q", ("?x ?q ?y",), "?y ?p ?x", None),
    ("prp-symp", "?p a owl:SymmetricProperty", ("?x ?p ?y",), "?y ?p ?x", None),
    ("prp-trp", "?p a owl:TransitiveProperty", ("?x ?p ?y", "?y ?p ?z"), "?x ?p ?z", None),
]
# In this order one pass is complete: cax-sco closes the types there are, and the domains and
# ranges are already closed under subclasses (scm-dom1, scm-rng1), so what prp-dom and prp-rng
# derive needs no cax-sco after them. (cax-sco first also spares it the million types they add.)
TYPE_RULES = [
    ("cax-sco", "?a rdfs:subClassOf ?b . ?x a ?a", "?x a ?b", "?a != ?b"),
    ("prp-dom", "?p rdfs:domain ?c . ?x ?p ?y", "?x a ?c"),
    ("prp-rng", "?p rdfs:range ?c . ?x ?p ?y", "?y a ?c"),
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


@dataclass(frozen=True)
class Graphs:
    """The named graphs reasoning reads and writes. Each semi-naive pass writes a graph of its
    own (`passes`); they exist only while reasoning runs and are copied into `inferred` once,
    at the end, rather than moved about after every pass."""

    asserted: str
    inferred: str
    passes: tuple[str, ...] = ()

    def next_pass(self) -> Graphs:
        return Graphs(self.asserted, self.inferred, (*self.passes, self.pass_graph))

    @property
    def pass_graph(self) -> str:
        """Where the current pass writes."""
        return f"{self.inferred}#pass-{len(self.passes) + 1}"

    @property
    def delta(self) -> str:
        """What the previous pass derived."""
        return self.passes[-1]

    def dataset(self) -> str:
        """USING clauses: rule bodies read the asserted, inferred and earlier pass graphs as one
        default graph (twice as fast as GRAPH ?g with VALUES in Oxigraph) and may name them."""
        read = [self.asserted, self.inferred, *self.passes]
        return " ".join([f"USING <{g}>" for g in read] + [f"USING NAMED <{g}>" for g in read])


def materialise(
    store: ox.Store,
    asserted: ox.NamedNode,
    inferred: ox.NamedNode,
    report: Callable[[str], None] | None = None,
) -> int:
    """Add to `inferred` every triple the OWL 2 RL rules above entail from `asserted` (and not
    already asserted). Returns the number of inferred triples."""
    graphs = Graphs(asserted.value, inferred.value)
    _run(store, _axioms(inferred))
    _run(store, _drop_asserted(graphs))
    rounds = 0
    while True:
        rounds += 1
        _fixpoint(store, [_rule(r, graphs) for r in SCHEMA_RULES], inferred)
        _seminaive(store, _property_rules(store), graphs)
        schema_types = _schema_types(store, inferred)
        for rule in TYPE_RULES:
            _run(store, _rule(rule, graphs).update)
        if report:
            report(f"round {rounds}: {count(store, inferred)} inferred")
        # The type rules derive only rdf:type triples; another round can find more only if one
        # of them typed an ontology term (a class or property), which feeds the schema rules.
        if _schema_types(store, inferred) == schema_types:
            break
    return count(store, inferred)


def _axioms(inferred: ox.NamedNode) -> str:
    triples = ["owl:Thing a owl:Class .", "owl:Nothing a owl:Class ."]
    triples += [f"<{p}> a owl:AnnotationProperty ." for p in ANNOTATION_PROPERTIES]
    triples += [f"<{d}> a rdfs:Datatype ." for d in OWL_RL_DATATYPES]
    return f"{PREFIXES}INSERT DATA {{ GRAPH <{inferred.value}> {{ {' '.join(triples)} }} }}"


def _drop_asserted(graphs: Graphs) -> str:
    """Remove from the inferred graph what is asserted too (here: axioms the ontology states)."""
    a, i = graphs.asserted, graphs.inferred
    return (
        f"DELETE {{ GRAPH <{i}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{i}> {{ ?s ?p ?o }} GRAPH <{a}> {{ ?s ?p ?o }} }}"
    )


def _rule(rule: tuple[str, ...], graphs: Graphs) -> Rule:
    """INSERT head INTO inferred WHERE body (triple patterns joined by " . "), matched in the
    asserted and inferred graphs together, unless the head is asserted already."""
    name, body, head, *condition = rule
    patterns = [f"{p.strip()} ." for p in body.split(" . ")]
    if condition:
        patterns.insert(1, f"FILTER({condition[0]})")
    patterns.append(f"FILTER NOT EXISTS {{ GRAPH <{graphs.asserted}> {{ {head} }} }}")
    where = "\n  ".join(patterns)
    update = (
        f"{PREFIXES}INSERT {{ GRAPH <{graphs.inferred}> {{ {head} }} }}\n"
        f"{graphs.dataset()}\nWHERE {{\n  {where}\n}}"
    )
    return Rule(name, update)


def _property_rules(store: ox.Store) -> list[tuple[str, str, tuple[str, ...], str, str | None]]:
    """The fixed property rules plus one rule per owl:propertyChainAxiom (prp-spo2)."""
    rules = list(PROPERTY_RULES)
    for number, (prop, chain) in enumerate(_chains(store)):
        steps = tuple(f"?u{i} <{p}> ?u{i + 1}" for i, p in enumerate(chain))
        rules.append((f"prp-spo2-{number}", "", steps, f"?u0 <{prop}> ?u{len(chain)}", None))
    return rules


def _seminaive(
    store: ox.Store, rules: list[tuple[str, str, tuple[str, ...], str, str | None]], g: Graphs
) -> None:
    """Apply the property rules until nothing new is derived, semi-naively: after the first
    pass, each rule joins with the triples the previous pass derived (the delta) for one of its
    fact patterns, so a pass costs what it derives, not the size of the graph."""
    while True:
        for rule in rules:
            for update in _variants(rule, g):
                _run(store, update)
        if not store.query(f"ASK {{ GRAPH <{g.pass_graph}> {{ ?s ?p ?o }} }}"):
            break
        g = g.next_pass()
    for graph in g.passes:
        _run(store, f"ADD <{graph}> TO <{g.inferred}>")
        _run(store, f"DROP SILENT GRAPH <{graph}>")
    _run(store, f"DROP SILENT GRAPH <{g.pass_graph}>")


def _variants(rule: tuple[str, str, tuple[str, ...], str, str | None], g: Graphs) -> list[str]:
    """The updates of one rule for one pass: on the first, every fact pattern reads all facts;
    later, one update per fact pattern, that pattern reading only the delta."""
    _name, schema, data, head, condition = rule
    delta_positions: list[int | None] = list(range(len(data))) if g.passes else [None]
    updates = []
    for delta_at in delta_positions:
        where = [f"{schema} ."] if schema else []
        for i, pattern in enumerate(data):
            if i == delta_at:
                where.append(f"GRAPH <{g.delta}> {{ {pattern} }}")
            else:
                where.append(f"{pattern} .")
        if condition:
            where.append(f"FILTER({condition})")
        where.append(f"FILTER NOT EXISTS {{ {head} }}")  # in none of the graphs read
        body = "\n  ".join(where)
        updates.append(
            f"{PREFIXES}INSERT {{ GRAPH <{g.pass_graph}> {{ {head} }} }}\n"
            f"{g.dataset()}\nWHERE {{\n  {body}\n}}"
        )
    return updates


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
        before = count(store, inferred)
        for rule in rules:
            _run(store, rule.update)
        if count(store, inferred) == before:
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


def count(store: ox.Store, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph of the store."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    value = next(iter(rows))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def _run(store: ox.Store, update: str) -> None:
    store.update(update)
