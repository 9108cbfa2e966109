"""OWL 2 RL reasoning run as SPARQL updates inside the Oxigraph store: the fast path.

owlrl (the reference) walks every triple in Python and needs minutes at 100 k triples. Here each
OWL 2 RL rule is one SPARQL update that Oxigraph evaluates as a join inside Rust, repeated
semi-naively until nothing new is derived. Three things are not done by rules, because a rule
would cost far more than the answer or is not the right tool:

- transitive properties (prp-trp): the closure of each one is computed by a graph search over its
  edges and inserted at once (a rule needs one pass per doubling of path length, each reading
  everything derived so far);
- equality (owl:sameAs, eq-*): nodes found equal are merged into one representative (union-find)
  and the graph is rewritten in those terms, so rules fire once per class, not once per member
  (owlrl's eq-rep-* rules fire n³ times on n equal nodes); at the end every triple about a
  representative is expanded back to all members of its class, and the classes to sameAs pairs;
- the inconsistency rules are queries run on the closure (eq-diff1, cax-dw, cls-nothing2, prp-irp,
  prp-asyp, prp-pdw): a contradiction is reported, never written into the graph.

What the rules run themselves: rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range,
owl:equivalentClass, owl:equivalentProperty, owl:inverseOf, owl:SymmetricProperty,
owl:TransitiveProperty, owl:propertyChainAxiom (steps that are properties, or blank nodes
`[ owl:inverseOf p ]`), owl:sameAs (asserted or derived, e.g. through a subproperty of it),
owl:differentFrom, owl:disjointWith, owl:propertyDisjointWith, owl:IrreflexiveProperty,
owl:AsymmetricProperty, and the schema (scm-*) and axiomatic rules owlrl applies, with owlrl's
choices where it departs from the specification (it derives no reflexive subClassOf,
subPropertyOf or equivalentProperty from cycles or from reflexive equivalences, and gives
rdf:Property the reflexive triples of owl:ObjectProperty; and it adds owl:disjointWith between
the top datatypes the literals use).

What sends reasoning to owlrl (`unsupported`): restrictions and class expressions (owl:Restriction,
onProperty, someValuesFrom, allValuesFrom, hasValue, maxCardinality, intersectionOf, unionOf,
complementOf, oneOf), functional and inverse-functional properties, keys, owl:AllDifferent,
owl:AllDisjointClasses, owl:AllDisjointProperties, negative property assertions, blank nodes used
as properties otherwise than as a chain step `[ owl:inverseOf p ]`, a chain step through
owl:sameAs (its reflexive pairs reach literals), owl:sameAs on a literal or on
a built-in (rdf:, rdfs:, owl:, xsd:) term, and resources typed with an XSD datatype (owlrl adds
the datatype's supertypes). The check is made on the closure the rules computed, not on the
surface triples, so a term counts for what it is after reasoning: a class declared a subclass of
owl:FunctionalProperty makes its members functional properties, and sends the graph to owlrl.

The closure equals owlrl's (as reasoning.py filters it: no literal subjects, no reflexive sameAs);
tests/test_reasoning_parity.py checks it construct by construct.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.consistency import Inconsistency, named

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SAME_AS = ox.NamedNode(OWL + "sameAs")
BUILT_IN = (RDF, RDFS, OWL, XSD)

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

# Schema rules (scm-*): they close the ontology itself. Each is (name, body, head[, condition]);
# patterns match the base and inferred graphs, the head goes to the inferred graph. The
# conditions are owlrl's: it skips these rules on reflexive pairs, so e.g. a cycle of two
# undeclared classes does not make each a subclass of itself.
SCHEMA_RULES = [
    ("scm-cls-1", "?c a owl:Class", "?c rdfs:subClassOf ?c"),
    ("scm-cls-2", "?c a owl:Class", "?c owl:equivalentClass ?c"),
    ("scm-cls-3", "?c a owl:Class", "?c rdfs:subClassOf owl:Thing"),
    ("scm-cls-4", "?c a owl:Class", "owl:Nothing rdfs:subClassOf ?c"),
    (
        "scm-sco",
        "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c",
        "?a rdfs:subClassOf ?c",
        "?a != ?b && ?a != ?c",
    ),
    ("scm-eqc1-a", "?a owl:equivalentClass ?b", "?a rdfs:subClassOf ?b", "?a != ?b"),
    ("scm-eqc1-b", "?a owl:equivalentClass ?b", "?b rdfs:subClassOf ?a", "?a != ?b"),
    ("scm-eqc2", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a", "?a owl:equivalentClass ?b"),
    ("scm-op-1", "?p a owl:ObjectProperty", "?p rdfs:subPropertyOf ?p"),
    ("scm-op-2", "?p a owl:ObjectProperty", "?p owl:equivalentProperty ?p"),
    ("scm-dp-1", "?p a owl:DatatypeProperty", "?p rdfs:subPropertyOf ?p"),
    ("scm-dp-2", "?p a owl:DatatypeProperty", "?p owl:equivalentProperty ?p"),
    ("scm-rdfp-1", "?p a rdf:Property", "?p rdfs:subPropertyOf ?p"),  # owlrl's addition
    ("scm-rdfp-2", "?p a rdf:Property", "?p owl:equivalentProperty ?p"),
    (
        "scm-spo",
        "?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r",
        "?p rdfs:subPropertyOf ?r",
        "?p != ?q && ?p != ?r",
    ),
    ("scm-eqp1-a", "?p owl:equivalentProperty ?q", "?p rdfs:subPropertyOf ?q", "?p != ?q"),
    ("scm-eqp1-b", "?p owl:equivalentProperty ?q", "?q rdfs:subPropertyOf ?p", "?p != ?q"),
    (
        "scm-eqp2",
        "?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p",
        "?p owl:equivalentProperty ?q",
        "?p != ?q",
    ),
    ("scm-dom1", "?p rdfs:domain ?a . ?a rdfs:subClassOf ?b", "?p rdfs:domain ?b"),
    ("scm-dom2", "?q rdfs:domain ?c . ?p rdfs:subPropertyOf ?q", "?p rdfs:domain ?c"),
    ("scm-rng1", "?p rdfs:range ?a . ?a rdfs:subClassOf ?b", "?p rdfs:range ?b"),
    ("scm-rng2", "?q rdfs:range ?c . ?p rdfs:subPropertyOf ?q", "?p rdfs:range ?c"),
]

# Rules on the facts: (name, ontology pattern, fact patterns, head, condition). Reflexive
# subPropertyOf/subClassOf pairs are skipped: they would only re-derive what is there.
# prp-eqp and cax-eqc need no rule of their own: scm-eqp1 and scm-eqc1 have already turned each
# equivalence into two subsumptions. prp-trp is not a rule here: see _transitive_closures.
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

PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX owl: <{OWL}>\nPREFIX xsd: <{XSD}>\n"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class Rule:
    name: str
    update: str


@dataclass
class Outcome:
    """What materialise did: the inferred triples' count, or why the rules cannot reason over
    this graph (then nothing is left in the inferred graph), and the contradictions found."""

    inferred: int = 0
    unsupported: list[str] = field(default_factory=list)
    inconsistencies: list[Inconsistency] = field(default_factory=list)


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


@dataclass(frozen=True)
class Graphs:
    """The named graphs reasoning reads and writes. `base` is the asserted graph, or a copy of
    it rewritten in terms of representatives once owl:sameAs has merged nodes. A pass of the
    semi-naive loop writes what it derives both to `inferred` and to `new` (`new_types` for the
    type rules); the next pass joins with those as its `delta`: two scratch graphs swap roles
    from pass to pass, so nothing is copied and every pass reads the same few graphs."""

    base: str
    inferred: str
    flip: bool = False

    @property
    def delta(self) -> str:
        return f"{self.inferred}#{'b' if self.flip else 'a'}"

    @property
    def new(self) -> str:
        return f"{self.inferred}#{'a' if self.flip else 'b'}"

    @property
    def delta_types(self) -> str:
        return f"{self.delta}-types"

    @property
    def new_types(self) -> str:
        return f"{self.new}-types"

    @property
    def canonical(self) -> str:
        return f"{self.inferred}#canonical"

    def next_pass(self) -> Graphs:
        return Graphs(self.base, self.inferred, not self.flip)

    def scratch(self) -> list[str]:
        return [self.delta, self.delta_types, self.new, self.new_types, self.canonical]

    def read(self) -> list[GraphName]:
        return [ox.NamedNode(self.base), ox.NamedNode(self.inferred)]

    def dataset(self) -> str:
        """USING clauses: rule bodies read base and inferred as one default graph (twice as fast
        as GRAPH ?g with VALUES in Oxigraph) and may name them and the deltas."""
        read = [self.base, self.inferred]
        named_graphs = [*read, self.delta, self.delta_types]
        return " ".join(
            [f"USING <{g}>" for g in read] + [f"USING NAMED <{g}>" for g in named_graphs]
        )


def materialise(
    store: LocalStore,
    asserted: ox.NamedNode,
    inferred: ox.NamedNode,
    report: Callable[[str], None] | None = None,
) -> Outcome:
    """Add to `inferred` every triple the OWL 2 RL rules entail from `asserted` (and not already
    asserted), unless the closure shows constructs the rules lack (Outcome.unsupported)."""
    g = Graphs(asserted.value, inferred.value)
    _run(store, _axioms(inferred))
    _add_datatype_disjointness(store, asserted, inferred)
    _run(store, _drop_asserted(g.base, g.inferred))
    partition = Partition()
    try:
        g, refused = _close_under_equality(store, g, partition, report)
        refused = refused or _unsupported(store, g, asserted)
        if refused:
            return _refuse(store, g, refused)
        found = _inconsistencies(store, g, partition)
        if g.base != asserted.value:
            _expand(store, g, partition, asserted)
        _run(store, f"{PREFIXES}DELETE WHERE {{ GRAPH <{g.inferred}> {{ ?x owl:sameAs ?x }} }}")
    finally:
        _drop(store, g.scratch() + g.next_pass().scratch())
    return Outcome(count(store, inferred), [], found)


def _close_under_equality(
    store: LocalStore, g: Graphs, partition: Partition, report: Callable[[str], None] | None
) -> tuple[Graphs, list[str]]:
    """Reason until no new equality is found, merging the nodes found equal after each round
    (the first merge switches the base to a canonical copy of the asserted graph). Returns the
    graphs in use, and why the rules cannot go on (equalities they cannot merge), if so."""
    while True:
        _close(store, g, report)
        pairs = _same_as_pairs(store, g)
        if not pairs:
            if _reflexive_equality_matters(store, g) and _add_reflexive_same_as(store, g):
                continue
            return g, []
        refused = _unmergeable(pairs)
        if refused:
            return g, [refused]
        for a, b in pairs:
            partition.union(a, b)
        if g.base != g.canonical:
            _run(store, f"COPY <{g.base}> TO <{g.canonical}>")
            g = Graphs(g.canonical, g.inferred)
        _canonicalise(store, g.read(), partition.mapping())


def _drop(store: LocalStore, graphs: list[str]) -> None:
    for graph in graphs:
        _run(store, f"DROP SILENT GRAPH <{graph}>")


def _refuse(store: LocalStore, g: Graphs, why: list[str]) -> Outcome:
    _run(store, f"DROP SILENT GRAPH <{g.inferred}>")
    return Outcome(0, why, [])


def _close(store: LocalStore, g: Graphs, report: Callable[[str], None] | None) -> None:
    """Schema rules, then property and type rules, again while the latter derive schema."""
    rounds = 0
    while True:
        rounds += 1
        _fixpoint(store, [_rule(r, g) for r in SCHEMA_RULES], ox.NamedNode(g.inferred))
        schema = _schema_count(store, g)
        _seminaive(store, _fact_rules(store, g), _transitive(store, g), g)
        if report:
            report(f"round {rounds}: {count(store, ox.NamedNode(g.inferred))} inferred")
        if _schema_count(store, g) == schema:
            return


def _axioms(inferred: ox.NamedNode) -> str:
    triples = ["owl:Thing a owl:Class .", "owl:Nothing a owl:Class ."]
    triples += [f"<{p}> a owl:AnnotationProperty ." for p in ANNOTATION_PROPERTIES]
    triples += [f"<{d}> a rdfs:Datatype ." for d in OWL_RL_DATATYPES]
    return f"{PREFIXES}INSERT DATA {{ GRAPH <{inferred.value}> {{ {' '.join(triples)} }} }}"


# The datatypes owlrl counts as used by a literal of a datatype under them (its dt-type2 rule,
# owlrl.XsdDatatypes.OWL_Datatype_Subsumptions): between two used ones of these, it adds the
# owl:disjointWith triple of its table (owlrl.AxiomaticTriples.OWLRL_Datatypes_Disjointness).
_DATATYPE_FAMILIES = {
    "decimal": """decimal integer long int short byte nonNegativeInteger positiveInteger
        unsignedLong unsignedInt unsignedShort unsignedByte nonPositiveInteger negativeInteger""",
    "dateTime": "dateTime dateTimeStamp",
    "string": "normalizedString token language Name NCName NMTOKEN",  # xsd:string itself:
    # Oxigraph stores "x"^^xsd:string as the simple literal "x", which owlrl does not count
    "anyURI": "anyURI",
    "base64Binary": "base64Binary",
    "boolean": "boolean",
    "double": "double",
    "float": "float",
    "hexBinary": "hexBinary",
}
TOP_DATATYPES = {
    XSD + name: XSD + top for top, names in _DATATYPE_FAMILIES.items() for name in names.split()
}
TOP_DATATYPES[RDF + "XMLLiteral"] = RDF + "XMLLiteral"
TOP_DATATYPES[RDF + "PlainLiteral"] = RDF + "PlainLiteral"


def _add_datatype_disjointness(
    store: LocalStore, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> None:
    """owlrl's dt-diff axioms for the top datatypes the asserted literals use (rarely two)."""
    rows = store.query(
        "SELECT DISTINCT (DATATYPE(?o) AS ?d) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
        default_graph=asserted,
    )
    assert isinstance(rows, ox.QuerySolutions)
    used = {TOP_DATATYPES[d] for row in rows if (d := str(row["d"].value)) in TOP_DATATYPES}
    if len(used) < 2:
        return
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness  # the table, only when needed

    disjoint = ox.NamedNode(OWL + "disjointWith")
    store.extend(
        ox.Quad(ox.NamedNode(str(left)), disjoint, ox.NamedNode(str(right)), inferred)
        for left, _, right in OWLRL_Datatypes_Disjointness
        if str(left) in used and str(right) in used
    )


