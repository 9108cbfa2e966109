"""SPARQL-based constraints (SHACL section 5): sh:sparql on node shapes, with sh:select,
sh:prefixes (section 5.2.1), sh:message templates and sh:deactivated.

The query runs in Oxigraph with the focus nodes joined in (sparql_rewrite.py); each solution is a
result, its messages substituted as pySHACL substitutes them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from clusterkg.validation.compiled.components import FocusComponent, Query
from clusterkg.validation.compiled.rdflib_view import as_pyshacl_reports, pyshacl_text
from clusterkg.validation.compiled.results import Outcome, Run, ShaclResult, bound
from clusterkg.validation.compiled.shapes import Shape, ShapesGraph, deactivated, is_text
from clusterkg.validation.compiled.sparql_rewrite import join_focus_into
from clusterkg.validation.compiled.terms import (
    COMPONENT,
    OWL,
    OWL_IMPORTS,
    OWL_ONTOLOGY,
    RDF,
    RDF_LANGSTRING,
    RDF_TYPE,
    RDFS,
    SH,
    XSD,
    XSD_STRING,
    Resource,
    Term,
    UnsupportedShapes,
    name,
)

if TYPE_CHECKING:
    from clusterkg.validation.compiled.compiler import Compiler
    from clusterkg.validation.compiled.targets import Focus


def _add_sparql_constraints(compiler: Compiler, shape: Shape, focus: Focus) -> None:
    for constraint in compiler.g.objects(shape.node, SH + "sparql"):
        if shape.is_property:
            raise UnsupportedShapes(f"{name(shape.node)}: sh:sparql on a property shape")
        query = _compiled_constraint(compiler.g, shape, focus, constraint)
        if query is not None:
            compiler.queries.append(query)


def _compiled_constraint(
    g: ShapesGraph, shape: Shape, focus: Focus, constraint: Term
) -> Query | None:
    """The query of one SPARQL-based constraint, None if it is deactivated."""
    if isinstance(constraint, ox.Literal):
        raise UnsupportedShapes(f"{name(shape.node)}: sh:sparql {constraint}")
    selects = g.objects(constraint, SH + "select")
    if len(selects) != 1 or not is_text(selects[0]):
        raise UnsupportedShapes(f"{name(constraint)} needs exactly one sh:select text")
    messages = g.objects(constraint, SH + "message")
    if not all(is_text(m) for m in messages):
        raise UnsupportedShapes(f"{name(constraint)}: sh:message is not a text")
    if deactivated(g, constraint):
        return None
    select = selects[0]
    assert isinstance(select, ox.Literal)
    prefixes = _sparql_prefixes(g, constraint)
    try:
        rewritten = join_focus_into(select.value, focus)
    except UnsupportedShapes as error:
        raise UnsupportedShapes(f"{name(constraint)}: {error}") from None
    sparql_text = (
        "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + "\n" + rewritten.text
    )
    outcome = _SparqlOutcome(
        shape,
        constraint,
        rewritten.projected,
        tuple(m for m in messages if isinstance(m, ox.Literal)),
    )
    return Query(sparql_text, outcome)


FOCUS_COMPONENTS = {SH + "sparql": FocusComponent(_add_sparql_constraints)}


# --- prefixes ---------------------------------------------------------------------------------


def _sparql_prefixes(g: ShapesGraph, constraint: Term) -> dict[str, str]:
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
                raise UnsupportedShapes(f"prefix {prefix}: is declared twice ({name(constraint)})")
            declared[prefix] = namespace
    return prefixes | declared


def _imports_closure(g: ShapesGraph, node: Term) -> list[Term]:
    """The node and what it owl:imports, transitively, as far as the shapes graph says."""
    found, pending = [node], [node]
    while pending:
        for imported in g.objects(pending.pop(), OWL_IMPORTS):
            if imported not in found:
                found.append(imported)
                pending.append(imported)
    return found


def _declaration(g: ShapesGraph, declaration: Term) -> tuple[str, str]:
    prefixes = g.objects(declaration, SH + "prefix")
    namespaces = g.objects(declaration, SH + "namespace")
    if len(prefixes) != 1 or len(namespaces) != 1 or not is_text(prefixes[0]):
        raise UnsupportedShapes(f"malformed sh:declare {name(declaration)}")
    namespace = namespaces[0]
    readable = (XSD + "anyURI", XSD_STRING, RDF_LANGSTRING)
    if not isinstance(namespace, ox.Literal) or namespace.datatype.value not in readable:
        raise UnsupportedShapes(f"sh:namespace of {name(declaration)} is not an xsd:anyURI")
    return prefixes[0].value, namespace.value


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SparqlOutcome(Outcome):
    """A SPARQL-based constraint's result, with pySHACL's message substitution."""

    shape: Shape
    constraint: Resource
    projected: tuple[str, ...]
    constraint_messages: tuple[ox.Literal, ...]

    def results(self, row: ox.QuerySolution, run: Run) -> Iterator[ShaclResult]:
        focus = bound(row, "this")
        this = focus if "this" in self.projected else None
        path = row["path"] if "path" in self.projected else None
        value = row["value"] if "value" in self.projected else None
        if this is None and path is None and value is None:
            return  # pySHACL ignores a solution without $this, ?path or ?value
        value = value if value is not None else focus
        bindings = [
            (variable, term)
            for variable in self.projected
            if variable not in ("this", "path", "value") and (term := row[variable]) is not None
        ]
        special = (("this", this), ("path", path), ("value", value))
        bindings += [(variable, term) for variable, term in special if term is not None]
        extra = [m for m in self.constraint_messages if m not in self.shape.messages]
        messages = {_substitute(m.value, bindings) for m in (*extra, *self.shape.messages)}
        yield ShaclResult(
            focus=as_pyshacl_reports(focus) or focus,
            path=path,
            value=as_pyshacl_reports(value),
            source_shape=self.shape.node,
            component=COMPONENT["sparql"],
            severity=self.shape.severity,
            messages=tuple(sorted(messages)),
            source_constraint=self.constraint,
        )


def _substitute(message: str, bindings: Sequence[tuple[str, Term]]) -> str:
    """pySHACL's _format_sparql_based_result_message: re.sub of {?name} / {$name}, in order."""
    for variable, term in bindings:
        message = re.sub(f"{{[?$]{variable}}}", pyshacl_text(term), message)
    return message
