"""Turning the rows of compiled queries into validation results (SHACL section 3.6: the
validation report), with the messages pySHACL gives: the shape's sh:message values as they are
(pySHACL does not substitute {$this} in the messages of core constraints) or, for shapes without
one, the messages pySHACL generates, made by pySHACL's own code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import Engine, Solution
from clusterkg.validation.compiled.rdflib_view import as_pyshacl_reports, as_rdflib
from clusterkg.validation.compiled.shapes import Shape, ShapesGraph, as_term
from clusterkg.validation.compiled.terms import COMPONENT, Resource, Term

# pySHACL's class for each component, to let it write its own messages.
# The triples about one node of the data graph (to show a blank node as pySHACL does).
_ABOUT = "SELECT ?node ?p ?o WHERE { ?node ?p ?o }"

PYSHACL_CLASS = {
    COMPONENT[name]: f"{name[0].upper()}{name[1:]}ConstraintComponent"
    for name in COMPONENT
    if not name.startswith("qualified") and name != "sparql"
} | {
    COMPONENT["qualifiedMinCount"]: "QualifiedValueShapeConstraintComponent",
    COMPONENT["qualifiedMaxCount"]: "QualifiedValueShapeConstraintComponent",
}


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


@dataclass
class Run:
    """One validation run: what rows need to become results."""

    engine: Engine
    graph: str
    messages: Messages


class Outcome:
    """How the rows of one query become results."""

    def results(self, row: Solution, run: Run) -> Iterator[ShaclResult]:
        raise NotImplementedError


@dataclass(frozen=True)
class CoreOutcome(Outcome):
    """Core constraints' results: one per failed check (a flag variable bound to false, or no
    flag), with the shape's messages or the ones pySHACL writes."""

    shape: Shape
    checks: tuple[tuple[str, str | None], ...]  # (component, flag variable or None)
    value_variable: str | None

    def results(self, row: Solution, run: Run) -> Iterator[ShaclResult]:
        focus = as_pyshacl_reports(bound(row, "this"))
        value = as_pyshacl_reports(row[self.value_variable]) if self.value_variable else None
        assert focus is not None
        for component, flag in self.checks:
            passed = row[flag] if flag else None
            # true as a boolean, or as Virtuoso answers every boolean: the integer 1
            if passed is not None and passed.value in ("true", "1"):
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


def bound(row: Solution, variable: str) -> Term:
    """The term a solution binds to a variable it always binds."""
    term = row[variable]
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
    return term


class Messages:
    """The messages pySHACL writes for a shape without sh:message, made by pySHACL's own code."""

    def __init__(self, graph: ShapesGraph, namespaces: Sequence[tuple[str, str]] | None):
        self._graph = graph
        self._namespaces = namespaces

    @cached_property
    def _pyshacl_shapes(self) -> Any:
        """pySHACL's ShapesGraph over an rdflib copy of the shapes, with the prefixes pySHACL
        would have had (it adds its own triples to the graph it is given, hence the copy)."""
        from pyshacl.shapes_graph import ShapesGraph as PyshaclShapesGraph
        from rdflib import Graph

        copy = Graph()
        for prefix, namespace in self._namespaces or ():
            copy.bind(prefix, namespace, override=True, replace=True)
        for t in self._graph.triples:
            subject, obj = as_rdflib(as_term(t.subject)), as_rdflib(as_term(t.object))
            copy.add((subject, as_rdflib(t.predicate), obj))
        shapes = PyshaclShapesGraph(copy)
        _ = shapes.shapes  # pySHACL finds its shapes before it looks one up
        return shapes

    def generic(
        self, component: str, shape: Shape, focus: Term, value: Term | None, run: Run
    ) -> tuple[str, ...]:
        import pyshacl.constraints as constraints

        pyshacl_shape = self._pyshacl_shapes.lookup_shape_from_node(as_rdflib(shape.node))
        checker = getattr(constraints, PYSHACL_CLASS[component])(pyshacl_shape)
        data = _data_graph(run, [focus, value])
        value_node = as_rdflib(value) if value is not None else None
        made = checker.make_generic_messages(data, as_rdflib(focus), value_node)
        return tuple(sorted({str(m) for m in made}))


def _data_graph(run: Run, nodes: Iterable[Term | None]) -> Any:
    """An rdflib graph that names data nodes as pySHACL's data graph would: its prefixes (the
    clone pySHACL makes binds them over rdflib's core ones) and the triples of blank nodes."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="core")
    # the prefixes of a new rdflib Graph: what clusterkg's reference path gives pySHACL
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
        for row in run.engine.solutions(_ABOUT, run.graph, {"node": node}):
            predicate, value = bound(row, "p"), bound(row, "o")
            graph.add((as_rdflib(node), as_rdflib(predicate), as_rdflib(value)))
            if isinstance(value, ox.BlankNode):
                pending.append(value)
    return graph
