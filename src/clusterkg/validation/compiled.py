"""SHACL validation compiled to SPARQL and run inside a pyoxigraph Store, with pySHACL's results.

pySHACL checks every constraint focus node by focus node, in Python, on an rdflib graph: seven
minutes at 140,000 triples, hours at two million. This module reads a shapes graph once and
compiles its constraints into SPARQL queries over all focus nodes at once, which Oxigraph runs on
the graph in the store: about 20 s at two million triples on two cores. Each constraint is one
query, except that the value tests of a shape (sh:class, sh:datatype, sh:pattern…) share one pass
over its values, with a flag per constraint. The results are the ones pySHACL 0.40 gives, with the
options clusterkg uses (inference none, advanced, allow warnings, no imports), on the same
triples: the same focus nodes, paths, values, constraint components, severities and messages,
rendered as pySHACL renders them.

    compiled = compile_shapes(Path("ontology/shapes.ttl"))      # or Turtle text, or an rdflib Graph
    results = compiled.validate(store, ox.NamedNode(ASSERTED))  # list[ShaclResult]

Compiled: node and property shapes with predicate paths; targets sh:targetClass (following
rdfs:subClassOf* in the data), implicit class targets, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf; sh:property, sh:class, sh:datatype, sh:nodeKind, sh:minCount, sh:maxCount,
sh:minLength, sh:maxLength, sh:pattern (+ sh:flags), sh:languageIn, sh:uniqueLang, sh:in, sh:or,
sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive, sh:qualifiedValueShape with
sh:qualifiedMinCount / sh:qualifiedMaxCount, SPARQL-based constraints (sh:sparql, sh:select,
sh:prefixes, sh:declare, sh:message templates) on node shapes, sh:severity, sh:deactivated,
sh:message, and pySHACL's own messages for shapes without one. Anything else in a shapes graph
(another sh: term, a complex path, a SPARQL query whose $this this module cannot bind by a join)
raises UnsupportedShapes when compiling, so that the caller can fall back to pySHACL: the compiler
is meant to be right for any shapes graph, and fast for ours.

Where SPARQL 1.1 and pySHACL differ, pySHACL is replicated:

* Checks pySHACL makes in Python (a literal's datatype with rdflib's notion of ill-typed literals,
  sh:pattern with Python's `re`, lengths and comparisons of literals as rdflib normalises them,
  sh:in with rdflib's term equality) are compiled to a fast SPARQL test that is only ever true
  when pySHACL's check passes, and failing that, a Python function registered with the query
  (an Oxigraph custom function) that makes pySHACL's check exactly. The Python function only sees
  the rare values the fast test cannot vouch for (usually the violations themselves): the two are
  chained with IF, as Oxigraph may evaluate the operands of || and && in either order.
* A SPARQL-based constraint's $this is not pre-bound once per focus node (pySHACL's way): the
  focus nodes are joined into the query's WHERE group, which is the same thing when $this occurs
  only in that group itself or in the FILTER / BIND expressions of that group; other queries
  raise UnsupportedShapes. The query itself runs in Oxigraph rather than in rdflib's engine: both
  implement SPARQL 1.1, but REGEX in a query is Rust's regex there, Python's re here, and a
  query computing on the lexical form of a non-canonical typed literal ("007"^^xsd:integer) sees
  it as written, where rdflib sees its normalised form ("7").
* "Instance of C" (sh:targetClass, sh:class) is rdf:type/rdfs:subClassOf* C in the data graph, as
  for pySHACL; validate() first asks the store for the subclasses of every class used, then joins
  rdf:type with that list, which Oxigraph runs far faster than the property path.
* Reported values are literals as rdflib normalises them, as pySHACL reports them.
* Messages: sh:message values as they are (pySHACL does not substitute {$this} in the messages of
  core constraints); in SPARQL-based constraints {$this}, {?value}, {?path} and the other selected
  variables are substituted the way pySHACL does it (re.sub, in the same order); shapes without
  sh:message get the messages pySHACL generates, by calling pySHACL's own message code (rendered
  with the shapes graph's prefixes and, for data nodes, with `data_namespaces`).

Known differences that no compiler can see: the store keeps RDF 1.1 terms ("a" and "a"^^xsd:string
are one term, language tags are lower case), where rdflib keeps "a" and "a"^^xsd:string apart; and
in a SPARQL-based constraint an ill-typed literal ("x"^^xsd:integer, which clusterkg's loader
refuses) compares as an error in Oxigraph, as a string in rdflib.
pySHACL's options are fixed: allow_warnings=True makes a member shape of sh:or (or a qualified value
shape) with sh:severity sh:Warning or sh:Info always conform, as in pySHACL.

Where pySHACL departs from the specification and the W3C test suite shows it
(tests/test_w3c_shacl.py), the specification is followed: sh:uniqueLang is active for `true` only
(not "1"^^xsd:boolean), and sh:prefixes also follows owl:imports within the shapes graph (nothing
is ever fetched). A validation report written in a shapes graph (a test's expected result)
constrains nothing.

rdflib and pySHACL are imported only to read shapes given as an rdflib Graph, or when a rare value
needs pySHACL's exact check or a message has to be generated: validating conforming data with
shapes read from Turtle never touches them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.inputs.screening import RELATIVE_BASE, without_bom
from clusterkg.quiet import quiet_rdflib

if TYPE_CHECKING:
    from rdflib import Graph

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Resource = ox.NamedNode | ox.BlankNode

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
RDF_LANGSTRING = RDF + "langString"
RDFS_SUBCLASSOF = RDFS + "subClassOf"
RDFS_CLASS = RDFS + "Class"
RDFS_LITERAL = RDFS + "Literal"
RDFS_DATATYPE = RDFS + "Datatype"
OWL_CLASS = OWL + "Class"
OWL_ONTOLOGY = OWL + "Ontology"
OWL_IMPORTS = OWL + "imports"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"

# pySHACL's XSD_WHOLE_INTEGERS: the datatypes of sh:minLength and sh:maxLength.
WHOLE_INTEGERS = frozenset(
    XSD + name
    for name in (
        *("integer", "int", "long", "short", "negativeInteger", "nonNegativeInteger"),
        *("nonPositiveInteger", "positiveInteger"),
        *("unsignedByte", "unsignedInt", "unsignedLong", "unsignedShort"),
    )
)
VIOLATION = SH + "Violation"
# allow_warnings=True: shapes of these severities conform even when their constraints fail.
ALLOWED_SEVERITIES = frozenset({SH + "Warning", SH + "Info"})

# Datatypes whose lexical forms rdflib converts to Python values, normalises (`"007"` → `"7"`) and
# may find ill-typed: keys of rdflib.term.XSDToPython, less the ones mapped to themselves (plain
# strings). A test checks this list against rdflib's. Literals of the other datatypes are the same
# term in the store and in rdflib, so SPARQL can test their lexical form directly.
RDFLIB_CONVERTED = frozenset(
    [RDF + "XMLLiteral", RDF + "HTML"]
    + [
        XSD + name
        for name in (
            *("time", "date", "dateTime", "duration", "dayTimeDuration", "yearMonthDuration"),
            *("hexBinary", "base64Binary", "normalizedString", "token", "boolean"),
            *("decimal", "integer", "long", "int", "short", "byte", "float", "double"),
            *("nonPositiveInteger", "nonNegativeInteger", "negativeInteger", "positiveInteger"),
            *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
        )
    ]
)

# Lexical forms rdflib surely accepts for a datatype (a subset of what its converters accept): a
# literal matching one is not ill-typed, whatever its other spellings do.
_FLOAT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
SURELY_WELL_TYPED = {
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "long": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "float": _FLOAT,
    XSD + "double": _FLOAT,
    XSD + "date": r"^(1[0-9]{3}|2[0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$",  # 29 February: Python decides
    XSD + "duration": r"^-?P([0-9]{1,4}Y)?([0-9]{1,4}M)?([0-9]{1,4}D)?"
    r"(T([0-9]{1,4}H)?([0-9]{1,4}M)?([0-9]{1,4}(\.[0-9]{1,6})?S)?)?$",
}
# A duration needs something after the P (rdflib refuses "P").
_DURATION_START = r"^-?P[0-9T]"
# Numbers Oxigraph and Python both compare exactly (xsd:decimal in Oxigraph: 18 fraction digits).
_EXACT_NUMBER = r"^[+-]?[0-9]{1,18}(\.[0-9]{1,18})?$"
_EXACT_NUMBER_TYPES = (XSD + "integer", XSD + "decimal")

COMPONENT = {
    "class": SH + "ClassConstraintComponent",
    "datatype": SH + "DatatypeConstraintComponent",
    "nodeKind": SH + "NodeKindConstraintComponent",
    "minCount": SH + "MinCountConstraintComponent",
    "maxCount": SH + "MaxCountConstraintComponent",
    "minLength": SH + "MinLengthConstraintComponent",
    "maxLength": SH + "MaxLengthConstraintComponent",
    "pattern": SH + "PatternConstraintComponent",
    "languageIn": SH + "LanguageInConstraintComponent",
    "uniqueLang": SH + "UniqueLangConstraintComponent",
    "in": SH + "InConstraintComponent",
    "or": SH + "OrConstraintComponent",
    "minInclusive": SH + "MinInclusiveConstraintComponent",
    "maxInclusive": SH + "MaxInclusiveConstraintComponent",
    "minExclusive": SH + "MinExclusiveConstraintComponent",
    "maxExclusive": SH + "MaxExclusiveConstraintComponent",
    "qualifiedMinCount": SH + "QualifiedMinCountConstraintComponent",
    "qualifiedMaxCount": SH + "QualifiedMaxCountConstraintComponent",
    "sparql": SH + "SPARQLConstraintComponent",
}
# pySHACL's class for each component, to let it write its own messages.
PYSHACL_CLASS = {
    COMPONENT[name]: f"{name[0].upper()}{name[1:]}ConstraintComponent"
    for name in COMPONENT
    if not name.startswith("qualified") and name != "sparql"
} | {
    COMPONENT["qualifiedMinCount"]: "QualifiedValueShapeConstraintComponent",
    COMPONENT["qualifiedMaxCount"]: "QualifiedValueShapeConstraintComponent",
}

VALUE_PARAMETERS = (
    *("class", "datatype", "nodeKind", "minLength", "maxLength", "pattern", "languageIn"),
    *("in", "or", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive"),
)
COUNT_PARAMETERS = ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape")
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
# Every sh: predicate this module understands; any other one makes a shapes graph unsupported.
KNOWN_PREDICATES = frozenset(
    SH + name
    for name in [
        *VALUE_PARAMETERS,
        *COUNT_PARAMETERS,
        *TARGETS,
        *("qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "flags"),
        *("property", "path", "sparql", "select", "prefixes", "declare", "prefix", "namespace"),
        *("message", "severity", "deactivated", "name", "description", "order", "group"),
        "defaultValue",
        # Validation reports (a test's expected report may sit in its shapes graph): no shape
        # has these, so they constrain nothing.
        *("conforms", "result", "focusNode", "resultPath", "value", "resultSeverity"),
        *("resultMessage", "sourceConstraintComponent", "sourceShape", "sourceConstraint"),
        "detail",
    ]
)
KNOWN_CLASSES = frozenset(
    SH + name
    for name in (
        *("NodeShape", "PropertyShape", "SPARQLConstraint", "PrefixDeclaration"),
        *("ValidationReport", "ValidationResult"),
    )
)
NODE_KINDS = {
    SH + "IRI": "isIRI({v})",
    SH + "BlankNode": "isBlank({v})",
    SH + "Literal": "isLiteral({v})",
    SH + "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    SH + "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    SH + "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


class UnsupportedShapes(Exception):
    """The shapes graph uses something this compiler does not compile: validate with pySHACL."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as pySHACL reports it (sh:ValidationResult).

    `path` is the property shape's sh:path (always an IRI: other paths are not compiled), or, for
    a SPARQL-based constraint, the ?path the query selects (None if it selects none). `value` is
    None where pySHACL gives no sh:value (cardinality, sh:uniqueLang, qualified counts); for a
    SPARQL-based constraint of a node shape it is ?value if selected, else the focus node.
    Blank nodes of the shapes graph (`source_shape`, `source_constraint`) keep their identifiers
    from parsing the shapes, so compare them by what they are, not by name. `messages` are
    sorted.
    """

    focus: Term
    path: Term | None
    value: Term | None
    source_shape: Resource
    component: str
    severity: str
    messages: tuple[str, ...]
    source_constraint: Resource | None = None


def compile_shapes(shapes: Path | str | Graph) -> CompiledShapes:
    """Compile a shapes graph (a Turtle file, Turtle text, or an rdflib Graph) to SPARQL.

    Raises UnsupportedShapes, naming the shape and the feature, for anything not compiled. With an
    rdflib Graph, pySHACL's own messages name shapes-graph terms with that graph's prefixes, as
    pySHACL would; with a file or text, with rdflib's default prefixes (clusterkg's loader does not
    keep a file's prefixes).
    """
    if isinstance(shapes, Path):
        text, base = without_bom(shapes.read_text("utf-8")), RELATIVE_BASE
        triples, namespaces, identifier = _parse_turtle(text, base), None, None
    elif isinstance(shapes, str):
        triples, namespaces, identifier = _parse_turtle(shapes), None, None
    else:
        triples, namespaces, identifier = _from_rdflib(shapes)
    graph = _ShapesGraph(triples, identifier)
    return _Compiler(graph, _Messages(graph, namespaces)).compile()


class CompiledShapes:
    """The SPARQL queries of a shapes graph, ready to run on any store."""

    def __init__(self, queries: Sequence[_Query], functions: _Functions, messages: _Messages):
        self._queries = tuple(queries)
        self._functions = functions
        self._messages = messages

    @property
    def queries(self) -> tuple[str, ...]:
        """The SPARQL text of every query, in the order they run (instances of a class written
        as rdf:type/rdfs:subClassOf*, which validate() replaces by the classes it finds)."""
        return tuple(_with_written(_with_instances(q.sparql, {}), ()) for q in self._queries)

    def validate(
        self,
        store: LocalStore,
        graph: ox.NamedNode | None = None,
        *,
        data_namespaces: Mapping[str, str] | None = None,
        written_forms: Mapping[ox.Literal, Sequence[ox.Literal]] | None = None,
        written_triples: Mapping[tuple[str, str, ox.Literal], Sequence[ox.Literal]] | None = None,
    ) -> list[ShaclResult]:
        """Validate `graph` of `store` (None: the store's default graph) and return the results.

        Queries see only that graph, as pySHACL sees only its data graph. `data_namespaces` (prefix
        to namespace) are the prefixes pySHACL's messages would use for data nodes (default:
        those of a new rdflib Graph, which is what clusterkg's reference path gives pySHACL).
        `written_forms`: stored literal → the literals written in the data that the store holds
        as it ("5"^^xsd:int is stored as "5"^^xsd:integer): sh:datatype judges those as written;
        `written_triples` tells them apart by subject and predicate (N-Triples syntax) where a
        value was written in several forms.
        """
        self._functions.written.forms = {k: list(v) for k, v in (written_forms or {}).items()}
        self._functions.written.triples = {k: list(v) for k, v in (written_triples or {}).items()}
        run = _Run(store, graph, data_namespaces, self._messages)
        subclasses = _subclasses(store, graph, self._queries)
        results: list[ShaclResult] = []
        with quiet_rdflib():
            for query in self._queries:
                sparql = _with_written(
                    _with_instances(query.sparql, subclasses), tuple(written_forms or ())
                )
                for row in _select(store, sparql, graph, self._functions.table):
                    results.extend(query.outcome.results(row, run))
        return results


def _select(
    store: LocalStore,
    sparql: str,
    graph: ox.NamedNode | None,
    functions: Mapping[ox.NamedNode, Callable[..., ox.Literal]],
) -> Iterator[ox.QuerySolution]:
    solutions = store.query(
        sparql,
        default_graph=graph if graph is not None else ox.DefaultGraph(),
        named_graphs=[],
        custom_functions=dict(functions),
    )
    assert isinstance(solutions, ox.QuerySolutions)
    yield from solutions


# Instances of a class are written as a placeholder, replaced when validating by a join with the
# class's subclasses in the data graph (found by one query for all classes): Oxigraph runs that far
# faster than rdf:type/rdfs:subClassOf* from every value node, which gives the same nodes.
_INSTANCES = re.compile(r"\u27e6instances (\S+) ((?:<[^>]*> )+)(focus|test)\u27e7")
_CLASS = re.compile(r"<([^>]*)>")


def _instances(var: str, classes: Sequence[ox.NamedNode], use: str) -> str:
    """Placeholder: `var` is an instance of one of the classes (rdf:type/rdfs:subClassOf*, as
    pySHACL sees it); `use` is "focus" to enumerate instances, "test" to test a bound `var`."""
    return f"\u27e6instances {var} {''.join(_sparql(c) + ' ' for c in classes)}{use}\u27e7"


def _subclasses(
    store: LocalStore, graph: ox.NamedNode | None, queries: Iterable[_Query]
) -> dict[str, list[Term]]:
    """Every class a query mentions, with its subclasses in the data graph (itself included)."""
    classes = sorted(
        {c for q in queries for m in _INSTANCES.finditer(q.sparql) for c in _CLASS.findall(m[2])}
    )
    found: dict[str, list[Term]] = {c: [ox.NamedNode(c)] for c in classes}
    if not classes:
        return found
    values = " ".join(f"<{c}>" for c in classes)
    query = (
        f"SELECT ?class ?sub WHERE {{ VALUES ?class {{ {values} }} "
        f"?sub <{RDFS_SUBCLASSOF}>* ?class }}"
    )
    for row in _select(store, query, graph, {}):
        cls, sub = _bound(row, "class"), _bound(row, "sub")
        if sub not in found[cls.value]:
            found[cls.value].append(sub)
    return found


def _with_instances(sparql: str, subclasses: Mapping[str, list[Term]]) -> str:
    def written(match: re.Match[str]) -> str:
        var, listed, use = match.groups()
        classes = _CLASS.findall(listed)
        subs = list(dict.fromkeys(s for c in classes for s in subclasses.get(c, [])))
        if not all(c in subclasses for c in classes) or not all(
            isinstance(s, ox.NamedNode) for s in subs
        ):
            paths = [f"{{ {var} <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* <{c}> . }}" for c in classes]
            return " UNION ".join(paths)
        types = [str(s) for s in subs]
        if use == "focus":
            return f"VALUES ?ck_type {{ {' '.join(types)} }} {var} <{RDF_TYPE}> ?ck_type ."
        return f"{var} <{RDF_TYPE}> ?ck_type . FILTER (?ck_type IN ({', '.join(types)}))"

    return _INSTANCES.sub(written, sparql)


# --- the shapes graph ---------------------------------------------------------------------------


def _parse_turtle(text: str, base: str | None = None) -> list[ox.Triple]:
    """The triples of Turtle text; relative IRIs resolved against `base` (RELATIVE_BASE, as when
    clusterkg loads a file), without a base they are an error."""
    try:
        return [_triple(q) for q in ox.parse(text, ox.RdfFormat.TURTLE, base_iri=base)]
    except SyntaxError as error:
        raise UnsupportedShapes(f"the shapes are not valid Turtle: {error}") from None


def _triple(statement: ox.Quad | ox.Triple) -> ox.Triple:
    return ox.Triple(statement.subject, statement.predicate, statement.object)


def _from_rdflib(graph: Graph) -> tuple[list[ox.Triple], list[tuple[str, str]], Term | None]:
    from clusterkg.engine.convert import to_oxigraph

    triples = [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]
    namespaces = [(prefix, str(ns)) for prefix, ns in graph.namespaces()]
    return triples, namespaces, to_oxigraph(graph.identifier)


class _ShapesGraph:
    """The shapes graph, indexed for the few lookups compiling needs."""

    def __init__(self, triples: Iterable[ox.Triple], identifier: Term | None) -> None:
        self.triples = sorted(set(triples), key=str)
        self.identifier = identifier
        self._objects: dict[tuple[Term, str], list[Term]] = defaultdict(list)
        self._subjects: dict[tuple[str, Term], list[Term]] = defaultdict(list)
        self._pairs: dict[str, list[tuple[Term, Term]]] = defaultdict(list)
        for t in self.triples:
            subject, predicate, obj = _resource(t.subject), t.predicate.value, _term(t.object)
            self._objects[(subject, predicate)].append(obj)
            self._subjects[(predicate, obj)].append(subject)
            self._pairs[predicate].append((subject, obj))

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return self._objects.get((subject, predicate), [])

    def subjects(self, predicate: str, obj: Term) -> list[Term]:
        return self._subjects.get((predicate, obj), [])

    def pairs(self, predicate: str) -> list[tuple[Term, Term]]:
        return self._pairs.get(predicate, [])

    def one(self, subject: Term, predicate: str, what: str) -> Term | None:
        """The value of a single-valued parameter, None if absent."""
        values = self.objects(subject, predicate)
        if len(values) > 1:
            raise UnsupportedShapes(f"{_name(subject)} has {len(values)} values for {what}")
        return values[0] if values else None

    def items(self, node: Term, owner: Term) -> list[Term]:
        """The members of an RDF list."""
        members: list[Term] = []
        seen: set[Term] = set()
        while node != ox.NamedNode(RDF_NIL):
            firsts, rests = self.objects(node, RDF_FIRST), self.objects(node, RDF_REST)
            if node in seen or len(firsts) != 1 or len(rests) != 1:
                raise UnsupportedShapes(f"{_name(owner)} has a malformed RDF list")
            seen.add(node)
            members.append(firsts[0])
            node = rests[0]
        return members


def _resource(term: object) -> Resource:
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term
    raise UnsupportedShapes(f"RDF-star triples are not supported: {term}")


def _term(term: object) -> Term:
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    raise UnsupportedShapes(f"RDF-star triples are not supported: {term}")


def _name(term: Term) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)


# --- shapes as pySHACL finds them -------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    node: Resource
    path: ox.NamedNode | None  # property shapes only
    severity: str
    messages: tuple[ox.Literal, ...]
    deactivated: bool

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def static_messages(self) -> tuple[str, ...]:
        return tuple(sorted(m.value for m in self.messages))


def _find_shapes(g: _ShapesGraph) -> dict[Term, _Shape]:
    """The shapes pySHACL finds (ShapesGraph._build_node_shape_cache): declared, or implied by
    their targets and sh:property, or used as values of shape-expecting parameters."""
    declared_nodes = set(g.subjects(RDF_TYPE, ox.NamedNode(SH + "NodeShape")))
    declared_properties = set(g.subjects(RDF_TYPE, ox.NamedNode(SH + "PropertyShape")))
    if declared_nodes & declared_properties:
        raise UnsupportedShapes("a shape is declared both sh:NodeShape and sh:PropertyShape")
    implied: set[Term] = set()
    for predicate in (*TARGETS, "property", "node"):
        implied |= {s for s, _ in g.pairs(SH + predicate)}
    for predicate in ("property", "node", "not", "qualifiedValueShape"):
        implied |= {o for _, o in g.pairs(SH + predicate)}
    for predicate in ("and", "or", "xone"):
        for owner, members in g.pairs(SH + predicate):
            implied |= set(g.items(members, owner))
    shapes: dict[Term, _Shape] = {}
    for node in sorted(declared_nodes | declared_properties | implied, key=str):
        paths = g.objects(node, SH + "path")
        if node in declared_nodes and paths:
            raise UnsupportedShapes(f"node shape {_name(node)} has an sh:path")
        if node in declared_properties and len(paths) != 1:
            raise UnsupportedShapes(f"property shape {_name(node)} needs exactly one sh:path")
        shapes[node] = _read_shape(g, node, paths)
    return shapes


def _read_shape(g: _ShapesGraph, node: Term, paths: list[Term]) -> _Shape:
    if isinstance(node, ox.Literal):
        raise UnsupportedShapes(f"a literal is used as a shape: {node}")
    if len(paths) > 1:
        raise UnsupportedShapes(f"shape {_name(node)} has {len(paths)} sh:path values")
    path = paths[0] if paths else None
    if path is not None and not isinstance(path, ox.NamedNode):
        raise UnsupportedShapes(f"shape {_name(node)}: only predicate paths are compiled")
    severity = g.one(node, SH + "severity", "sh:severity")
    if severity is not None and not isinstance(severity, ox.NamedNode):
        raise UnsupportedShapes(f"shape {_name(node)}: sh:severity is not an IRI")
    messages = g.objects(node, SH + "message")
    if not all(_is_text(m) for m in messages):
        raise UnsupportedShapes(f"shape {_name(node)}: sh:message is not a text")
    return _Shape(
        node=node,
        path=path,
        severity=severity.value if severity is not None else VIOLATION,
        messages=tuple(m for m in messages if isinstance(m, ox.Literal)),
        deactivated=_deactivated(g, node),
    )


def _deactivated(g: _ShapesGraph, node: Term) -> bool:
    value = g.one(node, SH + "deactivated", "sh:deactivated")
    if value is None:
        return False
    if isinstance(value, ox.Literal) and value.datatype.value == XSD_BOOLEAN:
        if value.value in ("true", "1"):
            return True
        if value.value in ("false", "0"):
            return False
    raise UnsupportedShapes(f"{_name(node)}: sh:deactivated is not a boolean: {value}")


def _is_text(term: Term) -> bool:
    return isinstance(term, ox.Literal) and (
        bool(term.language) or term.datatype.value == XSD_STRING
    )


def _check_vocabulary(g: _ShapesGraph) -> None:
    """Refuse any sh: term this module does not compile (pySHACL would act on it)."""
    for t in g.triples:
        predicate, obj = t.predicate.value, _term(t.object)
        if predicate.startswith(SH) and predicate not in KNOWN_PREDICATES:
            raise UnsupportedShapes(f"{_name(_term(t.subject))} uses sh:{predicate[len(SH) :]}")
        in_sh = isinstance(obj, ox.NamedNode) and obj.value.startswith(SH)
        if predicate == RDF_TYPE and in_sh and obj.value not in KNOWN_CLASSES:
            raise UnsupportedShapes(f"{_name(_term(t.subject))} is a {obj}")
        if predicate == RDFS_SUBCLASSOF and in_sh:
            raise UnsupportedShapes(f"{_name(_term(t.subject))} is a subclass of {obj}")


# --- compiling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Focus:
    """The focus nodes of a shape, as a pattern binding ?this (perhaps more than once)."""

    pattern: str

    @property
    def nodes(self) -> str:
        """A group binding ?this to each focus node once."""
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self.pattern} }} }}"

    @property
    def test(self) -> str:
        """A filter keeping the solutions whose ?this is a focus node."""
        return f"FILTER EXISTS {{ {self.pattern} }}"


@dataclass(frozen=True)
class _Query:
    sparql: str
    outcome: _Outcome


class _Functions:
    """Python functions that a query calls as SPARQL functions: pySHACL's exact checks."""

    def __init__(self) -> None:
        self.table: dict[ox.NamedNode, Callable[..., ox.Literal]] = {}
        self.written = _WrittenForms()
        self.table[_RECORDED] = self.written.recorded
        self.table[_WRITTEN_AS] = self.written.written_as

    def call(self, check: Callable[[Term], bool], var: str) -> str:
        iri = ox.NamedNode(f"urn:x-clusterkg:shacl-sparql:check:{len(self.table)}")
        self.table[iri] = lambda term: ox.Literal(bool(check(term)))
        return f"{iri}({var})"


Condition = Callable[[str], str]  # a SPARQL boolean expression about a variable


@dataclass(frozen=True)
class _ValueTest:
    """One constraint on every value node: the result component and the SPARQL condition."""

    component: str
    condition: Condition


class _Compiler:
    def __init__(self, graph: _ShapesGraph, messages: _Messages) -> None:
        self.g = graph
        self.messages = messages
        self.functions = _Functions()
        self.queries: list[_Query] = []
        self.shapes: dict[Term, _Shape] = {}
        self._tests: dict[tuple[Term, bool], list[_ValueTest]] = {}
        self._conformance_stack: list[Term] = []

    def compile(self) -> CompiledShapes:
        _check_vocabulary(self.g)
        self.shapes = _find_shapes(self.g)
        for shape in self.shapes.values():
            focus = self.focus_nodes(shape)
            if focus is not None:
                self.compile_shape(shape, focus)
        self.check_syntax()
        return CompiledShapes(self.queries, self.functions, self.messages)

    def check_syntax(self) -> None:
        """Run every query once on an empty store: a query Oxigraph refuses is not compiled."""
        empty = LocalStore()
        for query in self.queries:
            try:
                sparql = _with_written(_with_instances(query.sparql, {}), (ox.Literal(""),))
                list(_select(empty, sparql, None, self.functions.table))
            except SyntaxError as error:
                raise UnsupportedShapes(f"Oxigraph refuses a compiled query: {error}") from None

    # -- targets ---------------------------------------------------------------------------------

    def focus_nodes(self, shape: _Shape) -> _Focus | None:
        """The focus nodes of the shape, None without targets."""
        classes = self.target_classes(shape)
        branches = [_instances("?this", classes, "focus")] if classes else []
        nodes = self.g.objects(shape.node, SH + "targetNode")
        if any(_rewritten_by_oxigraph(n) for n in nodes):
            # Oxigraph gives "4.0"^^xsd:decimal back as "4": the focus node would not be reported
            # as written (W3C test maxExclusive-001).
            raise UnsupportedShapes(f"{_name(shape.node)}: a target node in a non-canonical form")
        if nodes:
            branches.append(f"VALUES ?this {{ {' '.join(_sparql(n) for n in nodes)} }}")
        for p in self.g.objects(shape.node, SH + "targetSubjectsOf"):
            branches.append(f"?this {_sparql(_iri(p, shape, 'sh:targetSubjectsOf'))} [] .")
        for p in self.g.objects(shape.node, SH + "targetObjectsOf"):
            branches.append(f"[] {_sparql(_iri(p, shape, 'sh:targetObjectsOf'))} ?this .")
        if not branches:
            return None
        return _Focus(" UNION ".join(f"{{ {b} }}" for b in branches))

    def target_classes(self, shape: _Shape) -> list[ox.NamedNode]:
        classes = [
            _iri(c, shape, "sh:targetClass") for c in self.g.objects(shape.node, SH + "targetClass")
        ]
        # An rdfs:Class (owl:Class is one: pySHACL adds that triple) targets its instances.
        class_types: set[Term] = {ox.NamedNode(RDFS_CLASS), ox.NamedNode(OWL_CLASS)}
        class_types |= set(self.g.subjects(RDFS_SUBCLASSOF, ox.NamedNode(RDFS_CLASS)))
        if set(self.g.objects(shape.node, RDF_TYPE)) & class_types:
            classes.append(_iri(shape.node, shape, "an implicit class target"))
        return sorted(set(classes), key=str)

    # -- shapes ----------------------------------------------------------------------------------

    def compile_shape(self, shape: _Shape, focus: _Focus) -> None:
        """The queries that validate the focus nodes `focus` against `shape`."""
        if shape.deactivated:
            return
        self.add_value_query(shape, focus, self.value_tests(shape))
        if shape.is_property:
            self.add_count_queries(shape, focus)
        else:
            self.refuse(shape, COUNT_PARAMETERS, "only property shapes may have")
        for node in self.g.objects(shape.node, SH + "property"):
            child = self.shapes.get(node)
            if shape.is_property or child is None or not child.is_property:
                raise UnsupportedShapes(f"{_name(shape.node)}: sh:property {_name(node)}")
            self.compile_shape(child, focus)
        for constraint in self.g.objects(shape.node, SH + "sparql"):
            if shape.is_property:
                raise UnsupportedShapes(f"{_name(shape.node)}: sh:sparql on a property shape")
            self.add_sparql_constraint(shape, focus, constraint)

    def refuse(self, shape: _Shape, parameters: Iterable[str], why: str) -> None:
        for parameter in parameters:
            if self.g.objects(shape.node, SH + parameter):
                raise UnsupportedShapes(f"{_name(shape.node)}: {why} sh:{parameter}")

    def values_of(self, shape: _Shape) -> str:
        """Binds ?value to each value node of the focus node ?this."""
        if shape.path is None:
            return "BIND(?this AS ?value)"
        return f"?this {_sparql(shape.path)} ?value ."

    def add_value_query(self, shape: _Shape, focus: _Focus, tests: Sequence[_ValueTest]) -> None:
        """One pass over the value nodes for all the shape's value tests, one flag each."""
        if not tests:
            return
        flags = [f"?ok{i}" for i in range(len(tests))]
        # A test never fails with an error, but if one did, the value would be reported.
        binds = " ".join(
            f"BIND (COALESCE({t.condition('?value')}, false) AS {flag})"
            for t, flag in zip(tests, flags, strict=True)
        )
        if shape.path is not None:  # the value's triple is known: ?this path ?value
            binds = _written_triple(binds, "?value", "?this", _sparql(shape.path))
        sparql = (
            f"SELECT DISTINCT ?this ?value {' '.join(flags)} WHERE {{ {focus.nodes} "
            f"{self.values_of(shape)} {binds} FILTER (!{' || !'.join(flags)}) }}"
        )
        checks = tuple((t.component, flag[1:]) for t, flag in zip(tests, flags, strict=True))
        self.queries.append(_Query(sparql, _CoreOutcome(shape, checks, "value")))

    def add_count_queries(self, shape: _Shape, focus: _Focus) -> None:
        assert shape.path is not None
        path = _sparql(shape.path)
        minimum = _count(self.g, shape, "minCount")
        if minimum:
            self.add_too_few(shape, focus, path, minimum, None, COMPONENT["minCount"])
        maximum = _count(self.g, shape, "maxCount")
        if maximum is not None:
            self.add_too_many(shape, focus, path, maximum, None, COMPONENT["maxCount"])
        unique = self.g.one(shape.node, SH + "uniqueLang", "sh:uniqueLang")
        # Only `true` activates it: "1"^^xsd:boolean is another literal (W3C test uniqueLang-002),
        # where pySHACL takes its value.
        if (
            unique is not None
            and _boolean(unique, shape, "sh:uniqueLang")
            and unique.value == "true"
        ):
            # Subjects with two values in one language are few: find them, then keep the focus
            # nodes (faster than going through every focus node first).
            sparql = (
                f"SELECT ?this ?lang WHERE {{ {{ SELECT ?this ?lang WHERE {{ ?this {path} ?v . "
                'FILTER (isLiteral(?v) && LANG(?v) != "") BIND (LCASE(LANG(?v)) AS ?lang) } '
                f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1) }} {focus.test} }}"
            )
            outcome = _CoreOutcome(shape, ((COMPONENT["uniqueLang"], None),), None)
            self.queries.append(_Query(sparql, outcome))
        qualified = self.g.one(shape.node, SH + "qualifiedValueShape", "sh:qualifiedValueShape")
        if qualified is not None:
            self.add_qualified(shape, focus, path, qualified)

    def add_too_few(
        self, shape: _Shape, focus: _Focus, path: str, n: int, only: str | None, component: str
    ) -> None:
        """Focus nodes with fewer than n values (`only`: counting the values meeting it)."""
        condition = only or "true"
        if n == 1:
            sparql = (
                f"SELECT ?this WHERE {{ {focus.nodes} "
                f"FILTER NOT EXISTS {{ ?this {path} ?v . FILTER ({condition}) }} }}"
            )
        else:
            sparql = (
                f"SELECT ?this WHERE {{ {focus.nodes} "
                f"OPTIONAL {{ ?this {path} ?v . FILTER ({condition}) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
            )
        self.queries.append(_Query(sparql, _CoreOutcome(shape, ((component, None),), None)))

    def add_too_many(
        self, shape: _Shape, focus: _Focus, path: str, n: int, only: str | None, component: str
    ) -> None:
        """Focus nodes with more than n values (`only`: counting the values meeting it)."""
        if only is None:
            # Subjects with too many values are few: find them, then keep the focus nodes.
            sparql = (
                f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n}) }} {focus.test} }}"
            )
        else:  # the condition may be costly: test only the focus nodes' values
            sparql = (
                f"SELECT ?this WHERE {{ {focus.nodes} ?this {path} ?v . FILTER ({only}) }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
            )
        self.queries.append(_Query(sparql, _CoreOutcome(shape, ((component, None),), None)))

    def add_qualified(self, shape: _Shape, focus: _Focus, path: str, qualified: Term) -> None:
        disjoint = self.g.objects(shape.node, SH + "qualifiedValueShapesDisjoint")
        if any(not isinstance(d, ox.Literal) or _boolean(d, shape, "disjoint") for d in disjoint):
            raise UnsupportedShapes(f"{_name(shape.node)}: sh:qualifiedValueShapesDisjoint")
        minimum = _count(self.g, shape, "qualifiedMinCount")
        maximum = _count(self.g, shape, "qualifiedMaxCount")
        if minimum is None and maximum is None:
            raise UnsupportedShapes(f"{_name(shape.node)}: qualified shape without a count")
        condition = self.conforms(qualified, "?v")
        if minimum:
            component = COMPONENT["qualifiedMinCount"]
            self.add_too_few(shape, focus, path, minimum, condition, component)
        if maximum is not None:
            component = COMPONENT["qualifiedMaxCount"]
            self.add_too_many(shape, focus, path, maximum, condition, component)

    # -- value tests -----------------------------------------------------------------------------

    def value_tests(self, shape: _Shape, conjunctive: bool = False) -> list[_ValueTest]:
        if (shape.node, conjunctive) not in self._tests:
            self._tests[(shape.node, conjunctive)] = _ValueTests(self, shape, conjunctive).all()
        return self._tests[(shape.node, conjunctive)]

    def conforms(self, node: Term, var: str) -> str:
        """Whether the value `var` conforms to the shape `node` (sh:or members, qualified shapes),
        as pySHACL decides it with allow_warnings=True."""
        shape = self.shapes.get(node)
        if shape is None or shape.is_property:
            raise UnsupportedShapes(f"{_name(node)} is used as a node shape but is not one")
        if shape.deactivated or shape.severity in ALLOWED_SEVERITIES:
            return "true"
        self.refuse(shape, (*COUNT_PARAMETERS, "property", "sparql"), "nested shapes may not have")
        if node in self._conformance_stack:
            raise UnsupportedShapes(f"{_name(node)} refers to itself")
        self._conformance_stack.append(node)
        try:
            conditions = [t.condition(var) for t in self.value_tests(shape, conjunctive=True)]
        finally:
            self._conformance_stack.pop()
        return _all(*conditions)

    # -- SPARQL-based constraints ------------------------------------------------------------

    def add_sparql_constraint(self, shape: _Shape, focus: _Focus, constraint: Term) -> None:
        if isinstance(constraint, ox.Literal):
            raise UnsupportedShapes(f"{_name(shape.node)}: sh:sparql {constraint}")
        selects = self.g.objects(constraint, SH + "select")
        if len(selects) != 1 or not _is_text(selects[0]):
            raise UnsupportedShapes(f"{_name(constraint)} needs exactly one sh:select text")
        messages = self.g.objects(constraint, SH + "message")
        if not all(_is_text(m) for m in messages):
            raise UnsupportedShapes(f"{_name(constraint)}: sh:message is not a text")
        if _deactivated(self.g, constraint):
            return
        select = selects[0]
        assert isinstance(select, ox.Literal)
        prefixes = _sparql_prefixes(self.g, constraint)
        try:
            rewritten = _join_focus_into(select.value, focus)
        except UnsupportedShapes as error:
            raise UnsupportedShapes(f"{_name(constraint)}: {error}") from None
        sparql = (
            "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + "\n" + rewritten.text
        )
        outcome = _SparqlOutcome(
            shape,
            constraint,
            rewritten.projected,
            tuple(m for m in messages if isinstance(m, ox.Literal)),
        )
        self.queries.append(_Query(sparql, outcome))


