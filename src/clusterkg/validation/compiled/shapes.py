"""The shapes graph, read once (SHACL section 2: shapes and their parameters): its triples indexed
for the few lookups compiling needs, the shapes pySHACL finds in it, and the values of their
parameters, checked as pySHACL checks them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from clusterkg.validation.compiled.terms import (
    VIOLATION,
    WHOLE_INTEGERS,
    Resource,
    Term,
    UnsupportedShapes,
    name,
)
from clusterkg.vocabulary import (
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    SH,
    XSD,
    XSD_BOOLEAN,
    XSD_STRING,
)

if TYPE_CHECKING:
    from rdflib import Graph

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def parse_turtle(text: str, base: str | None = None) -> list[ox.Triple]:
    """The triples of Turtle text; relative IRIs resolved against `base` (RELATIVE_BASE, as when
    clusterkg loads a file), without a base they are an error."""
    try:
        return [_triple(q) for q in ox.parse(text, ox.RdfFormat.TURTLE, base_iri=base)]
    except SyntaxError as error:
        raise UnsupportedShapes(f"the shapes are not valid Turtle: {error}") from None


def _triple(statement: ox.Quad | ox.Triple) -> ox.Triple:
    return ox.Triple(statement.subject, statement.predicate, statement.object)


def from_rdflib(graph: Graph) -> tuple[list[ox.Triple], list[tuple[str, str]], Term | None]:
    """The triples, prefixes and identifier of an rdflib graph."""
    from clusterkg.engine.convert import to_oxigraph

    triples = [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]
    namespaces = [(prefix, str(ns)) for prefix, ns in graph.namespaces()]
    return triples, namespaces, to_oxigraph(graph.identifier)


class ShapesGraph:
    """The shapes graph, indexed for the few lookups compiling needs."""

    def __init__(self, triples: Iterable[ox.Triple], identifier: Term | None) -> None:
        self.triples = sorted(set(triples), key=str)
        self.identifier = identifier
        self._objects: dict[tuple[Term, str], list[Term]] = defaultdict(list)
        self._subjects: dict[tuple[str, Term], list[Term]] = defaultdict(list)
        self._pairs: dict[str, list[tuple[Term, Term]]] = defaultdict(list)
        for t in self.triples:
            subject, predicate, obj = as_resource(t.subject), t.predicate.value, as_term(t.object)
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
            raise UnsupportedShapes(f"{name(subject)} has {len(values)} values for {what}")
        return values[0] if values else None

    def items(self, node: Term, owner: Term) -> list[Term]:
        """The members of an RDF list."""
        members: list[Term] = []
        seen: set[Term] = set()
        while node != ox.NamedNode(RDF_NIL):
            firsts, rests = self.objects(node, RDF_FIRST), self.objects(node, RDF_REST)
            if node in seen or len(firsts) != 1 or len(rests) != 1:
                raise UnsupportedShapes(f"{name(owner)} has a malformed RDF list")
            seen.add(node)
            members.append(firsts[0])
            node = rests[0]
        return members


def as_resource(term: object) -> Resource:
    """A subject of the shapes graph (RDF-star is refused)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term
    raise UnsupportedShapes(f"RDF-star triples are not supported: {term}")


def as_term(term: object) -> Term:
    """An object of the shapes graph (RDF-star is refused)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    raise UnsupportedShapes(f"RDF-star triples are not supported: {term}")


# --- shapes as pySHACL finds them -------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A node or property shape, with the parameters every shape may have (section 2.1)."""

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


def find_shapes(g: ShapesGraph) -> dict[Term, Shape]:
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
    shapes: dict[Term, Shape] = {}
    for node in sorted(declared_nodes | declared_properties | implied, key=str):
        paths = g.objects(node, SH + "path")
        if node in declared_nodes and paths:
            raise UnsupportedShapes(f"node shape {name(node)} has an sh:path")
        if node in declared_properties and len(paths) != 1:
            raise UnsupportedShapes(f"property shape {name(node)} needs exactly one sh:path")
        shapes[node] = _read_shape(g, node, paths)
    return shapes


def _read_shape(g: ShapesGraph, node: Term, paths: list[Term]) -> Shape:
    if isinstance(node, ox.Literal):
        raise UnsupportedShapes(f"a literal is used as a shape: {node}")
    if len(paths) > 1:
        raise UnsupportedShapes(f"shape {name(node)} has {len(paths)} sh:path values")
    path = paths[0] if paths else None
    if path is not None and not isinstance(path, ox.NamedNode):
        raise UnsupportedShapes(f"shape {name(node)}: only predicate paths are compiled")
    severity = g.one(node, SH + "severity", "sh:severity")
    if severity is not None and not isinstance(severity, ox.NamedNode):
        raise UnsupportedShapes(f"shape {name(node)}: sh:severity is not an IRI")
    messages = g.objects(node, SH + "message")
    if not all(is_text(m) for m in messages):
        raise UnsupportedShapes(f"shape {name(node)}: sh:message is not a text")
    return Shape(
        node=node,
        path=path,
        severity=severity.value if severity is not None else VIOLATION,
        messages=tuple(m for m in messages if isinstance(m, ox.Literal)),
        deactivated=deactivated(g, node),
    )


def deactivated(g: ShapesGraph, node: Term) -> bool:
    """sh:deactivated of a shape or a SPARQL-based constraint."""
    value = g.one(node, SH + "deactivated", "sh:deactivated")
    if value is None:
        return False
    return _boolean(value, f"{name(node)}: sh:deactivated is not a boolean: {value}")


# --- parameter values -------------------------------------------------------------------------


def is_text(term: Term) -> bool:
    """A string: an xsd:string or a language-tagged literal."""
    return isinstance(term, ox.Literal) and (
        bool(term.language) or term.datatype.value == XSD_STRING
    )


def iri(term: Term, shape: Shape, what: str) -> ox.NamedNode:
    """A parameter value that must be an IRI."""
    if not isinstance(term, ox.NamedNode):
        raise UnsupportedShapes(f"{name(shape.node)}: {what} {term} is not an IRI")
    return term


def integer(term: Term | None, datatypes: Iterable[str]) -> int | None:
    """The value of an integer literal of one of the datatypes, None if it is not one."""
    if (
        isinstance(term, ox.Literal)
        and term.datatype.value in datatypes
        and re.fullmatch(r"[+-]?[0-9]+", term.value)
    ):
        return int(term.value)
    return None


def count(g: ShapesGraph, shape: Shape, parameter: str) -> int | None:
    """A count parameter of the shape (sh:minCount, sh:qualifiedMaxCount…), None if absent."""
    term = g.one(shape.node, SH + parameter, f"sh:{parameter}")
    if term is None:
        return None
    # pySHACL: sh:minCount and sh:maxCount are xsd:integer; qualified counts any integer.
    datatypes = [XSD + "integer"] if parameter in ("minCount", "maxCount") else WHOLE_INTEGERS
    value = integer(term, datatypes)
    if value is None or value < 0:
        raise UnsupportedShapes(f"{name(shape.node)}: sh:{parameter} {term} is not a count")
    return value


def boolean(term: Term, shape: Shape, what: str) -> bool:
    """A parameter value that must be an xsd:boolean."""
    return _boolean(term, f"{name(shape.node)}: {what} {term} is not a boolean")


def _boolean(term: Term, refusal: str) -> bool:
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN:
        if term.value in ("true", "1"):
            return True
        if term.value in ("false", "0"):
            return False
    raise UnsupportedShapes(refusal)
