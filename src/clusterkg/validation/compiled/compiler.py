"""The compiler: reads a shapes graph once and compiles each shape's constraints, with the section
modules registered below, into SPARQL queries over all its focus nodes at once.

Each focus component (sh:minCount, sh:sparql…) is a query of its own; the value components of a
shape (sh:class, sh:datatype, sh:pattern…) share one pass over its value nodes, with a flag per
constraint. Anything else in a shapes graph (another sh: term, a complex path) raises
UnsupportedShapes, so that the caller can fall back to pySHACL."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from clusterkg.engine import LocalEngine
from clusterkg.inputs.screening import without_bom
from clusterkg.validation.compiled import (
    cardinality,
    logical,
    other,
    shape_based,
    sparql_constraints,
    string_based,
    value_range,
    value_type,
)
from clusterkg.validation.compiled.components import (
    FocusComponent,
    FocusScope,
    Query,
    ValueComponent,
    ValueScope,
    ValueTest,
)
from clusterkg.validation.compiled.expressions import all_of, sparql
from clusterkg.validation.compiled.functions import Functions
from clusterkg.validation.compiled.results import CoreOutcome, Messages
from clusterkg.validation.compiled.runner import CompiledShapes
from clusterkg.validation.compiled.shapes import (
    TARGETS,
    Shape,
    ShapesGraph,
    as_term,
    find_shapes,
    from_rdflib,
    parse_turtle,
)
from clusterkg.validation.compiled.targets import (
    Focus,
    focus_nodes,
    joined_instances,
    values_of,
    with_instances,
)
from clusterkg.validation.compiled.terms import (
    ALLOWED_SEVERITIES,
    SCRATCH,
    Term,
    UnsupportedShapes,
    name,
)
from clusterkg.validation.compiled.written import with_written, written_triple
from clusterkg.vocabulary import RDF_TYPE, RDFS_SUBCLASSOF, RELATIVE_BASE, SH

if TYPE_CHECKING:
    from rdflib import Graph

# The components compiled, by the sh: parameter that switches each on (pySHACL's
# CONSTRAINT_PARAMETERS_MAP), in the order their flags and queries are written.
VALUE_COMPONENTS: dict[str, ValueComponent] = {
    **value_type.VALUE_COMPONENTS,
    **string_based.VALUE_COMPONENTS,
    **other.VALUE_COMPONENTS,
    **logical.VALUE_COMPONENTS,
    **value_range.VALUE_COMPONENTS,
}
FOCUS_COMPONENTS: dict[str, FocusComponent] = {
    **cardinality.FOCUS_COMPONENTS,
    **string_based.FOCUS_COMPONENTS,
    **shape_based.FOCUS_COMPONENTS,
    **sparql_constraints.FOCUS_COMPONENTS,
}
# Every sh: predicate the compiler understands; any other one makes a shapes graph unsupported.
KNOWN_PREDICATES = frozenset(VALUE_COMPONENTS) | frozenset(FOCUS_COMPONENTS)
KNOWN_PREDICATES |= frozenset(
    SH + local
    for local in [
        *TARGETS,
        *("qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "flags"),
        *("path", "select", "prefixes", "declare", "prefix", "namespace"),
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
    SH + local
    for local in (
        *("NodeShape", "PropertyShape", "SPARQLConstraint", "PrefixDeclaration"),
        *("ValidationReport", "ValidationResult"),
    )
)


def compile_shapes(shapes: Path | str | Graph | Sequence[Path]) -> CompiledShapes:
    """Compile a shapes graph (a Turtle file, Turtle text, an rdflib Graph, or several Turtle
    files taken together: see validation.shapes_files) to SPARQL.

    Raises UnsupportedShapes, naming the shape and the feature, for anything not compiled. With an
    rdflib Graph, pySHACL's own messages name shapes-graph terms with that graph's prefixes, as
    pySHACL would; with a file or text, with rdflib's default prefixes (clusterkg's loader does not
    keep a file's prefixes).
    """
    if isinstance(shapes, Path):
        text, base = without_bom(shapes.read_text("utf-8")), RELATIVE_BASE
        triples, namespaces, identifier = parse_turtle(text, base), None, None
    elif isinstance(shapes, str):
        triples, namespaces, identifier = parse_turtle(shapes), None, None
    elif isinstance(shapes, Sequence):
        from clusterkg.validation.shapes_files import merged_triples

        files = [Path(path) for path in shapes]
        triples, namespaces, identifier = merged_triples(files), None, None
    else:
        triples, namespaces, identifier = from_rdflib(shapes)
    graph = ShapesGraph(triples, identifier)
    return Compiler(graph, Messages(graph, namespaces)).compile()


class Compiler:
    """The queries of one shapes graph, compiled shape by shape."""

    def __init__(self, graph: ShapesGraph, messages: Messages) -> None:
        self.g = graph
        self.messages = messages
        self.functions = Functions()
        self.queries: list[Query] = []
        self.shapes: dict[Term, Shape] = {}
        self._tests: dict[tuple[Term, bool], list[ValueTest]] = {}
        self._conformance_stack: list[Term] = []

    def compile(self) -> CompiledShapes:
        _check_vocabulary(self.g)
        self.shapes = find_shapes(self.g)
        for shape in self.shapes.values():
            focus = focus_nodes(self.g, shape)
            if focus is not None:
                self.compile_shape(shape, focus)
        self._check_syntax()
        return CompiledShapes(self.queries, self.functions, self.messages)

    def _check_syntax(self) -> None:
        """Run every query once on an empty engine: a query Oxigraph refuses is not compiled."""
        empty = LocalEngine()
        texts = [t for q in self.queries for t in (q.sparql, q.joined) if t is not None]
        for text in texts:
            try:
                sparql_text = with_written(with_instances(text, {}), (ox.Literal(""),))
                list(empty.solutions(sparql_text, SCRATCH, functions=self.functions.table))
            except SyntaxError as error:
                raise UnsupportedShapes(f"Oxigraph refuses a compiled query: {error}") from None

    def compile_shape(self, shape: Shape, focus: Focus) -> None:
        """The queries that validate the focus nodes `focus` against `shape`."""
        if shape.deactivated:
            return
        self._add_value_query(shape, focus, self.value_tests(shape))
        if shape.path is not None:
            sparql(shape.path)  # a path no query can name is refused, whatever the constraints
        for parameter, component in FOCUS_COMPONENTS.items():
            if component.property_shapes_only and not shape.is_property:
                self._refuse(shape, [parameter], "only property shapes may have")
            elif self.g.objects(shape.node, parameter):
                component.add_queries(FocusScope(self, shape, focus))

    def _refuse(self, shape: Shape, parameters: list[str], why: str) -> None:
        for parameter in parameters:
            if self.g.objects(shape.node, parameter):
                raise UnsupportedShapes(f"{name(shape.node)}: {why} sh:{parameter[len(SH) :]}")

    def _add_value_query(self, shape: Shape, focus: Focus, tests: list[ValueTest]) -> None:
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
            binds = written_triple(binds, "?value", "?this", sparql(shape.path))

        def query(joins: str, binds: str) -> str:
            return (
                f"SELECT DISTINCT ?this ?value {' '.join(flags)} WHERE {{ {focus.nodes} "
                f"{values_of(shape)} {joins} {binds} FILTER (!{' || !'.join(flags)}) }}"
            )

        joined_binds, joins = joined_instances(binds, "?value")
        checks = tuple((t.component, flag[1:]) for t, flag in zip(tests, flags, strict=True))
        self.queries.append(
            Query(
                query("", binds),
                CoreOutcome(shape, checks, "value"),
                joined=query(joins, joined_binds) if joins else None,
                predicate=sparql(shape.path) if joins and shape.path is not None else None,
            )
        )

    def value_tests(self, shape: Shape, conjunctive: bool = False) -> list[ValueTest]:
        """The value tests of the shape, in registry order; `conjunctive`: only ever used all
        together, in order (ValueScope.datatype), so the datatype test comes first."""
        if (shape.node, conjunctive) not in self._tests:
            self._tests[(shape.node, conjunctive)] = self._value_tests(shape, conjunctive)
        return self._tests[(shape.node, conjunctive)]

    def _value_tests(self, shape: Shape, conjunctive: bool) -> list[ValueTest]:
        datatypes = self.g.objects(shape.node, SH + "datatype")
        known = conjunctive and len(datatypes) == 1 and isinstance(datatypes[0], ox.NamedNode)
        scope = ValueScope(self, shape, datatypes[0].value if known else None)
        first = [SH + "datatype"] if scope.datatype else []
        tests: list[ValueTest] = []
        for parameter in [*first, *(p for p in VALUE_COMPONENTS if p not in first)]:
            values = self.g.objects(shape.node, parameter)
            component = VALUE_COMPONENTS[parameter]
            if len(values) > 1 and not component.repeatable:
                raise UnsupportedShapes(
                    f"{name(shape.node)} has {len(values)} sh:{parameter[len(SH) :]}"
                )
            tests += [ValueTest(component.component, component.build(scope, v)) for v in values]
        return tests

    def conforms(self, node: Term, var: str) -> str:
        """Whether the value `var` conforms to the shape `node` (sh:or members, qualified shapes),
        as pySHACL decides it with allow_warnings=True."""
        shape = self.shapes.get(node)
        if shape is None or shape.is_property:
            raise UnsupportedShapes(f"{name(node)} is used as a node shape but is not one")
        if shape.deactivated or shape.severity in ALLOWED_SEVERITIES:
            return "true"
        self._refuse(shape, list(FOCUS_COMPONENTS), "nested shapes may not have")
        if node in self._conformance_stack:
            raise UnsupportedShapes(f"{name(node)} refers to itself")
        self._conformance_stack.append(node)
        try:
            conditions = [t.condition(var) for t in self.value_tests(shape, conjunctive=True)]
        finally:
            self._conformance_stack.pop()
        return all_of(*conditions)


def _check_vocabulary(g: ShapesGraph) -> None:
    """Refuse any sh: term this module does not compile (pySHACL would act on it)."""
    for t in g.triples:
        predicate, obj = t.predicate.value, as_term(t.object)
        if predicate.startswith(SH) and predicate not in KNOWN_PREDICATES:
            raise UnsupportedShapes(f"{name(as_term(t.subject))} uses sh:{predicate[len(SH) :]}")
        in_sh = isinstance(obj, ox.NamedNode) and obj.value.startswith(SH)
        if predicate == RDF_TYPE and in_sh and obj.value not in KNOWN_CLASSES:
            raise UnsupportedShapes(f"{name(as_term(t.subject))} is a {obj}")
        if predicate == RDFS_SUBCLASSOF and in_sh:
            raise UnsupportedShapes(f"{name(as_term(t.subject))} is a subclass of {obj}")