def _rewritten_by_oxigraph(term: Term) -> bool:
    """Whether a literal written into a query comes out as another term (a canonical form)."""
    if not isinstance(term, ox.Literal):
        return False
    rows = LocalStore().query(f"SELECT ?t WHERE {{ VALUES ?t {{ {_sparql(term)} }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return [row[0] for row in rows] != [term]


def _iri(term: Term, shape: _Shape, what: str) -> ox.NamedNode:
    if not isinstance(term, ox.NamedNode):
        raise UnsupportedShapes(f"{_name(shape.node)}: {what} {term} is not an IRI")
    return term


def _sparql(term: Term) -> str:
    """A term written into a query (N-Triples syntax is SPARQL syntax)."""
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShapes(f"a blank node cannot be written into a query: {term}")
    if isinstance(term, ox.NamedNode) and re.search(r'[\x00-\x20<>"{}|^`\\]', term.value):
        raise UnsupportedShapes(f"an IRI SPARQL cannot write: {term}")
    return str(term)


def _string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _integer(term: Term | None, datatypes: Iterable[str]) -> int | None:
    """The value of an integer literal of one of the datatypes, None if it is not one."""
    if (
        isinstance(term, ox.Literal)
        and term.datatype.value in datatypes
        and re.fullmatch(r"[+-]?[0-9]+", term.value)
    ):
        return int(term.value)
    return None


def _count(g: _ShapesGraph, shape: _Shape, parameter: str) -> int | None:
    term = g.one(shape.node, SH + parameter, f"sh:{parameter}")
    if term is None:
        return None
    # pySHACL: sh:minCount and sh:maxCount are xsd:integer; qualified counts any integer.
    datatypes = [XSD + "integer"] if parameter in ("minCount", "maxCount") else WHOLE_INTEGERS
    value = _integer(term, datatypes)
    if value is None or value < 0:
        raise UnsupportedShapes(f"{_name(shape.node)}: sh:{parameter} {term} is not a count")
    return value


def _boolean(term: Term, shape: _Shape, what: str) -> bool:
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN:
        if term.value in ("true", "1"):
            return True
        if term.value in ("false", "0"):
            return False
    raise UnsupportedShapes(f"{_name(shape.node)}: {what} {term} is not a boolean")


# --- value tests: SPARQL conditions with pySHACL's exact checks behind them --------------------


# Conditions are chained with IF, never with && and ||: Oxigraph may evaluate the operands of
# those in either order, and a cheap test that settles most values must come before the Python
# check (or the long list of datatypes) that it spares.


def _all(*conditions: str) -> str:
    """SPARQL: every condition holds, tested in order."""
    if not conditions:
        return "true"
    chained = conditions[-1]
    for condition in reversed(conditions[:-1]):
        chained = f"IF({condition}, {chained}, false)"
    return chained


def _any(*conditions: str) -> str:
    """SPARQL: some condition holds, tested in order."""
    if not conditions:
        return "false"
    chained = conditions[-1]
    for condition in reversed(conditions[:-1]):
        chained = f"IF({condition}, true, {chained})"
    return chained


# One regular expression, not DATATYPE(?v) IN (…): Oxigraph compares IN's 30 IRIs one by one.
_CONVERTED_IRI = "^(" + "|".join(d.replace(".", "\\.") for d in sorted(RDFLIB_CONVERTED)) + ")$"


def _rdflib_sees_as_written(var: str, datatype: str | None = None) -> str:
    """SPARQL, for an IRI or a literal: rdflib keeps it exactly as the store does (an IRI, or a
    literal whose datatype rdflib does not normalise), so SPARQL may test its lexical form.
    `datatype`: the literal's datatype, where a test before this one made sure of it."""
    if datatype in (XSD_STRING, RDF_LANGSTRING) or (
        datatype
        and datatype not in RDFLIB_CONVERTED
        and datatype not in (RDFS_LITERAL, RDFS_DATATYPE)
    ):
        return "true"
    if datatype in RDFLIB_CONVERTED:
        return "false"
    return _any(
        f"isIRI({var})",
        f'LANG({var}) != ""',
        f"DATATYPE({var}) = <{XSD_STRING}>",
        f"!REGEX(STR(DATATYPE({var})), {_string(_CONVERTED_IRI)})",
    )


class _ValueTests:
    """The value-level constraints of one shape, each as a SPARQL condition.

    `conjunctive`: the tests are only ever used together, all of them in order (a member of
    sh:or, a qualified value shape), so the datatype test comes first and the others may take the
    value's datatype for granted.
    """

    def __init__(self, compiler: _Compiler, shape: _Shape, conjunctive: bool) -> None:
        self.compiler = compiler
        self.g = compiler.g
        self.shape = shape
        self.functions = compiler.functions
        datatypes = self.g.objects(shape.node, SH + "datatype")
        known = conjunctive and len(datatypes) == 1 and isinstance(datatypes[0], ox.NamedNode)
        self.datatype = datatypes[0].value if known else None

    def all(self) -> list[_ValueTest]:
        tests: list[_ValueTest] = []
        first = ("datatype",) if self.datatype else ()
        for parameter in (*first, *(p for p in VALUE_PARAMETERS if p not in first)):
            values = self.g.objects(self.shape.node, SH + parameter)
            if values:
                builder: Callable[[Term], Condition] = getattr(self, "_" + parameter)
                multiple = parameter in ("class", "pattern", "or") or "clusive" in parameter
                if len(values) > 1 and not multiple:
                    raise UnsupportedShapes(
                        f"{_name(self.shape.node)} has {len(values)} sh:{parameter}"
                    )
                tests += [_ValueTest(COMPONENT[parameter], builder(v)) for v in values]
        return tests

    def _class(self, value: Term) -> Condition:
        cls = _iri(value, self.shape, "sh:class")
        return lambda v: f"EXISTS {{ {_instances(v, [cls], 'test')} }}"

    def _datatype(self, value: Term) -> Condition:
        datatype = _iri(value, self.shape, "sh:datatype").value
        if datatype == XSD_STRING:
            return lambda v: _all(f"isLiteral({v})", f"DATATYPE({v}) = <{XSD_STRING}>")
        if datatype == RDF_LANGSTRING:
            return lambda v: _all(f"isLiteral({v})", f'LANG({v}) != ""')
        if datatype == RDFS_LITERAL:
            return lambda v: f"isLiteral({v})"
        if datatype == RDFS_DATATYPE:  # rdflib: every literal with a datatype, plain ones excepted
            return lambda v: _all(
                f"isLiteral({v})", f'LANG({v}) = ""', f"DATATYPE({v}) != <{XSD_STRING}>"
            )
        if datatype not in RDFLIB_CONVERTED:  # rdflib checks nothing: the datatype IRI decides
            return _as_written(
                datatype, lambda v: _all(f"isLiteral({v})", f"DATATYPE({v}) = <{datatype}>")
            )
        surely = SURELY_WELL_TYPED.get(datatype)
        starts = _DURATION_START if datatype == XSD + "duration" else None

        def condition(v: str) -> str:
            exact = self.functions.call(lambda term: _datatype_matches(term, datatype), v)
            fast = [f"REGEX(STR({v}), {_string(r)})" for r in (surely, starts) if r]
            surely_well_typed = _all(*fast) if fast else "false"
            return _all(
                f"isLiteral({v})", f"DATATYPE({v}) = <{datatype}>", _any(surely_well_typed, exact)
            )

        return _as_written(datatype, condition)

    def _nodeKind(self, value: Term) -> Condition:
        kind = NODE_KINDS.get(_iri(value, self.shape, "sh:nodeKind").value)
        return lambda v: kind.format(v=v) if kind else "false"

    def _pattern(self, value: Term) -> Condition:
        if not _is_text(value):
            raise UnsupportedShapes(f"{_name(self.shape.node)}: sh:pattern {value} is not a text")
        assert isinstance(value, ox.Literal)
        flags = self.g.one(self.shape.node, SH + "flags", "sh:flags")
        # pySHACL reads the flags i and m, and ignores any other letter.
        letters = flags.value.lower() if isinstance(flags, ox.Literal) else ""
        re_flags = (re.I if "i" in letters else 0) | (re.M if "m" in letters else 0)
        try:
            regex = re.compile(value.value, re_flags)
        except re.error as error:
            raise UnsupportedShapes(f"{_name(self.shape.node)}: sh:pattern: {error}") from None
        subset = None if re_flags else _rust_subset(value.value)

        def condition(v: str) -> str:
            exact = self.functions.call(lambda term: _pattern_matches(term, regex), v)
            if subset is None:
                return _all(f"!isBlank({v})", exact)
            fast = _all(
                _rdflib_sees_as_written(v, self.datatype), f"REGEX(STR({v}), {_string(subset)})"
            )
            return _all(f"!isBlank({v})", _any(fast, exact))

        return condition

    def _length(self, value: Term, parameter: str, compare: str) -> Condition:
        n = _integer(value, WHOLE_INTEGERS)
        if n is None or n < 0:
            raise UnsupportedShapes(f"{_name(self.shape.node)}: sh:{parameter} {value}")
        if parameter == "minLength" and n == 0:
            return lambda v: "true"  # pySHACL: even a blank node passes

        def condition(v: str) -> str:
            exact = self.functions.call(lambda term: _length_passes(term, n, compare), v)
            fast = f"STRLEN(STR({v})) {compare} {n}"
            written = _rdflib_sees_as_written(v, self.datatype)
            return _all(f"!isBlank({v})", f"IF({written}, {fast}, {exact})")

        return condition

    def _minLength(self, value: Term) -> Condition:
        return self._length(value, "minLength", ">=")

    def _maxLength(self, value: Term) -> Condition:
        return self._length(value, "maxLength", "<=")

    def _languageIn(self, value: Term) -> Condition:
        languages = self.g.items(value, self.shape.node)
        if not all(_is_text(language) for language in languages):
            raise UnsupportedShapes(f"{_name(self.shape.node)}: sh:languageIn needs texts")
        wanted = sorted({language.value.lower() for language in languages})
        if "*" in wanted:
            return lambda v: _all(f"isLiteral({v})", f'LANG({v}) != ""')
        listed = ", ".join(_string(language) for language in wanted) or '""'
        # pySHACL: the whole tag, or its first subtag, is one of the listed tags (any case).
        return lambda v: _all(
            f"isLiteral({v})",
            f'LANG({v}) != ""',
            _any(
                f"LCASE(LANG({v})) IN ({listed})",
                f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})',
            ),
        )

    def _in(self, value: Term) -> Condition:
        members = self.g.items(value, self.shape.node)
        named = [m for m in members if not isinstance(m, ox.BlankNode)]

        def condition(v: str) -> str:
            same = [f"sameTerm({v}, {_sparql(m)})" for m in named]
            exact = self.functions.call(lambda term: _is_member(term, named), v)
            normalised = _all(f"isLiteral({v})", f"!{_rdflib_sees_as_written(v)}", exact)
            return _any(*same, normalised)

        return condition

    def _or(self, value: Term) -> Condition:
        members = self.g.items(value, self.shape.node)
        if not members:
            raise UnsupportedShapes(f"{_name(self.shape.node)}: empty sh:or list")
        # pySHACL skips a member that is filtered out, never here; an unknown member is an error.
        return lambda v: _any(*(self.compiler.conforms(m, v) for m in members))

    def _range(self, value: Term, parameter: str, compare: str) -> Condition:
        if not isinstance(value, ox.Literal):
            raise UnsupportedShapes(f"{_name(self.shape.node)}: sh:{parameter} {value}")
        rule = value
        exact_rule = rule.datatype.value in _EXACT_NUMBER_TYPES and re.fullmatch(
            _EXACT_NUMBER[1:-1], rule.value
        )
        types = ", ".join(f"<{t}>" for t in _EXACT_NUMBER_TYPES)

        def condition(v: str) -> str:
            exact = self.functions.call(lambda term: _in_range(term, rule, compare), v)
            if not exact_rule:
                return _all(f"isLiteral({v})", exact)
            fast = _all(
                f"isLiteral({v})",
                f"DATATYPE({v}) IN ({types})",
                f"REGEX(STR({v}), {_string(_EXACT_NUMBER)})",
                f"{v} {compare} {_sparql(rule)}",
            )
            return _any(fast, _all(f"isLiteral({v})", exact))

        return condition

    def _minInclusive(self, value: Term) -> Condition:
        return self._range(value, "minInclusive", ">=")

    def _maxInclusive(self, value: Term) -> Condition:
        return self._range(value, "maxInclusive", "<=")

    def _minExclusive(self, value: Term) -> Condition:
        return self._range(value, "minExclusive", ">")

    def _maxExclusive(self, value: Term) -> Condition:
        return self._range(value, "maxExclusive", "<")