def _drop_asserted(asserted: str, inferred: str) -> str:
    """Remove from the inferred graph what is asserted too."""
    return (
        f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} GRAPH <{asserted}> {{ ?s ?p ?o }} }}"
    )


def _rule(rule: tuple[str, ...], graphs: Graphs) -> Rule:
    """INSERT head INTO inferred WHERE body (triple patterns joined by " . "), matched in the
    base and inferred graphs together, unless the head is in the base graph already."""
    name, body, head, *condition = rule
    patterns = [f"{p.strip()} ." for p in body.split(" . ")]
    if condition:
        patterns.append(f"FILTER({condition[0]})")
    patterns.append(f"FILTER NOT EXISTS {{ GRAPH <{graphs.base}> {{ {head} }} }}")
    where = "\n  ".join(patterns)
    update = (
        f"{PREFIXES}INSERT {{ GRAPH <{graphs.inferred}> {{ {head} }} }}\n"
        f"{graphs.dataset()}\nWHERE {{\n  {where}\n}}"
    )
    return Rule(name, update)


def _fact_rules(store: LocalStore, g: Graphs) -> list[FactRule]:
    """The fixed property and type rules plus one rule per owl:propertyChainAxiom (prp-spo2)."""
    rules = list(PROPERTY_RULES)
    for number, (prop, chain) in enumerate(_chains(store, g)):
        steps = tuple(
            f"?u{i + 1} <{p}> ?u{i}" if inverse else f"?u{i} <{p}> ?u{i + 1}"
            for i, (p, inverse) in enumerate(chain)
        )
        rules.append((f"prp-spo2-{number}", "", steps, f"?u0 <{prop}> ?u{len(chain)}", None))
    return rules