# --- pySHACL's checks, exactly, in Python (called for the values the SPARQL tests leave open) ---


def _rdflib(term: Term) -> Any:
    """The term as pySHACL sees it: an rdflib term, typed literals normalised by rdflib."""
    from clusterkg.engine.convert import to_rdflib

    return to_rdflib(term)


def _rdflib_sees_as_written_py(term: ox.Literal) -> bool:
    datatype = term.datatype.value
    return bool(term.language) or datatype == XSD_STRING or datatype not in RDFLIB_CONVERTED


def _as_pyshacl_reports(term: Term | None) -> Term | None:
    """A reported term as pySHACL reports it: literals in rdflib's normalised lexical form."""
    if not isinstance(term, ox.Literal) or _rdflib_sees_as_written_py(term):
        return term
    return ox.Literal(str(_rdflib(term)), datatype=term.datatype)


def _pyshacl_text(term: Term) -> str:
    """str() of the term in pySHACL's hands (StringBasedConstraintBase.value_node_to_string)."""
    if isinstance(term, ox.Literal) and not _rdflib_sees_as_written_py(term):
        return str(_rdflib(term))
    return term.value


def _datatype_matches(term: Term, datatype: str) -> bool:
    """pySHACL's DatatypeConstraintComponent on one value node."""
    if not isinstance(term, ox.Literal):
        return False
    from rdflib import URIRef

    literal = _rdflib(term)
    rule = URIRef(datatype)
    if literal.datatype == rule:
        return literal.ill_typed is not True and _actual_datatype(literal.value, datatype)
    if datatype == RDFS_LITERAL:
        return True
    if datatype == RDFS_DATATYPE and literal.datatype:
        return True
    if literal.datatype is None and literal.language is None and datatype == XSD_STRING:
        return _actual_datatype(literal.value, datatype)
    if datatype == RDF_LANGSTRING and literal.language:
        return _actual_datatype(literal.value, datatype)
    return False


def _actual_datatype(value: object, datatype: str) -> bool:
    """pySHACL's _assert_actual_datatype: the Python type of the value rdflib made."""
    from datetime import date, datetime, time
    from decimal import Decimal

    expected: dict[str, type | tuple[type, ...]] = {
        XSD_STRING: (str, bytes),
        RDF_LANGSTRING: (str, bytes),
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD_BOOLEAN: bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    python_type = expected.get(datatype)
    return python_type is None or isinstance(value, python_type)


def _pattern_matches(term: Term, regex: re.Pattern[str]) -> bool:
    """pySHACL's PatternConstraintComponent on one value node (Python's re, search)."""
    if isinstance(term, ox.BlankNode):
        return False
    return regex.search(_pyshacl_text(term)) is not None


def _length_passes(term: Term, n: int, compare: str) -> bool:
    """pySHACL's MinLength / MaxLengthConstraintComponent on one value node."""
    if isinstance(term, ox.BlankNode):
        return False
    length = len(_pyshacl_text(term))
    return length >= n if compare == ">=" else length <= n


def _is_member(term: Term, members: Sequence[Term]) -> bool:
    """pySHACL's InConstraintComponent on one value node: rdflib's term equality."""
    return _rdflib(term) in {_rdflib(m) for m in members}


def _in_range(term: Term, rule: ox.Literal, compare: str) -> bool:
    """pySHACL's Min/MaxInclusive/ExclusiveConstraintComponent on one value node."""
    if not isinstance(term, ox.Literal):
        return False
    from pyshacl.rdfutil import compare as pyshacl_compare

    compare_literal: Callable[[Any, Any], int] = pyshacl_compare.compare_literal
    value, bound = _rdflib(term), _rdflib(rule)
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False  # pySHACL compares strings with strings only
    try:
        order = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {">=": order >= 0, ">": order > 0, "<=": order <= 0, "<": order < 0}[compare]


# --- sh:pattern: the part of Python's regex syntax Oxigraph's (Rust) regex reads the same way ---

_RUST_SPECIAL = frozenset("\\.+*?()|[]{}^$")
_RUST_CLASS_SPECIAL = frozenset("\\[]^-&~")
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def _rust_subset(pattern: str) -> str | None:
    """A Rust regex matching only strings Python's re matches with `pattern` (search), or None.

    Every construct kept matches the same, or fewer, strings in Rust: \\d becomes [0-9] (Python's
    \\d also matches other digits), Rust's $ matches only at the very end (Python's also before a
    final newline). A string the Rust regex does not match is then checked by Python's re itself.
    Anything else (classes like \\w, look-arounds, back-references, flags) gives None.
    """
    out: list[str] = []
    i, depth, quantifiable = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            atom = _rust_escape(pattern[i + 1 : i + 2], in_class=False)
            if atom is None:
                return None
            out.append(atom)
            i, quantifiable = i + 2, True
        elif char == "[":
            parsed = _rust_class(pattern, i)
            if parsed is None:
                return None
            atom, i = parsed
            out.append(atom)
            quantifiable = True
        elif char == "(":
            if pattern.startswith("(?:", i):
                out.append("(?:")
                i += 3
            elif pattern.startswith("(?", i):
                return None
            else:
                out.append("(")
                i += 1
            depth, quantifiable = depth + 1, False
        elif char == ")":
            if depth == 0:
                return None
            out.append(")")
            i, depth, quantifiable = i + 1, depth - 1, True
        elif char in "*+?{":
            quantifier = _QUANTIFIER.match(pattern, i) if char == "{" else None
            if not quantifiable or (char == "{" and quantifier is None):
                return None
            text = quantifier.group(0) if quantifier else char
            i += len(text)
            if pattern.startswith("?", i):  # lazy: the same strings match
                text, i = text + "?", i + 1
            if i < len(pattern) and pattern[i] in "*+?{":
                return None  # possessive or stacked quantifiers
            out.append(text)
            quantifiable = False
        elif char in "|^$":
            out.append(char)
            i, quantifiable = i + 1, False
        elif char == ".":
            out.append(".")  # neither matches a newline
            i, quantifiable = i + 1, True
        else:
            out.append("\\" + char if char in _RUST_SPECIAL else char)
            i, quantifiable = i + 1, True
    return "".join(out) if depth == 0 else None


def _rust_escape(escaped: str, in_class: bool) -> str | None:
    if escaped == "d":
        return "0-9" if in_class else "[0-9]"
    if escaped in ("n", "t"):
        return "\\" + escaped
    if len(escaped) == 1 and escaped.isascii() and not escaped.isalnum():
        return _rust_literal(escaped, in_class)
    return None


def _rust_literal(char: str, in_class: bool) -> str:
    special = _RUST_CLASS_SPECIAL if in_class else _RUST_SPECIAL
    return "\\" + char if char in special else char


def _rust_class(pattern: str, start: int) -> tuple[str, int] | None:
    """[...] from `start`: (Rust class, index after it), or None if not plainly translatable."""
    i = start + 1
    negated = pattern.startswith("^", i)
    i += negated
    items: list[str] = []
    while True:
        if i >= len(pattern) or pattern[i] == "[" or (pattern[i] == "]" and not items):
            return None  # unterminated, nested-set syntax, or a leading ] (a literal in Python)
        if pattern[i] == "]":
            return "[" + ("^" if negated else "") + "".join(items) + "]", i + 1
        low = _class_char(pattern, i)
        if low is None:
            return None
        text, char, i = low
        if char is None:  # \d: not in a negated class, where [0-9] would allow more, not less
            if negated:
                return None
            items.append(text)
            continue
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            high = _class_char(pattern, i + 1)
            if high is None or high[1] is None:
                return None
            items.append(f"{text}-{high[0]}")
            i = high[2]
        else:
            items.append(text)


def _class_char(pattern: str, i: int) -> tuple[str, str | None, int] | None:
    """One member of a class: (Rust text, the character or None for \\d, next index)."""
    if pattern[i] != "\\":
        return _rust_literal(pattern[i], in_class=True), pattern[i], i + 1
    escaped = pattern[i + 1 : i + 2]
    text = _rust_escape(escaped, in_class=True)
    if text is None:
        return None
    return text, None if escaped == "d" else escaped, i + 2


# --- SPARQL-based constraints ---------------------------------------------------------------

# pySHACL's own checks of a constraint's query (pyshacl.helper.sparql_query_helper, 0.40): a query
# they reject fails in pySHACL, so it is not compiled here.
_PYSHACL_REFUSES = (
    re.compile(r"^(?:[^#]*|M)(?!#)#?[^\?\$\#]M?INUS[\s\{]", flags=re.M | re.I),
    re.compile(
        r"^(?!\s*#).*?(?<![\w\-\:])VALUES\b(?:\s*(?:\(|[\?\$]\w+|\{|\w|\s))", flags=re.M | re.I
    ),
    re.compile(r"^(?:[^#]*|S)(?!#)#?[^\?\$\#]S?ERVICE[\s\<]", flags=re.M | re.I),
    re.compile(
        r"SELECT[\s\(\)\$\?\a-z]*\{[^\}]*SELECT\s+((?:(?:[\?\$]\w+\s+)|(?:\*\s+))+)",
        flags=re.M | re.I,
    ),
    re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M),
    re.compile(r"([\s{}()])[\$\?]shapesGraph", flags=re.M),
    re.compile(r"([\s{}()])[\$\?]currentShape", flags=re.M),
)
_PYSHACL_AS_VARIABLE = re.compile(r"[^\w]+AS[\s]+[\$\?](\w+)", flags=re.M | re.I)
_PYSHACL_BINDS_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)