def _seminaive(store: LocalStore, rules: list[FactRule], transitive: list[str], g: Graphs) -> None:
    """Apply the fact rules until nothing new is derived, semi-naively: after the first pass,
    each rule joins with the triples the previous pass derived (the delta) for one of its fact
    patterns, so a pass costs what it derives, not the size of the graph."""
    _drop(store, g.scratch()[:4] + g.next_pass().scratch()[:4])  # left by an earlier round
    # Types derived by the type rules need no delta unless another rule reads rdf:type (see
    # TYPE_RULES): in most ontologies none does, and each triple is then written once.
    types_read = _read_by_rules(store, g, RDF + "type")
    first = True
    while True:
        for rule in rules:
            for update in _variants(rule, g, first, types_read):
                _run(store, update)
        _transitive_closures(store, transitive, g, first)
        if not store.query(
            f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ <{g.new}> <{g.new_types}> }} }}"
        ):
            return
        _drop(store, [g.delta, g.delta_types])
        g = g.next_pass()
        first = False


# The type rules write to a graph of their own, which cax-sco need not read next pass: what it
# would derive from their types is derived in the same pass already, since subclasses, domains
# and ranges are closed under rdfs:subClassOf by the schema rules (scm-sco, scm-dom1, scm-rng1).
# The other rules read it (a chain through rdf:type needs every type).
TYPE_RULES = ("cax-sco", "prp-dom", "prp-rng")