_VARIABLE_END = r"(?![\w\u00B7\u0300-\u036F\u203F-\u2040])"
_THIS = re.compile(r"[?$]this" + _VARIABLE_END)
_SELECT = re.compile(r"(?<![\w?$:])SELECT(?![\w:])", re.I)
_PROLOGUE = re.compile(r"\s*((PREFIX\s+[^\s:]*:|BASE)\s*)*", re.I)
_PROJECTION = re.compile(
    r"\s*(?:(DISTINCT|REDUCED)\s+)?((?:[?$][^\W\d][\w]*\s*)+?)\s*(?:WHERE\s*)?$", re.I
)
_FILTER_OR_BIND = re.compile(r"(?<![\w?$:])(FILTER|BIND)(?![\w:])", re.I)
_EXISTS = re.compile(r"\s*(?:NOT\s+)?EXISTS\s*\{", re.I)
_FUNCTION_NAME = re.compile(r"\s*[\w.:\-]*\s*\(")


@dataclass(frozen=True)
class _Rewritten:
    text: str
    projected: tuple[str, ...]  # the variables the original query selects, in order


def _join_focus_into(query: str, focus: _Focus) -> _Rewritten:
    """The query with the focus nodes joined into its WHERE group, in place of pySHACL's
    pre-binding of $this once per focus node.

    The two agree when every $this is in that group itself or in a FILTER or BIND expression of
    that group: the group's other patterns then see ?this bound by the focus nodes, its filters
    see it in every solution. Anything else raises UnsupportedShapes.
    """
    for refused in _PYSHACL_REFUSES:
        if refused.search(query):
            raise UnsupportedShapes(f"pySHACL refuses this query ({refused.pattern[:30]}…)")
    rebinds = _PYSHACL_AS_VARIABLE.search(query)
    if rebinds and rebinds.group(1) in ("this", "shapesGraph", "currentShape"):
        raise UnsupportedShapes("the query binds $this with AS")
    if not _PYSHACL_BINDS_THIS.search(query):
        raise UnsupportedShapes("the query does not use $this")
    code = _code(query)
    selects = list(_SELECT.finditer(code))
    if len(selects) != 1 or not _PROLOGUE.fullmatch(code[: selects[0].start()]):
        raise UnsupportedShapes("only a SELECT query without sub-queries is compiled")
    open_at = code.find("{", selects[0].end())
    projection = _PROJECTION.fullmatch(code[selects[0].end() : open_at]) if open_at > 0 else None
    if projection is None:
        raise UnsupportedShapes("only SELECT [DISTINCT] ?variables WHERE { … } is compiled")
    close_at = _matching(code, open_at, "{", "}")
    if close_at is None or code[close_at + 1 :].strip():
        raise UnsupportedShapes("no solution modifiers (GROUP BY, ORDER BY, LIMIT…) are compiled")
    if re.search(r"\bAS\s+[?$]this" + _VARIABLE_END, code, re.I):
        raise UnsupportedShapes("the query binds $this with AS")
    _check_this_is_joinable(code, open_at, close_at)
    projected = tuple(dict.fromkeys(v[1:] for v in projection.group(2).split()))
    selected = " ".join(["?this", *(f"?{v}" for v in projected if v != "this")])
    text = (
        f"{query[: selects[0].start()]}SELECT DISTINCT {selected} WHERE {{\n{focus.nodes}\n"
        f"{query[open_at + 1 : close_at]}\n}}"
    )
    return _Rewritten(text, projected)


def _check_this_is_joinable(code: str, open_at: int, close_at: int) -> None:
    depth = _depths(code, open_at, close_at)
    expressions: list[tuple[int, int]] = []
    for keyword in _FILTER_OR_BIND.finditer(code, open_at, close_at):
        if depth[keyword.start()] == 1:
            end = _expression_end(code, keyword.end(), keyword.group(1).upper())
            if end is None:
                raise UnsupportedShapes(f"cannot read the {keyword.group(1)} at {keyword.start()}")
            expressions.append((keyword.start(), end))
    for this in _THIS.finditer(code, open_at, close_at):
        at = this.start()
        if depth[at] != 1 and not any(start < at < end for start, end in expressions):
            raise UnsupportedShapes("$this is used in a nested group pattern")


def _depths(code: str, open_at: int, close_at: int) -> dict[int, int]:
    """The brace depth of every position of the WHERE group (1 = the group itself)."""
    depths, depth = {}, 0
    for i in range(open_at, close_at + 1):
        if code[i] == "{":
            depth += 1
        depths[i] = depth
        if code[i] == "}":
            depth -= 1
    return depths


def _expression_end(code: str, at: int, keyword: str) -> int | None:
    """Where the expression of a FILTER or BIND starting at `at` ends."""
    rest = code[at:]
    if rest.lstrip().startswith("("):
        return _matching(code, code.index("(", at), "(", ")")
    if keyword == "FILTER":
        exists = _EXISTS.match(code, at)
        if exists:
            return _matching(code, exists.end() - 1, "{", "}")
        call = _FUNCTION_NAME.match(code, at)
        if call:
            return _matching(code, call.end() - 1, "(", ")")
    return None