def _variants(rule: FactRule, g: Graphs, first: bool, types_read: bool = True) -> list[str]:
    """The updates of one rule for one pass: on the first, every fact pattern reads all facts;
    later, one update per fact pattern and delta graph, that pattern reading only the delta."""
    name, schema, data, head, condition = rule
    deltas = [g.delta] if name == "cax-sco" else [g.delta, g.delta_types]
    plans: list[tuple[int | None, str]] = (
        [(None, "")] if first else [(i, d) for i in range(len(data)) for d in deltas]
    )
    target = g.new if name not in TYPE_RULES else g.new_types if types_read else None
    updates = []
    for delta_at, delta in plans:
        where = [f"{schema} ."] if schema else []
        for i, pattern in enumerate(data):
            if i == delta_at:
                where.append(f"GRAPH <{delta}> {{ {pattern} }}")
            else:
                where.append(f"{pattern} .")
        if condition:
            where.append(f"FILTER({condition})")
        where.append(f"FILTER NOT EXISTS {{ {head} }}")  # in none of the graphs read
        body = "\n  ".join(where)
        delta_too = f"GRAPH <{target}> {{ {head} }} " if target else ""
        updates.append(
            f"{PREFIXES}INSERT {{ GRAPH <{g.inferred}> {{ {head} }} {delta_too}}}\n"
            f"{g.dataset()}\nWHERE {{\n  {body}\n}}"
        )
    return updates


def _transitive(store: LocalStore, g: Graphs) -> list[str]:
    rows = store.query(
        f"{PREFIXES}SELECT DISTINCT ?p WHERE {{ ?p a owl:TransitiveProperty FILTER(isIRI(?p)) }}",
        default_graph=g.read(),
    )
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(str(row["p"].value) for row in rows)


def _transitive_closures(store: LocalStore, properties: list[str], g: Graphs, first: bool) -> None:
    """prp-trp for each transitive property at once: a search from every node over the
    property's edges, the missing pairs written like a rule's. Done on the first pass,
    and again only when the rules derived new edges of the property, so its cost is that of
    the closure, not of the number of passes."""
    for prop in properties:
        if not first and not store.query(f"ASK {{ GRAPH <{g.new}> {{ ?x <{prop}> ?y }} }}"):
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
        if prop == RDF + "type" or _read_by_rules(store, g, prop):  # cax-sco reads rdf:type
            graphs.append(ox.NamedNode(g.new))
        store.extend(
            ox.Quad(start, predicate, end, graph)  # type: ignore[arg-type]
            for start, ends in successors.items()
            for end in _reachable(successors, start)
            if end not in ends
            for graph in graphs
        )


# Whether a fact rule other than cax-sco joins with the triples of a property: it has a
# superproperty, a domain, a range, an inverse, is symmetric or a step of a chain.
READ_BY_RULES = f"""{PREFIXES}
ASK {{
  {{ ?prop rdfs:subPropertyOf ?q FILTER(?q != ?prop) }}
  UNION {{ ?prop rdfs:domain|rdfs:range|owl:inverseOf|^owl:inverseOf ?c }}
  UNION {{ ?prop a owl:SymmetricProperty }}
  UNION {{ ?list rdf:first ?prop }}
}}"""


def _read_by_rules(store: LocalStore, g: Graphs, prop: str) -> bool:
    return bool(store.query(READ_BY_RULES.replace("?prop", f"<{prop}>"), default_graph=g.read()))