def _matching(code: str, at: int, opening: str, closing: str) -> int | None:
    depth = 0
    for i in range(at, len(code)):
        if code[i] == opening:
            depth += 1
        elif code[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return None


_STRING_OR_IRI = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
)


def _code(query: str) -> str:
    """The query with strings, IRIs, comments and escapes blanked, keeping every position."""
    out: list[str] = []
    i = 0
    while i < len(query):
        char = query[i]
        token = _STRING_OR_IRI.match(query, i) if char in "\"'<" else None
        if token:
            out.append(" " * len(token.group(0)))
            i = token.end()
        elif char == "#":
            end = query.find("\n", i)
            end = len(query) if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif char == "\\":
            out.append("__"[: len(query) - i])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _sparql_prefixes(g: _ShapesGraph, constraint: Term) -> dict[str, str]:
    """The prefixes pySHACL declares for a SPARQL constraint (its collect_prefixes), and those
    the specification adds: sh:prefixes/owl:imports*/sh:declare (section 5.2.1), imports being
    followed inside the shapes graph only (pySHACL does not follow them: W3C test prefixes-001)."""
    prefixes = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
    declared: dict[str, str] = {}
    named_graph = set(g.objects(g.identifier, SH + "declare")) if g.identifier else set()
    ontologies = set(g.subjects(RDF_TYPE, ox.NamedNode(OWL_ONTOLOGY)))
    everywhere = named_graph | {d for o in ontologies for d in g.objects(o, SH + "declare")}
    for owner in g.objects(constraint, SH + "prefixes"):
        own = {d for o in _imports_closure(g, owner) for d in g.objects(o, SH + "declare")}
        declarations = own | named_graph if own and owner in ontologies else everywhere | own
        for declaration in sorted(declarations, key=str):
            prefix, namespace = _declaration(g, declaration)
            if declared.get(prefix, namespace) != namespace:
                raise UnsupportedShapes(f"prefix {prefix}: is declared twice ({_name(constraint)})")
            declared[prefix] = namespace
    return prefixes | declared


def _imports_closure(g: _ShapesGraph, node: Term) -> list[Term]:
    """The node and what it owl:imports, transitively, as far as the shapes graph says."""
    found, pending = [node], [node]
    while pending:
        for imported in g.objects(pending.pop(), OWL_IMPORTS):
            if imported not in found:
                found.append(imported)
                pending.append(imported)
    return found