def _reachable(successors: dict[Term, set[Term]], start: Term) -> set[Term]:
    seen: set[Term] = set()
    todo = list(successors[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(successors.get(node, ()))
    return seen


def _chains(store: LocalStore, g: Graphs) -> list[tuple[str, list[tuple[str, bool]]]]:
    """Each property chain axiom: the property and its steps (property, inverse?)."""
    rows = store.query(
        f"{PREFIXES}SELECT ?p ?list WHERE {{ ?p owl:propertyChainAxiom ?list FILTER(isIRI(?p)) }}",
        default_graph=g.read(),
    )
    assert isinstance(rows, ox.QuerySolutions)
    chains = set()
    for row in rows:
        steps = _chain_steps(store, g, row["list"])
        if steps:
            chains.add((str(row["p"].value), tuple(steps)))
    return [(p, list(steps)) for p, steps in sorted(chains)]


def _chain_steps(store: LocalStore, g: Graphs, head: Term) -> list[tuple[str, bool]] | None:
    """The steps of a chain's list; None if a step is neither a property (other than
    owl:sameAs) nor `[ owl:inverseOf p ]` (_unsupported refuses such chains)."""
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


def _fixpoint(store: LocalStore, rules: list[Rule], inferred: ox.NamedNode) -> None:
    while True:
        before = count(store, inferred)
        for rule in rules:
            _run(store, rule.update)
        if count(store, inferred) == before:
            return


def _schema_count(store: LocalStore, g: Graphs) -> int:
    """How many inferred triples say something the schema rules or the rule set read."""
    query = f"""{PREFIXES}
SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g.inferred}> {{
  {{ ?s ?p ?o VALUES ?p {{ {" ".join(SCHEMA_PREDICATES)} }} }}
  UNION {{ ?s a ?o VALUES ?o {{ {" ".join(SCHEMA_TYPES)} }} }} }} }}"""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


# --- equality ---------------------------------------------------------------------------------


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


def _same_as_pairs(store: LocalStore, g: Graphs) -> list[tuple[Term, Term]]:
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


def _reflexive_equality_matters(store: LocalStore, g: Graphs) -> bool:
    return bool(store.query(SAME_AS_IN_RULES, default_graph=g.read()))


def _add_reflexive_same_as(store: LocalStore, g: Graphs) -> bool:
    """eq-ref for every node of the closure (literals cannot be subjects); True if any was new."""
    before = count(store, ox.NamedNode(g.inferred))
    _run(
        store,
        f"""{PREFIXES}INSERT {{ GRAPH <{g.inferred}> {{ ?t owl:sameAs ?t }} }}
{g.dataset()}
WHERE {{ {{ ?t ?p ?o }} UNION {{ ?s ?t ?o }} UNION {{ ?s ?p ?t FILTER(!isLiteral(?t)) }}
  FILTER NOT EXISTS {{ ?t owl:sameAs ?t }} }}""",
    )
    return count(store, ox.NamedNode(g.inferred)) != before


def _unmergeable(pairs: Iterable[tuple[Term, Term]]) -> str | None:
    """Why owlrl must handle these equalities: literals (owlrl gives them datatypes) or
    built-in terms (merging them would rewrite the rule set itself)."""
    for pair in pairs:
        for node in pair:
            if isinstance(node, ox.Literal):
                return "owl:sameAs on a literal"
            if isinstance(node, ox.NamedNode) and node.value.startswith(BUILT_IN):
                return f"owl:sameAs on the built-in term {node.value}"
    return None


def _canonicalise(store: LocalStore, graphs: list[GraphName], mapping: dict[Term, Term]) -> None:
    """Rewrite every triple that mentions a merged node in terms of representatives."""

    def canonical(term: Term) -> Term:
        return mapping.get(term, term)

    for graph in graphs:
        touched: set[ox.Quad] = set()
        for node in mapping:
            touched.update(store.quads_for_pattern(node, None, None, graph))
            touched.update(store.quads_for_pattern(None, None, node, graph))
            if isinstance(node, ox.NamedNode):
                touched.update(store.quads_for_pattern(None, node, None, graph))
        for quad in touched:
            store.remove(quad)
        store.extend(
            ox.Quad(canonical(q.subject), canonical(q.predicate), canonical(q.object), graph)  # type: ignore[arg-type]
            for q in touched
        )


def _expand(store: LocalStore, g: Graphs, partition: Partition, asserted: ox.NamedNode) -> None:
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


# --- inconsistencies --------------------------------------------------------------------------

# (rule, query over the closure, message): the OWL 2 RL inconsistency rules (section 4.3, the
# rules whose head is `false`) for the constructs the rules support.
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


def _inconsistencies(store: LocalStore, g: Graphs, partition: Partition) -> list[Inconsistency]:
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


# --- what the rules cannot do -----------------------------------------------------------------

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


def _unsupported(store: LocalStore, g: Graphs, asserted: ox.NamedNode) -> list[str]:
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
        if not isinstance(row["p"], ox.NamedNode) or _chain_steps(store, g, row["list"]) is None:
            found.append(OWL + "propertyChainAxiom (a step that is not a property or its inverse)")
            break
    if store.query(BLANK_PROPERTIES, default_graph=g.read()):
        found.append("a blank node used as a property")
    if store.query(RESOURCE_DATATYPES, default_graph=asserted):
        found.append("a resource typed with a datatype")
    return found


def count(store: LocalStore, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph of the store."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    value = next(iter(rows))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def _run(store: LocalStore, update: str) -> None:
    store.update(update)