def _declaration(g: _ShapesGraph, declaration: Term) -> tuple[str, str]:
    prefixes = g.objects(declaration, SH + "prefix")
    namespaces = g.objects(declaration, SH + "namespace")
    if len(prefixes) != 1 or len(namespaces) != 1 or not _is_text(prefixes[0]):
        raise UnsupportedShapes(f"malformed sh:declare {_name(declaration)}")
    namespace = namespaces[0]
    readable = (XSD + "anyURI", XSD_STRING, RDF_LANGSTRING)
    if not isinstance(namespace, ox.Literal) or namespace.datatype.value not in readable:
        raise UnsupportedShapes(f"sh:namespace of {_name(declaration)} is not an xsd:anyURI")
    return prefixes[0].value, namespace.value


# --- turning rows into results ----------------------------------------------------------------


@dataclass
class _Run:
    """One validation run: what rows need to become results."""

    store: LocalStore
    graph: ox.NamedNode | None
    data_namespaces: Mapping[str, str] | None
    messages: _Messages


class _Outcome:
    def results(self, row: ox.QuerySolution, run: _Run) -> Iterator[ShaclResult]:
        raise NotImplementedError


@dataclass(frozen=True)
class _CoreOutcome(_Outcome):
    """Core constraints' results: one per failed check (a flag variable bound to false, or no
    flag), with the shape's messages or the ones pySHACL writes."""

    shape: _Shape
    checks: tuple[tuple[str, str | None], ...]  # (component, flag variable or None)
    value_variable: str | None

    def results(self, row: ox.QuerySolution, run: _Run) -> Iterator[ShaclResult]:
        focus = _as_pyshacl_reports(_bound(row, "this"))
        value = _as_pyshacl_reports(row[self.value_variable]) if self.value_variable else None
        assert focus is not None
        for component, flag in self.checks:
            passed = row[flag] if flag else None
            if passed is not None and passed.value == "true":
                continue
            messages = self.shape.static_messages or run.messages.generic(
                component, self.shape, focus, value, run
            )
            yield ShaclResult(
                focus=focus,
                path=self.shape.path,
                value=value,
                source_shape=self.shape.node,
                component=component,
                severity=self.shape.severity,
                messages=messages,
            )


@dataclass(frozen=True)
class _SparqlOutcome(_Outcome):
    """A SPARQL-based constraint's result, with pySHACL's message substitution."""

    shape: _Shape
    constraint: Resource
    projected: tuple[str, ...]
    constraint_messages: tuple[ox.Literal, ...]

    def results(self, row: ox.QuerySolution, run: _Run) -> Iterator[ShaclResult]:
        focus = _bound(row, "this")
        this = focus if "this" in self.projected else None
        path = row["path"] if "path" in self.projected else None
        value = row["value"] if "value" in self.projected else None
        if this is None and path is None and value is None:
            return  # pySHACL ignores a solution without $this, ?path or ?value
        value = value if value is not None else focus
        bindings = [
            (name, term)
            for name in self.projected
            if name not in ("this", "path", "value") and (term := row[name]) is not None
        ]
        special = (("this", this), ("path", path), ("value", value))
        bindings += [(name, term) for name, term in special if term is not None]
        extra = [m for m in self.constraint_messages if m not in self.shape.messages]
        messages = {_substitute(m.value, bindings) for m in (*extra, *self.shape.messages)}
        yield ShaclResult(
            focus=_as_pyshacl_reports(focus) or focus,
            path=path,
            value=_as_pyshacl_reports(value),
            source_shape=self.shape.node,
            component=COMPONENT["sparql"],
            severity=self.shape.severity,
            messages=tuple(sorted(messages)),
            source_constraint=self.constraint,
        )


def _bound(row: ox.QuerySolution, name: str) -> Term:
    term = row[name]
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
    return term


def _substitute(message: str, bindings: Sequence[tuple[str, Term]]) -> str:
    """pySHACL's _format_sparql_based_result_message: re.sub of {?name} / {$name}, in order."""
    for name, term in bindings:
        message = re.sub(f"{{[?$]{name}}}", _pyshacl_text(term), message)
    return message


class _Messages:
    """The messages pySHACL writes for a shape without sh:message, made by pySHACL's own code."""

    def __init__(self, graph: _ShapesGraph, namespaces: Sequence[tuple[str, str]] | None):
        self._graph = graph
        self._namespaces = namespaces

    @cached_property
    def _pyshacl_shapes(self) -> Any:
        """pySHACL's ShapesGraph over an rdflib copy of the shapes, with the prefixes pySHACL
        would have had (it adds its own triples to the graph it is given, hence the copy)."""
        from pyshacl.shapes_graph import ShapesGraph
        from rdflib import Graph

        copy = Graph()
        for prefix, namespace in self._namespaces or ():
            copy.bind(prefix, namespace, override=True, replace=True)
        for t in self._graph.triples:
            copy.add((_rdflib(_term(t.subject)), _rdflib(t.predicate), _rdflib(_term(t.object))))
        shapes = ShapesGraph(copy)
        _ = shapes.shapes  # pySHACL finds its shapes before it looks one up
        return shapes

    def generic(
        self, component: str, shape: _Shape, focus: Term, value: Term | None, run: _Run
    ) -> tuple[str, ...]:
        import pyshacl.constraints as constraints

        pyshacl_shape = self._pyshacl_shapes.lookup_shape_from_node(_rdflib(shape.node))
        checker = getattr(constraints, PYSHACL_CLASS[component])(pyshacl_shape)
        data = _data_graph(run, [focus, value])
        value_node = _rdflib(value) if value is not None else None
        made = checker.make_generic_messages(data, _rdflib(focus), value_node)
        return tuple(sorted({str(m) for m in made}))


def _data_graph(run: _Run, nodes: Iterable[Term | None]) -> Any:
    """An rdflib graph that names data nodes as pySHACL's data graph would: its prefixes (the
    clone pySHACL makes binds them over rdflib's core ones) and the triples of blank nodes."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="core")
    namespaces = run.data_namespaces
    if namespaces is None:
        namespaces = {prefix: str(ns) for prefix, ns in Graph().namespaces()}
    for prefix, namespace in namespaces.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    pending = [n for n in nodes if isinstance(n, ox.BlankNode)]
    seen: set[ox.BlankNode] = set()
    while pending:
        node = pending.pop()
        if node in seen or len(seen) > 10_000:
            continue
        seen.add(node)
        for quad in run.store.quads_for_pattern(node, None, None, run.graph or ox.DefaultGraph()):
            graph.add((_rdflib(node), _rdflib(quad.predicate), _rdflib(_term(quad.object))))
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    return graph


# --- sh:datatype on literals as written, where the store changed their datatype -----------------
# Oxigraph stores "5"^^xsd:int as "5"^^xsd:integer (and "007"^^xsd:integer as "7"); pySHACL, on
# the file as written, finds "5"^^xsd:int to be an xsd:int and not an xsd:integer. The loader
# records which stored literals were written otherwise (clusterkg.inputs.fidelity) and validate() is
# given that record: a recorded value is judged on its written forms, with pySHACL's own check.
# Without a record the test is the constant false, which Oxigraph folds away: no cost.

_RECORDED = ox.NamedNode("urn:x-clusterkg:shacl-sparql:written:recorded")
_WRITTEN_AS = ox.NamedNode("urn:x-clusterkg:shacl-sparql:written:as")
_WRITTEN = re.compile(r"\u27e6written (\S+)\u27e7")


class _WrittenForms:
    """The record of the current validate() run, read by two SPARQL functions."""

    def __init__(self) -> None:
        self.forms: dict[ox.Literal, list[ox.Literal]] = {}
        self.triples: dict[tuple[str, str, ox.Literal], list[ox.Literal]] = {}

    def recorded(self, term: Term) -> ox.Literal:
        return ox.Literal(isinstance(term, ox.Literal) and term in self.forms)

    def written_as(self, term: Term, datatype: Term, *triple: Term) -> ox.Literal:
        """Whether the value was written as a `datatype`: judged on the forms written in its
        triple (subject, predicate) when known, else on every form it was written in."""
        if not isinstance(term, ox.Literal):
            return ox.Literal(False)
        written = self.forms.get(term, [])
        if len(triple) == 2 and not isinstance(triple[0], ox.BlankNode):
            # An unrecorded triple holds the value as written (blank nodes: the store's labels
            # are not the parser's, so those fall back to every form).
            written = self.triples.get((str(triple[0]), str(triple[1]), term), [term])
        return ox.Literal(any(_datatype_matches(w, datatype.value) for w in written))


def _as_written(datatype: str, condition: Condition) -> Condition:
    """`condition` for values as stored, or the written forms' check for recorded values."""
    return lambda v: (
        f"IF(\u27e6written {v}\u27e7, {_sparql(_WRITTEN_AS)}({v}, <{datatype}>\u27e6triple "
        f"{v}\u27e7), {condition(v)})"
    )


_TRIPLE = re.compile(r"\u27e6triple (\S+)\u27e7")


def _written_triple(sparql: str, value: str, subject: str, predicate: str) -> str:
    """Tell _as_written's test of `value` the triple it is the object of."""
    return sparql.replace(f"\u27e6triple {value}\u27e7", f", {subject}, {predicate}")


# Up to this many recorded literals are tested in SPARQL (sameTerm, never an error); beyond, the
# values of their datatypes are handed to Python.
SAME_TERM_LIMIT = 200


def _with_written(sparql: str, recorded: Sequence[ox.Literal]) -> str:
    """Fill in the placeholders of _as_written: the test "this value is one of the `recorded`
    stored literals", or false without a record. Python is called only for values that may be
    recorded: the others (nearly all) are settled by SPARQL."""
    sparql = _TRIPLE.sub("", sparql)
    if not recorded:
        return _WRITTEN.sub("false", sparql)
    if len(recorded) <= SAME_TERM_LIMIT:
        return _WRITTEN.sub(
            lambda m: _any(*(f"sameTerm({m.group(1)}, {_sparql(t)})" for t in recorded)), sparql
        )
    datatypes = ", ".join(sorted({_sparql(t.datatype) for t in recorded}))
    return _WRITTEN.sub(
        lambda m: _all(
            f"isLiteral({m.group(1)})",
            f"DATATYPE({m.group(1)}) IN ({datatypes})",
            f"{_sparql(_RECORDED)}({m.group(1)})",
        ),
        sparql,
    )
